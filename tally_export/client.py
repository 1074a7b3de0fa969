"""Client for Tally's HTTP XML server (port 9000 by default): push, then read back.

Masters go first, vouchers follow in small batches (a batch's errors are not mapped to
its vouchers, so small batches keep the blame narrow; `isolate_errors` re-posts a
failed batch one voucher at a time — safe because every voucher carries a stable
REMOTEID, so a voucher Tally already accepted is altered, not duplicated ⚠ as Tally
documents REMOTEID matching; verify on your release before relying on it). An
unreachable server (connection refused, timeout) is retried with exponential backoff.
After a push, `read_back` asks Tally for the vouchers of the pushed dates and reports
any it renumbered, dropped or changed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import requests
from lxml import etree

from loyalty_gst.errors import LoyaltyGstError
from tally_export.envelope import ImportId, export_vouchers_request, import_envelope
from tally_export.readback import Pushed, ReadBack, compare
from tally_export.render import voucher_element
from tally_export.replies import ImportResult, parse_import_reply, parse_vouchers
from tally_export.vouchers import Voucher, check

DEFAULT_URL = "http://127.0.0.1:9000"


class TallyUnreachable(LoyaltyGstError):
    """Tally's XML server did not answer after every retry."""

    code = "tally_unreachable"


@dataclass(frozen=True)
class LineError:
    """A LINEERROR with the batch it came from and the documents that batch held."""

    batch: int
    numbers: tuple[str, ...]
    message: str


@dataclass
class PushReport:
    batches: int = 0
    sent: int = 0
    created: int = 0
    altered: int = 0
    errors: int = 0
    exceptions: int = 0
    retries: int = 0
    line_errors: list[LineError] = field(default_factory=list)
    pushed: list[Pushed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.errors or self.exceptions or self.line_errors)

    def add(self, result: ImportResult, batch: int, numbers: tuple[str, ...]) -> None:
        self.created += result.created
        self.altered += result.altered
        self.errors += result.errors
        self.exceptions += result.exceptions
        self.line_errors += [LineError(batch, numbers, m) for m in result.line_errors]

    def merge(self, other: PushReport) -> None:
        """Fold a later push into this one; its batch numbers continue this one's."""
        for le in other.line_errors:
            self.line_errors.append(LineError(le.batch + self.batches, le.numbers, le.message))
        self.batches += other.batches
        self.sent += other.sent
        self.created += other.created
        self.altered += other.altered
        self.errors += other.errors
        self.exceptions += other.exceptions
        self.retries += other.retries
        self.pushed += other.pushed

    def summary(self) -> str:
        return (
            f"sent {self.sent} in {self.batches} batch(es): {self.created} created, "
            f"{self.altered} altered, {self.errors} errors, {self.exceptions} exceptions, "
            f"{len(self.line_errors)} line error(s), {self.retries} retry(ies)"
        )


def _chunks(items: Iterable[object], size: int) -> Iterator[list[object]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class TallyClient:
    def __init__(
        self,
        url: str = DEFAULT_URL,
        company: str = "",
        *,
        timeout: float = 30.0,  # float ok: seconds
        attempts: int = 5,
        backoff: float = 0.5,  # float ok: seconds
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url
        self.company = company
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self.session = session or requests.Session()
        self.retries = 0

    def post(self, body: bytes) -> bytes:
        """POST one envelope; retry a server that is down or silent, with backoff."""
        last: Exception | None = None
        for attempt in range(self.attempts):
            if attempt:
                self.retries += 1
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                resp = self.session.post(
                    self.url,
                    data=body,
                    headers={"Content-Type": "text/xml; charset=utf-8"},
                    timeout=self.timeout,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
                continue
            if resp.status_code >= 500:
                last = RuntimeError(f"HTTP {resp.status_code}")
                continue
            return resp.content
        raise TallyUnreachable(
            f"Tally at {self.url} did not answer after {self.attempts} attempt(s): {last}"
        )

    def import_elements(self, id_: ImportId, elements: Sequence[etree._Element]) -> ImportResult:
        return parse_import_reply(self.post(import_envelope(self.company, id_, elements)))

    def push_masters(self, elements: Iterable[etree._Element], *, batch: int = 100) -> PushReport:
        report = PushReport()
        before = self.retries
        for no, chunk in enumerate(_chunks(elements, batch), start=1):
            els: list[etree._Element] = chunk  # type: ignore[assignment]
            names = tuple(str(e.get("NAME") or "") for e in els)
            report.batches, report.sent = no, report.sent + len(els)
            report.add(self.import_elements("All Masters", els), no, names)
        report.retries = self.retries - before
        return report

    def push_vouchers(
        self,
        vouchers: Iterable[Voucher],
        *,
        batch: int = 25,
        isolate_errors: bool = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> PushReport:
        """Post vouchers `batch` at a time; each is checked (sums to 0) before sending."""
        report = PushReport()
        before = self.retries
        for no, chunk in enumerate(_chunks(vouchers, batch), start=1):
            vs: list[Voucher] = chunk  # type: ignore[assignment]
            for v in vs:
                check(v)
            result = self.import_elements("Vouchers", [voucher_element(v) for v in vs])
            report.batches, report.sent = no, report.sent + len(vs)
            report.pushed += [Pushed.of(v) for v in vs]
            if result.ok or not isolate_errors or len(vs) == 1:
                report.add(result, no, tuple(v.number for v in vs))
            else:
                # blame each voucher: re-post alone (REMOTEID makes a re-post an alteration)
                for v in vs:
                    one = self.import_elements("Vouchers", [voucher_element(v)])
                    report.add(one, no, (v.number,))
            if on_batch is not None:
                on_batch(len(vs))
        report.retries = self.retries - before
        return report

    def read_back(
        self, pushed: Sequence[Pushed], start: dt.date | None = None, end: dt.date | None = None
    ) -> ReadBack:
        """Export the vouchers of the pushed dates and compare them with what we sent."""
        if not pushed and (start is None or end is None):
            return ReadBack()
        start = start or min(p.date for p in pushed)
        end = end or max(p.date for p in pushed)
        stored = parse_vouchers(self.post(export_vouchers_request(self.company, start, end)))
        return compare(pushed, stored)
