"""GSTR-1 table 13 (`doc_issue`): documents issued in the period, per kind and number series.

A series is the number's prefix — everything before its trailing digits
("MUMBAN/2511/00042" → "MUMBAN/2511/", serial 42) — within one document kind
(`doc_num` 1 invoices for outward supply, 4 debit notes, 5 credit notes). Per series:
`from` / `to` (lowest and highest number seen), `totnum`, `cancel`, `net_issue`.

Decision (GSTN counts cancelled documents, it does not infer them): `totnum` counts
the documents known in the series — issued plus those listed as cancelled
(Settings.cancelled) — and `net_issue = totnum − cancel`. A number missing between
`from` and `to` that is neither issued nor listed as cancelled is a gap, not a
cancellation: it is reported as a warning for the accountant to resolve. A number
seen twice in one series is a duplicate; the builder keeps the first and warns.
Seen numbers are kept as a sparse bitmap per series (8 KB per 65,536 serials), so
memory follows the number ranges, not a set of a million strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

SECTION = "doc_issue"
KINDS = {
    "invoice": (1, "Invoices for outward supply"),
    "debit_note": (4, "Debit Note"),
    "credit_note": (5, "Credit Note"),
}
_TAIL = re.compile(r"[0-9]+$")
_CHUNK = 16  # bits of serial per bitmap chunk


def split_number(number: str) -> tuple[str, int | None]:
    """("MUMBAN/2511/", 42) for "MUMBAN/2511/00042"; (number, None) without trailing digits."""
    m = _TAIL.search(number)
    if m is None:
        return number, None
    return number[: m.start()], int(m.group())


class Series:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.lo = self.hi = -1
        self.lo_text = self.hi_text = ""
        self.count = 0
        self.cancelled = 0
        self._bits: dict[int, bytearray] = {}

    def mark(self, serial: int, number: str, cancelled: bool) -> bool:
        """Record one number; False (and nothing recorded) if it was seen already."""
        chunk = self._bits.get(serial >> _CHUNK)
        if chunk is None:
            chunk = self._bits[serial >> _CHUNK] = bytearray(1 << (_CHUNK - 3))
        low = serial & ((1 << _CHUNK) - 1)
        mask = 1 << (low & 7)
        if chunk[low >> 3] & mask:
            return False
        chunk[low >> 3] |= mask
        self.count += 1
        self.cancelled += cancelled
        if self.lo < 0 or serial < self.lo:
            self.lo, self.lo_text = serial, number
        if serial > self.hi:
            self.hi, self.hi_text = serial, number
        return True

    def has(self, serial: int) -> bool:
        chunk = self._bits.get(serial >> _CHUNK)
        low = serial & ((1 << _CHUNK) - 1)
        return chunk is not None and bool(chunk[low >> 3] & (1 << (low & 7)))

    def gaps(self, show: int = 5) -> tuple[int, list[int]]:
        """How many serials between from and to are unknown, and the first few of them."""
        missing = (self.hi - self.lo + 1) - self.count
        first: list[int] = []
        serial = self.lo
        while missing and len(first) < show and serial < self.hi:
            serial += 1
            if not self.has(serial):
                first.append(serial)
        return missing, first


class DocIssue:
    def __init__(self) -> None:
        self.series: dict[tuple[str, str], Series] = {}
        self._loose: dict[tuple[str, str], bool] = {}  # numbers without digits: cancelled?

    def record(self, kind: str, number: str, cancelled: bool = False) -> bool:
        """Count a document (issued, or listed as cancelled); False for a duplicate."""
        prefix, serial = split_number(number)
        if serial is None:
            if (kind, number) in self._loose:
                return False
            self._loose[(kind, number)] = cancelled
            return True
        s = self.series.get((kind, prefix))
        if s is None:
            s = self.series[(kind, prefix)] = Series(prefix)
        return s.mark(serial, number, cancelled)

    def kind_of(self, number: str) -> str:
        """The kind of the series a number belongs to (invoice when no series matches)."""
        prefix, _ = split_number(number)
        for kind in KINDS:
            if (kind, prefix) in self.series:
                return kind
        return "invoice"

    def cancel_unseen(self, numbers: Iterable[str]) -> None:
        for number in sorted(numbers):
            self.record(self.kind_of(number), number, cancelled=True)

    def gap_report(self) -> Iterable[tuple[str, Series, int, list[int]]]:
        for (kind, _), s in sorted(self.series.items()):
            missing, first = s.gaps()
            if missing:
                yield kind, s, missing, first

    def render(self) -> dict[str, Any] | None:
        by_kind: dict[str, list[tuple[str, str, str, int, int]]] = {}
        for (kind, prefix), s in self.series.items():
            row = (prefix, s.lo_text, s.hi_text, s.count, s.cancelled)
            by_kind.setdefault(kind, []).append(row)
        for (kind, number), cancelled in self._loose.items():
            by_kind.setdefault(kind, []).append((number, number, number, 1, int(cancelled)))
        det = []
        for kind, (doc_num, doc_typ) in KINDS.items():
            ranges = sorted(by_kind.get(kind, []))
            if not ranges:
                continue
            docs = [
                {
                    "num": n,
                    "from": lo,
                    "to": hi,
                    "totnum": total,
                    "cancel": cancel,
                    "net_issue": total - cancel,
                }
                for n, (_, lo, hi, total, cancel) in enumerate(ranges, start=1)
            ]
            det.append({"doc_num": doc_num, "doc_typ": doc_typ, "docs": docs})
        return {"doc_det": det} if det else None
