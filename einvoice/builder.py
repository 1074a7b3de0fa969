"""TaxedInvoice → INV-01 v1.1 (GST_RULES §3): one function per block, amounts copied, never taxed.

Loyalty is a pre-tax discount (Sec. 15(3)(a)): each item's `Discount` carries the line's
trade discount plus its loyalty discount, `TotAmt` is the line's gross (tax-exclusive),
`AssAmt` = TotAmt − Discount = the line's taxable value, and the tax amounts are the
TaxedLine's. `ValDtls.Discount` only ever carries an after-tax cash discount — it lowers
no tax, so loyalty never goes there. Nil-rated, exempt and non-GST lines are not items:
their value goes to `ValDtls.OthChrg`, with the charges outside GST (freight, packing).
`UnitPrice` is the line's unit price as the books have it; with tax-inclusive (MRP) prices,
gross ÷ qty rounded to 3 decimals, so `UnitPrice × Qty` ≈ `TotAmt`.

B2C sales get no e-invoice (`NotApplicable`). Details the TaxedInvoice does not hold —
dispatch/ship-to, export shipping bill and port, payment, e-way bill, contacts — are
keyword arguments with empty defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from einvoice import schema as s
from einvoice import trusted
from loyalty_gst.errors import InvalidInput, LoyaltyGstError, Problem
from loyalty_gst.ids.codes import UQC
from loyalty_gst.models import Buyer, Seller, TaxedInvoice, TaxedLine
from loyalty_gst.money import ZERO, milli
from loyalty_gst.states import OTHER_COUNTRIES

DOC_TYPE = {"invoice": "INV", "credit_note": "CRN", "debit_note": "DBN"}
FOREIGN_PIN = 999999  # the IRP's PIN for a buyer abroad (and for state 97)
URP = "URP"  # "unregistered person": the buyer GSTIN of an export

# Common unit spellings → GST UQC; anything else unknown becomes OTH.
UNIT_ALIASES = {
    "PC": "PCS",
    "PIECE": "PCS",
    "PIECES": "PCS",
    "EA": "NOS",
    "EACH": "NOS",
    "NO": "NOS",
    "UNIT": "UNT",
    "UNITS": "UNT",
    "KG": "KGS",
    "KGM": "KGS",
    "KILOGRAM": "KGS",
    "G": "GMS",
    "GM": "GMS",
    "GRAM": "GMS",
    "L": "LTR",
    "LT": "LTR",
    "LITRE": "LTR",
    "ML": "MLT",
    "M": "MTR",
    "METRE": "MTR",
    "MT": "MTS",
    "TONNE": "TON",
    "BOTTLE": "BTL",
    "PAIR": "PRS",
    "PAIRS": "PRS",
    "DOZEN": "DOZ",
    "PACK": "PAC",
    "PKT": "PAC",
    "SETS": "SET",
    "BOXES": "BOX",
}


class NotApplicable(LoyaltyGstError):
    """This document gets no e-invoice (a B2C sale, or nothing taxable to report)."""

    code = "einvoice_not_applicable"


@lru_cache(maxsize=1024)
def uqc(unit: str) -> str:
    """A unit as a GST UQC: itself if it is one, a known alias, else OTH."""
    u = unit.strip().upper()
    if u in UQC:
        return u
    return UNIT_ALIASES.get(u, "OTH")


@lru_cache(maxsize=8192)  # item descriptions repeat from invoice to invoice
def text(value: str | None, limit: int, least: int = 1) -> str | None:
    """Free text the IRP accepts: no '"' or '\\', single spaces, cut to `limit`; else None."""
    if not value:
        return None
    # split() + join: the runs of whitespace that re's \s matches, collapsed, ends trimmed
    clean = " ".join(value.replace('"', "").replace("\\", "").split())[:limit]
    return clean if len(clean) >= least else None


def date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _nz(value: Decimal) -> Decimal | None:
    """Optional amounts: omit zeros (the IRP wants no empty values; absent means 0)."""
    return value if value else None


def check_applicable(inv: TaxedInvoice) -> None:
    """Raise NotApplicable with the reason when INV-01 does not apply to this document."""
    if inv.category == "B2C":
        raise NotApplicable(
            f"{inv.number}: a B2C sale (buyer without GSTIN) gets no e-invoice; INV-01 applies "
            "to B2B, SEZ, export and deemed-export supplies only"
        )
    if inv.buyer is None:
        raise NotApplicable(f"{inv.number}: an e-invoice needs a buyer")
    if not any(ln.tax_category == "taxable" for ln in inv.lines):
        raise NotApplicable(
            f"{inv.number}: only nil-rated/exempt/non-GST lines; the IRP needs a taxable item"
        )


def tran_dtls(
    inv: TaxedInvoice, *, ecom_gstin: str | None = None, igst_on_intra: bool = False
) -> s.Transaction:
    return s.Transaction(
        SupTyp=inv.category,  # type: ignore[arg-type]  # B2C refused before
        RegRev="Y" if inv.reverse_charge else "N",
        EcmGstin=ecom_gstin,
        IgstOnIntra="Y" if igst_on_intra else "N",
    )


def doc_dtls(inv: TaxedInvoice) -> s.Document:
    return s.Document(Typ=DOC_TYPE[inv.kind], No=inv.number, Dt=date(inv.date))  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def seller_dtls(seller: Seller, *, phone: str | None = None, email: str | None = None) -> s.Seller:
    """The seller block (a frozen value of a frozen Seller: built once per registration)."""
    return s.Seller(
        Gstin=seller.gstin.upper(),
        LglNm=text(seller.legal_name, 100, 3),
        TrdNm=text(seller.trade_name, 100, 3),
        Addr1=text(seller.address, 100),
        Loc=text(seller.city, 50, 3),
        Pin=int(seller.pincode),
        Stcd=seller.gstin[:2],
        Ph=phone,
        Em=text(email, 100, 6),
    )


def buyer_dtls(
    inv: TaxedInvoice, buyer: Buyer, *, phone: str | None = None, email: str | None = None
) -> s.Buyer:
    return _buyer(inv.category, inv.place_of_supply, buyer, phone, email)


@lru_cache(maxsize=4096)
def _buyer(category: str, pos: str, buyer: Buyer, phone: str | None, email: str | None) -> s.Buyer:
    abroad = category.startswith("EXP") or buyer.state_code == OTHER_COUNTRIES
    return s.Buyer(
        Gstin=URP if abroad or not buyer.gstin else buyer.gstin.upper(),
        LglNm=text(buyer.legal_name, 100, 3),
        Pos=pos,
        Addr1=text(buyer.address, 100),
        Loc=text(buyer.city, 100, 3),
        Pin=FOREIGN_PIN if abroad or buyer.state_code == "97" else int(buyer.pincode),
        Stcd=OTHER_COUNTRIES if abroad else buyer.state_code,
        Ph=phone,
        Em=text(email, 100, 6),
    )


def item(line: TaxedLine, sl_no: int, inclusive: bool = False) -> dict[str, Any]:
    """One taxable line (ItemList entry, NIC keys; `build` validates the whole payload at
    once). TotAmt = gross; Discount = trade + loyalty; AssAmt = taxable value."""
    qty = line.qty
    if inclusive or not line.unit_price:
        unit_price = milli(line.gross / qty) if qty else milli(line.gross)
    else:
        unit_price = milli(line.unit_price)
    return {
        "SlNo": str(sl_no),
        "PrdDesc": text(line.description, 300, 3) or text(line.sku, 300, 3),
        "IsServc": "Y" if line.is_service else "N",
        "HsnCd": line.hsn,
        "Qty": milli(qty),
        "Unit": uqc(line.unit),
        "UnitPrice": unit_price,
        "TotAmt": line.gross,
        "Discount": (line.trade_discount + line.loyalty_discount) or None,
        "AssAmt": line.taxable_value,
        "GstRt": line.gst_rate,
        "IgstAmt": line.igst or None,
        "CgstAmt": line.cgst or None,
        "SgstAmt": line.sgst or None,
        "CesRt": line.cess_rate or None,
        "CesAmt": line.cess or None,
        "TotItemVal": line.total,
    }


def item_list(inv: TaxedInvoice) -> list[dict[str, Any]]:
    taxable = [ln for ln in inv.lines if ln.tax_category == "taxable"]
    incl = inv.prices_include_tax
    return [item(ln, i, incl) for i, ln in enumerate(taxable, start=1)]


def val_dtls(inv: TaxedInvoice, items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Totals copied from the TaxedInvoice; nil/exempt lines' value into OthChrg."""
    t = inv.totals
    other = sum((ln.total for ln in inv.lines if ln.tax_category != "taxable"), ZERO)
    other += sum((c.amount for c in inv.charges), ZERO)
    return {
        "AssVal": sum((it["AssAmt"] for it in items), ZERO),
        "CgstVal": _nz(t.cgst),
        "SgstVal": _nz(t.sgst),
        "IgstVal": _nz(t.igst),
        "CesVal": _nz(t.cess),
        "Discount": _nz(t.after_tax_discount),
        "OthChrg": _nz(other),
        "RndOffAmt": _nz(t.round_off),
        "TotInvVal": t.grand_total - t.after_tax_discount,
    }


def ref_dtls(inv: TaxedInvoice, remarks: str | None = None) -> s.References | None:
    """A note names its original (number and date) in PrecDocDtls."""
    prec = None
    if inv.kind != "invoice" and inv.against is not None:
        prec = (s.PrecedingDoc(InvNo=inv.against.number, InvDt=date(inv.against.date)),)
    rm = text(remarks, 100, 3)
    if prec is None and rm is None:
        return None
    return s.References(InvRm=rm, PrecDocDtls=prec)


def exp_dtls(inv: TaxedInvoice, export: s.Export | None) -> s.Export | None:
    """Exports always carry ExpDtls; the country comes from the buyer unless given."""
    if not inv.category.startswith("EXP"):
        return export
    country = inv.buyer.country.upper() if inv.buyer else None
    base = export or s.Export()
    if base.CntCode is None and country and country != "IN":
        base = base.model_copy(update={"CntCode": country})
    return base


def build(
    inv: TaxedInvoice,
    *,
    dispatch: s.Dispatch | None = None,
    ship: s.Shipping | None = None,
    export: s.Export | None = None,
    payment: s.Payment | None = None,
    ewb: s.EwayBill | None = None,
    addl_docs: tuple[s.AdditionalDoc, ...] = (),
    ecom_gstin: str | None = None,
    igst_on_intra: bool = False,
    seller_contact: tuple[str | None, str | None] = (None, None),
    buyer_contact: tuple[str | None, str | None] = (None, None),
    remarks: str | None = None,
) -> s.Inv01:
    """The INV-01 payload of an invoice or note; NotApplicable for B2C, InvalidInput when
    the document breaks the schema (e.g. a number longer than 16 characters)."""
    check_applicable(inv)
    assert inv.buyer is not None  # check_applicable
    try:
        return _assemble(inv, inv.buyer, locals())
    except ValidationError as exc:
        raise InvalidInput(
            [
                Problem(
                    # the payload's own path (DocDtls.No); a block built alone names its block
                    ".".join(str(p) for p in (*prefix, *e["loc"])),
                    e.get("input"),
                    f"INV-01 schema: {e['msg']}",
                    "2140",
                )
                for prefix in [() if exc.title == "Inv01" else (exc.title,)]
                for e in exc.errors()
            ]
        ) from None


def _assemble(inv: TaxedInvoice, buyer: Buyer, o: dict[str, Any]) -> s.Inv01:
    ecom_gstin, igst_on_intra = o["ecom_gstin"], o["igst_on_intra"]
    seller_contact, buyer_contact = o["seller_contact"], o["buyer_contact"]
    items = item_list(inv)
    fields: dict[str, Any] = {
        "TranDtls": tran_dtls(inv, ecom_gstin=ecom_gstin, igst_on_intra=igst_on_intra),
        "DocDtls": doc_dtls(inv),
        "SellerDtls": seller_dtls(inv.seller, phone=seller_contact[0], email=seller_contact[1]),
        "BuyerDtls": buyer_dtls(inv, buyer, phone=buyer_contact[0], email=buyer_contact[1]),
        "DispDtls": o["dispatch"],
        "ShipDtls": o["ship"],
        "ItemList": items,
        "ValDtls": val_dtls(inv, items),
        "PayDtls": o["payment"],
        "RefDtls": ref_dtls(inv, o["remarks"]),
        "AddlDocDtls": o["addl_docs"] or None,
        "ExpDtls": exp_dtls(inv, o["export"]),
        "EwbDtls": o["ewb"],
    }
    # what the builder made passes plain checks far faster than pydantic re-reads it;
    # anything they doubt goes through validation, which words the errors
    made = trusted.payload(fields)
    return made if made is not None else s.Inv01.model_validate(fields)
