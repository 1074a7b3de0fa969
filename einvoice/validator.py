"""Checking an INV-01 payload the way the IRP does: every broken rule, with its IRP code.

Rules are plain registered functions of one signature (payload, settings) → problems,
run in order; `validate` returns all their problems (empty: the payload is good). The
schema's own field rules (lengths, patterns, ranges, decimals) come first, as problems.
`codes.py` holds each code's IRP message and how sure we are of it.

Tolerances: the IRP allows ±1 on TotInvVal (2189, confirmed). We use the same ±1 for the
other item arithmetic (2192, 2194, 2234/2235) — the IRP's figure is not published; 2193
(AssAmt = TotAmt − Discount) and the ValDtls sums (2182–2187) are checked to the paisa.
Tax-vs-rate checks skip credit and debit notes, and a zero IGST on a supply without
payment (SEZWOP/EXPWOP), as NIC's validation notes say.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from pydantic import ValidationError

from einvoice.codes import message
from einvoice.schema import Inv01, Item
from loyalty_gst.errors import Problem
from loyalty_gst.ids import gstin as gstin_id
from loyalty_gst.states import OTHER_COUNTRIES, is_state_code, pin_belongs

ZERO = Decimal("0.00")
ONE = Decimal("1.00")
HUNDRED = Decimal(100)
TWO_HUNDRED = Decimal(200)


@dataclass(frozen=True)
class Settings:
    """How strict to be: sandbox skips GSTIN check characters (NIC's test GSTINs fail them);
    `reporting_window_days` (2305) applies to taxpayers with AATO ≥ ₹10 crore (since
    1 Apr 2025) — None switches it off; `today` is the reporting date."""

    sandbox: bool = False
    reporting_window_days: int | None = None
    today: dt.date | None = None
    tolerance: Decimal = ONE


Rule = Callable[[Inv01, Settings], Iterator[Problem]]
_RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    _RULES.append(fn)
    return fn


def _p(field: str, value: object, code: str, detail: str = "") -> Problem:
    text = message(code)
    return Problem(field, value, f"{text}{': ' + detail if detail else ''}", code)


def _d(value: Decimal | None) -> Decimal:
    return value if value is not None else ZERO


def _date(text: str) -> dt.date | None:
    """DD/MM/YYYY (the schema's pattern has checked the shape) as a date, or None."""
    try:
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return None


def _items(inv: Inv01) -> Iterator[tuple[int, Item]]:
    return enumerate(inv.ItemList)


def _at(i: int) -> str:
    """An item's path, made only for a problem (not for every item checked)."""
    return f"ItemList.{i}"


def _is_note(inv: Inv01) -> bool:
    return inv.DocDtls.Typ in ("CRN", "DBN")


def _zero_rated(inv: Inv01) -> bool:
    return inv.TranDtls.SupTyp.startswith(("SEZ", "EXP"))


def _intra(inv: Inv01) -> bool:
    """Seller state = place of supply, and not SEZ/export (those are inter-state)."""
    return not _zero_rated(inv) and inv.SellerDtls.Stcd == inv.BuyerDtls.Pos


# --- item arithmetic ---------------------------------------------------------------


@rule
def unit_price_times_qty(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    for i, it in _items(inv):
        if it.Qty is not None and abs(it.UnitPrice * it.Qty - it.TotAmt) > cfg.tolerance:
            yield _p(
                f"{_at(i)}.TotAmt",
                str(it.TotAmt),
                "2192",
                f"UnitPrice × Qty = {it.UnitPrice * it.Qty}",
            )


@rule
def assessable_amount(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    for i, it in _items(inv):
        if it.AssAmt != it.TotAmt - _d(it.Discount):
            yield _p(f"{_at(i)}.AssAmt", str(it.AssAmt), "2193", f"HSN {it.HsnCd}, SlNo {it.SlNo}")


_ITEM_TAXES = (
    "CgstAmt", "SgstAmt", "IgstAmt", "CesAmt", "CesNonAdvlAmt", "StateCesAmt",
    "StateCesNonAdvlAmt",
)  # fmt: skip


_ITEM_TAX_VALUES = itemgetter(*_ITEM_TAXES)


def _item_taxes(it: Item) -> Decimal:
    total = ZERO
    for v in _ITEM_TAX_VALUES(it.__dict__):
        if v is not None:
            total += v
    return total


@rule
def item_total(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    # reverse charge and EXPWP may state the item total without tax (NIC validation note)
    exclusive_ok = inv.TranDtls.RegRev == "Y" or inv.TranDtls.SupTyp == "EXPWP"
    tol = cfg.tolerance
    for i, it in _items(inv):
        other = ZERO if it.OthChrg is None else it.OthChrg
        with_tax = it.AssAmt + _item_taxes(it) + other
        if abs(it.TotItemVal - with_tax) > tol and not (
            exclusive_ok and abs(it.TotItemVal - (it.AssAmt + other)) <= tol
        ):
            yield _p(f"{_at(i)}.TotItemVal", str(it.TotItemVal), "2194", f"expected {with_tax}")


@rule
def cgst_equals_sgst(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    for i, it in _items(inv):
        if _d(it.CgstAmt) != _d(it.SgstAmt):
            yield _p(f"{_at(i)}.SgstAmt", str(_d(it.SgstAmt)), "2227", f"CgstAmt {_d(it.CgstAmt)}")


@rule
def tax_vs_rate(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if _is_note(inv):
        return  # NIC does not check note taxes against rates
    wop = inv.TranDtls.SupTyp in ("SEZWOP", "EXPWOP")
    igst_checked = not _intra(inv) or inv.TranDtls.IgstOnIntra == "Y"
    tol = cfg.tolerance
    for i, it in _items(inv):
        cgst, sgst = it.CgstAmt, it.SgstAmt
        if cgst or sgst:
            half = it.AssAmt * it.GstRt / TWO_HUNDRED
            if cgst and abs(cgst - half) > tol:
                yield _p(f"{_at(i)}.CgstAmt", str(cgst), "2234", f"AssAmt × GstRt/2 = {half:.2f}")
            if sgst and abs(sgst - half) > tol:
                yield _p(f"{_at(i)}.SgstAmt", str(sgst), "2234", f"AssAmt × GstRt/2 = {half:.2f}")
        if not igst_checked:
            continue  # IGST on an intra-state supply is 2172's business
        igst = _d(it.IgstAmt)
        if not igst and (wop or it.GstRt == 0):
            continue
        full = it.AssAmt * it.GstRt / HUNDRED
        if abs(igst - full) > tol:
            yield _p(f"{_at(i)}.IgstAmt", str(igst), "2235", f"AssAmt × GstRt = {full:.2f}")


# --- tax type vs seller state and place of supply ----------------------------------


@rule
def igst_on_intra_state(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if _intra(inv) and inv.TranDtls.IgstOnIntra != "Y":
        for i, it in _items(inv):
            if _d(it.IgstAmt):
                yield _p(
                    f"{_at(i)}.IgstAmt", str(it.IgstAmt), "2172", f"HSN {it.HsnCd}, SlNo {it.SlNo}"
                )


@rule
def cgst_sgst_on_inter_state(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if _intra(inv):
        return
    code = "2237" if _zero_rated(inv) else "2174"
    for i, it in _items(inv):
        if _d(it.CgstAmt) or _d(it.SgstAmt):
            yield _p(
                f"{_at(i)}.CgstAmt", str(_d(it.CgstAmt)), code, f"HSN {it.HsnCd}, SlNo {it.SlNo}"
            )


@rule
def igst_on_intra_flag(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if inv.TranDtls.IgstOnIntra == "Y" and inv.SellerDtls.Stcd != inv.BuyerDtls.Pos:
        yield _p("TranDtls.IgstOnIntra", "Y", "2180", f"POS {inv.BuyerDtls.Pos}")


@rule
def export_place_of_supply(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if inv.TranDtls.SupTyp.startswith("EXP") and (
        inv.BuyerDtls.Pos != OTHER_COUNTRIES or inv.BuyerDtls.Stcd != OTHER_COUNTRIES
    ):
        yield _p("BuyerDtls.Pos", inv.BuyerDtls.Pos, "2181")


# --- invoice totals ----------------------------------------------------------------

_SUMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("AssVal", "2182", ("AssAmt",)),
    ("IgstVal", "2183", ("IgstAmt",)),
    ("CgstVal", "2184", ("CgstAmt",)),
    ("SgstVal", "2185", ("SgstAmt",)),
    ("CesVal", "2186", ("CesAmt", "CesNonAdvlAmt")),
    ("StCesVal", "2187", ("StateCesAmt", "StateCesNonAdvlAmt")),
)


# each item's parts of the six sums above, in their order (AssAmt; IgstAmt; CgstAmt;
# SgstAmt; CesAmt, CesNonAdvlAmt; StateCesAmt, StateCesNonAdvlAmt)
_SUM_VALUES = itemgetter(*(f for _, _, parts in _SUMS for f in parts))


@rule
def value_sums(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    # one pass over the items (in item order, each part in order, as the sums read)
    ass = igst = cgst = sgst = ces = st_ces = ZERO
    for it in inv.ItemList:
        a, i, c, s, x, xn, y, yn = _SUM_VALUES(it.__dict__)
        if a is not None:
            ass += a
        if i is not None:
            igst += i
        if c is not None:
            cgst += c
        if s is not None:
            sgst += s
        if x is not None:
            ces += x
        if xn is not None:
            ces += xn
        if y is not None:
            st_ces += y
        if yn is not None:
            st_ces += yn
    values = inv.ValDtls.__dict__
    for (field, code, _), total in zip(_SUMS, (ass, igst, cgst, sgst, ces, st_ces), strict=True):
        stated = _d(values[field])
        if stated != total:
            yield _p(f"ValDtls.{field}", str(stated), code, f"items add up to {total}")


@rule
def invoice_discount(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    v = inv.ValDtls
    gross = sum((it.TotItemVal for it in inv.ItemList), ZERO) + _d(v.OthChrg)
    if _d(v.Discount) > gross:
        yield _p("ValDtls.Discount", str(v.Discount), "2188", f"items and charges {gross}")


@rule
def invoice_value(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    v = inv.ValDtls
    expected = (
        sum((it.TotItemVal for it in inv.ItemList), ZERO)
        + _d(v.OthChrg)
        - _d(v.Discount)
        + _d(v.RndOffAmt)
    )
    if abs(v.TotInvVal - expected) > ONE:  # ±1 is the IRP's published tolerance
        yield _p("ValDtls.TotInvVal", str(v.TotInvVal), "2189", f"expected {expected}")


# --- parties -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _gstin_fault(number: str, sandbox: bool) -> str | None:
    """Why a GSTIN is invalid, or None (a pure function of the number: cached)."""
    try:
        gstin_id.validate(number, sandbox=sandbox)
    except gstin_id.InvalidGstin as exc:
        return str(exc)
    return None


@rule
def gstins(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    for field, number in (
        ("SellerDtls.Gstin", inv.SellerDtls.Gstin),
        ("BuyerDtls.Gstin", inv.BuyerDtls.Gstin),
    ):
        if number == "URP":
            if not inv.TranDtls.SupTyp.startswith("EXP"):
                yield _p(field, number, "3028", "URP only for exports")
            continue
        fault = _gstin_fault(number, cfg.sandbox)
        if fault is not None:
            yield _p(field, number, "3028", fault)


@rule
def seller_state(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    sd = inv.SellerDtls
    if sd.Gstin[:2] != sd.Stcd:
        yield _p("SellerDtls.Stcd", sd.Stcd, "2258", f"GSTIN state {sd.Gstin[:2]}")


@rule
def buyer_state(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    bd = inv.BuyerDtls
    if bd.Gstin != "URP" and bd.Gstin[:2] != bd.Stcd:
        yield _p("BuyerDtls.Stcd", bd.Stcd, "2265", f"GSTIN state {bd.Gstin[:2]}")


@rule
def pins(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    parties: list[tuple[str, Any]] = [("SellerDtls", inv.SellerDtls), ("BuyerDtls", inv.BuyerDtls)]
    parties += [(n, b) for n, b in (("DispDtls", inv.DispDtls), ("ShipDtls", inv.ShipDtls)) if b]
    for name, block in parties:
        fault = _pin_fault(block.Pin, block.Stcd)
        if fault == "Stcd":
            yield _p(f"{name}.Stcd", block.Stcd, "2178", "not a GST state code")
        elif fault == "Pin":
            yield _p(f"{name}.Pin", block.Pin, "2178", f"state {block.Stcd}")


@lru_cache(maxsize=4096)
def _pin_fault(pin: int, stcd: str) -> str | None:
    """Which of a party's state code or PIN is wrong, if either (a pure function of the
    two: the same seller and buyers come back invoice after invoice)."""
    if not is_state_code(stcd.zfill(2)):
        return "Stcd"
    if not pin_belongs(str(pin), stcd.zfill(2)):
        return "Pin"
    return None


@rule
def same_gstin(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if inv.SellerDtls.Gstin == inv.BuyerDtls.Gstin:
        yield _p("BuyerDtls.Gstin", inv.BuyerDtls.Gstin, "2211")


# --- document ----------------------------------------------------------------------


@rule
def serial_numbers(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    numbers = [it.SlNo for it in inv.ItemList]
    if len(set(numbers)) == len(numbers):
        return  # the usual case, without counting
    for sl, n in Counter(numbers).items():
        if n > 1:
            yield _p("ItemList.SlNo", sl, "2233", f"{n} items")


@rule
def original_document(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    if _is_note(inv) and not (inv.RefDtls and inv.RefDtls.PrecDocDtls):
        yield _p("RefDtls.PrecDocDtls", None, "2191", f"a {inv.DocDtls.Typ} names its invoice")


@rule
def document_date(inv: Inv01, cfg: Settings) -> Iterator[Problem]:
    when = _date(inv.DocDtls.Dt)
    today = cfg.today or dt.date.today()
    if when is None:
        yield _p("DocDtls.Dt", inv.DocDtls.Dt, "2144")
    elif when > today:
        yield _p("DocDtls.Dt", inv.DocDtls.Dt, "2163")
    elif cfg.reporting_window_days is not None and (today - when).days > cfg.reporting_window_days:
        yield _p("DocDtls.Dt", inv.DocDtls.Dt, "2305", f"{(today - when).days} days before {today}")


RULES: tuple[Rule, ...] = tuple(_RULES)


def parse(payload: Inv01 | dict[str, Any]) -> tuple[Inv01 | None, list[Problem]]:
    """The payload as a model, or the schema's field problems."""
    if isinstance(payload, Inv01):
        return payload, []
    try:
        return Inv01.model_validate(payload), []
    except ValidationError as exc:
        return None, [
            Problem(".".join(str(p) for p in e["loc"]), e.get("input"), e["msg"], "2140")
            for e in exc.errors()
        ]


def validate(payload: Inv01 | dict[str, Any], settings: Settings | None = None) -> list[Problem]:
    """Every rule the payload breaks, each with its IRP code (empty list: good)."""
    inv, problems = parse(payload)
    if inv is None:
        return problems
    cfg = settings or Settings()
    for fn in RULES:
        problems.extend(fn(inv, cfg))
    return problems
