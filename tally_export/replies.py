"""Reading Tally's answers: import results and exported vouchers (pure parsing).

Tally's HTTP server answers an import in one of two forms (GST_RULES §5):

- bare ``<RESPONSE><CREATED/><ALTERED/>…<ERRORS/><EXCEPTIONS/><LINEERROR/>…</RESPONSE>``
  (Tally.ERP 9 and older TallyPrime);
- ``<ENVELOPE><HEADER><STATUS/></HEADER><BODY><DATA><IMPORTRESULT>…</IMPORTRESULT>
  <LINEERROR/>…</DATA></BODY></ENVELOPE>`` (TallyPrime).

Both become one `ImportResult`. HTTP 200 is not success: only the counters and the
LINEERRORs say what happened, and they are per batch, not per voucher.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from loyalty_gst.money import ZERO

COUNTERS = (
    "CREATED",
    "ALTERED",
    "DELETED",
    "IGNORED",
    "COMBINED",
    "ERRORS",
    "CANCELLED",
    "EXCEPTIONS",
)
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    altered: int = 0
    deleted: int = 0
    ignored: int = 0
    combined: int = 0
    errors: int = 0
    cancelled: int = 0
    exceptions: int = 0
    last_vch_id: str | None = None
    line_errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.errors or self.exceptions or self.line_errors)


def _root(body: bytes | str) -> etree._Element | None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if not data.strip():
        return None
    return etree.fromstring(data, _PARSER)


def _int(node: etree._Element, tag: str) -> int:
    text = node.findtext(tag)
    try:
        return int((text or "0").strip() or 0)
    except ValueError:
        return 0


def parse_import_reply(body: bytes | str) -> ImportResult:
    """Counters and line errors from either reply form; an unreadable reply is an error."""
    root = _root(body)
    if root is None:
        return ImportResult(errors=1, line_errors=("empty reply from Tally",))
    if root.tag in ("RESPONSE", "IMPORTRESULT"):
        node = root
    else:
        node = root.find(".//IMPORTRESULT")
        if node is None:
            node = root.find(".//RESPONSE")
    lines = tuple((e.text or "").strip() for e in root.iter("LINEERROR"))
    if node is None:
        # STATUS 0 with a bare message in DATA ("DESC not found", "Company not loaded")
        body = root.find("BODY")
        where = body if body is not None else root
        text = " ".join(t.strip() for t in where.itertext() if t.strip())
        return ImportResult(errors=1, line_errors=lines or (text or "no import result",))
    counts = {c.lower(): _int(node, c) for c in COUNTERS}
    return ImportResult(
        **counts, last_vch_id=(node.findtext("LASTVCHID") or None), line_errors=lines
    )


@dataclass(frozen=True)
class StoredVoucher:
    """A voucher as Tally holds it, from an export request."""

    remote_id: str | None
    vchtype: str
    number: str
    date: dt.date | None
    party: str
    party_amount: Decimal
    amounts: tuple[Decimal, ...] = field(default=())


def _amount(text: str | None) -> Decimal:
    try:
        return Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        return ZERO


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((text or "").strip(), "%Y%m%d").date()
    except ValueError:
        return None


_ENTRY_TAGS = ("LEDGERENTRIES.LIST", "ALLLEDGERENTRIES.LIST")


def parse_vouchers(body: bytes | str) -> list[StoredVoucher]:
    """Every VOUCHER in an export reply (Collection or Day Book form)."""
    root = _root(body)
    if root is None:
        return []
    out = []
    for v in root.iter("VOUCHER"):
        party = (v.findtext("PARTYLEDGERNAME") or "").strip()
        amounts: list[Decimal] = []
        party_amount = ZERO
        for tag in _ENTRY_TAGS:
            for e in v.findall(tag):
                a = _amount(e.findtext("AMOUNT"))
                amounts.append(a)
                if (e.findtext("LEDGERNAME") or "").strip() == party and not party_amount:
                    party_amount = a
        out.append(
            StoredVoucher(
                remote_id=v.get("REMOTEID") or v.findtext("REMOTEID") or v.findtext("GUID"),
                vchtype=(v.get("VCHTYPE") or v.findtext("VOUCHERTYPENAME") or "").strip(),
                number=(v.findtext("VOUCHERNUMBER") or "").strip(),
                date=_date(v.findtext("DATE")),
                party=party,
                party_amount=party_amount,
                amounts=tuple(amounts),
            )
        )
    return out
