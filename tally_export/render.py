"""A `Voucher` as Tally's `<VOUCHER>` element (GST_RULES §5 tag names).

Invoice Voucher View: goods in `ALLINVENTORYENTRIES.LIST` (STOCKITEMNAME, RATE "1000.00/PCS",
ACTUALQTY / BILLEDQTY "2 PCS", AMOUNT), each with the sales ledger only inside its
`ACCOUNTINGALLOCATIONS.LIST`; party, tax, discount and round-off lines in
`LEDGERENTRIES.LIST`. Accounting Voucher View: ledger entries only. Party GST details
(PARTYGSTIN, GSTREGISTRATIONTYPE, STATENAME, PLACEOFSUPPLY by name) and our registration
(GSTREGISTRATION, CMPGSTIN, CMPGSTREGISTRATIONTYPE, CMPGSTSTATE) sit on the voucher.

This is the hot path of a million-voucher export. Setting ~60 element texts one Python
call at a time cost ~70 µs a voucher; instead the voucher's markup is assembled from
fixed templates with every copied text escaped (`& < >` in text, also `"` in
attributes) and parsed by lxml in C (~15 µs) — the result is an ordinary lxml element
the writer streams and the client posts, and a parse error here would be our bug, not
Tally's. Texts arrive cleaned of the control characters XML 1.0 cannot carry
(`vouchers.build`, `TallySettings`); ₹ and every other non-ASCII character pass as UTF-8.
"""

from __future__ import annotations

from lxml import etree

from tally_export.vouchers import Entry, Item, Voucher, qty_of, rate_of

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def esc(text: str) -> str:
    """Escape for element text: & < > (the only characters text content needs)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def esc_attr(text: str) -> str:
    """Escape for a double-quoted attribute: & < > and "."""
    text = esc(text)
    return text.replace('"', "&quot;") if '"' in text else text


def _item(it: Item) -> str:
    amount = f"{it.amount:.2f}"
    debit = "Yes" if it.amount < 0 else "No"
    qty = esc(qty_of(it))
    ledger = esc(it.ledger)
    return (
        "<ALLINVENTORYENTRIES.LIST>"
        f"<STOCKITEMNAME>{esc(it.stock_item)}</STOCKITEMNAME>"
        f"<ISDEEMEDPOSITIVE>{debit}</ISDEEMEDPOSITIVE>"
        f"<RATE>{esc(rate_of(it))}</RATE>"
        f"<AMOUNT>{amount}</AMOUNT>"
        f"<ACTUALQTY>{qty}</ACTUALQTY>"
        f"<BILLEDQTY>{qty}</BILLEDQTY>"
        "<ACCOUNTINGALLOCATIONS.LIST>"
        f"<LEDGERNAME>{ledger}</LEDGERNAME>"
        f"<ISDEEMEDPOSITIVE>{debit}</ISDEEMEDPOSITIVE>"
        f"<AMOUNT>{amount}</AMOUNT>"
        "</ACCOUNTINGALLOCATIONS.LIST>"
        "</ALLINVENTORYENTRIES.LIST>"
    )


def _entry(e: Entry, bill_name: str | None, bill_type: str) -> str:
    amount = f"{e.amount:.2f}"
    bill = ""
    if e.is_party and bill_name:
        bill = (
            "<BILLALLOCATIONS.LIST>"
            f"<NAME>{esc(bill_name)}</NAME>"
            f"<BILLTYPE>{bill_type}</BILLTYPE>"
            f"<AMOUNT>{amount}</AMOUNT>"
            "</BILLALLOCATIONS.LIST>"
        )
    return (
        "<LEDGERENTRIES.LIST>"
        f"<LEDGERNAME>{esc(e.ledger)}</LEDGERNAME>"
        f"<ISDEEMEDPOSITIVE>{'Yes' if e.amount < 0 else 'No'}</ISDEEMEDPOSITIVE>"
        f"<ISPARTYLEDGER>{'Yes' if e.is_party else 'No'}</ISPARTYLEDGER>"
        f"<AMOUNT>{amount}</AMOUNT>"
        f"{bill}"
        "</LEDGERENTRIES.LIST>"
    )


def voucher_markup(v: Voucher) -> str:
    """The `<VOUCHER>` markup of one voucher, every copied text escaped."""
    date = f"{v.date:%Y%m%d}"
    party = esc(v.party_ledger)
    parts = [
        f'<VOUCHER REMOTEID="{esc_attr(v.remote_id)}" VCHTYPE="{esc_attr(v.vchtype)}"'
        f' ACTION="Create" OBJVIEW="{v.view}">'
        f"<DATE>{date}</DATE>"
        f"<EFFECTIVEDATE>{date}</EFFECTIVEDATE>"
        f"<GUID>{esc(v.remote_id)}</GUID>"
        f"<VOUCHERTYPENAME>{esc(v.vchtype)}</VOUCHERTYPENAME>"
        f"<VOUCHERNUMBER>{esc(v.number)}</VOUCHERNUMBER>"
    ]
    if v.reference:
        parts.append(f"<REFERENCE>{esc(v.reference)}</REFERENCE>")
    if v.reference_date:
        parts.append(f"<REFERENCEDATE>{v.reference_date:%Y%m%d}</REFERENCEDATE>")
    parts.append(f"<PARTYLEDGERNAME>{party}</PARTYLEDGERNAME><PARTYNAME>{party}</PARTYNAME>")
    if v.party_gstin:
        parts.append(f"<PARTYGSTIN>{esc(v.party_gstin)}</PARTYGSTIN>")
    parts.append(
        f"<GSTREGISTRATIONTYPE>{esc(v.registration_type)}</GSTREGISTRATIONTYPE>"
        f"<STATENAME>{esc(v.state_name)}</STATENAME>"
        "<COUNTRYOFRESIDENCE>India</COUNTRYOFRESIDENCE>"
        f"<PLACEOFSUPPLY>{esc(v.place_of_supply)}</PLACEOFSUPPLY>"
        f'<GSTREGISTRATION TAXTYPE="GST" TAXREGISTRATION="{esc_attr(v.cmp_gstin)}">'
        f"{esc(v.registration_name)}</GSTREGISTRATION>"
        f"<CMPGSTIN>{esc(v.cmp_gstin)}</CMPGSTIN>"
        "<CMPGSTREGISTRATIONTYPE>Regular</CMPGSTREGISTRATIONTYPE>"
        f"<CMPGSTSTATE>{esc(v.cmp_state)}</CMPGSTSTATE>"
        f"<NARRATION>{esc(v.narration)}</NARRATION>"
        f"<PERSISTEDVIEW>{v.view}</PERSISTEDVIEW>"
        f"<ISINVOICE>{'Yes' if v.items else 'No'}</ISINVOICE>"
    )
    parts.extend(_item(it) for it in v.items)
    parts.extend(_entry(e, v.bill_name, v.bill_type) for e in v.entries)
    parts.append("</VOUCHER>")
    return "".join(parts)


def voucher_element(v: Voucher) -> etree._Element:
    """The `<VOUCHER>` element of one voucher (not yet wrapped in TALLYMESSAGE)."""
    return etree.fromstring(voucher_markup(v), _PARSER)


def message_element(v: Voucher) -> etree._Element:
    """The voucher already wrapped in its TALLYMESSAGE: one parse, no subtree moved between
    documents (lxml's append across documents walks the whole subtree)."""
    return etree.fromstring(f"<TALLYMESSAGE>{voucher_markup(v)}</TALLYMESSAGE>", _PARSER)
