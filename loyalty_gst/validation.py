"""Checking a sale before anything is computed: every broken rule, each naming its field.

Pydantic checks shapes and types; this module adds the GST rules: GSTIN check
character (python-stdnum's Luhn; `sandbox` skips it for NIC's test GSTINs), state
codes, PIN within its state (IRP 2178), GSTIN state = buyer state (2258/2265), HSN
4/6/8 digits, UQC, positive quantity, rate in the IRP master set, document number
pattern, notes referring to their original, and the dated rules: the 12% and 28% slabs
end on 22 Sep 2025 and compensation cess on 1 Feb 2026 — a document dated later may
use them only as a note against an earlier invoice. Raises `InvalidInput` with all
problems.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.gst import RATES, category_of, place_of_supply
from loyalty_gst.ids import codes, gstin
from loyalty_gst.models import Sale
from loyalty_gst.money import ZERO, JsonNumber, paise
from loyalty_gst.problems import invalid
from loyalty_gst.states import OTHER_COUNTRIES, is_state_code, pin_belongs

# GST rate rationalisation (22 Sep 2025) and the end of compensation cess (1 Feb 2026)
SLABS_ENDED = (frozenset((Decimal(12), Decimal(28))), dt.date(2025, 9, 22))
CESS_ENDED = dt.date(2026, 2, 1)
DOCNO_RULE = (
    "document number: at most 16 characters, letters, digits, '/' or '-', "
    "not starting with 0, '/' or '-'"
)
RATE_RULE = "GST rate must be one of " + ", ".join(sorted(map(str, RATES), key=Decimal))


def load_json(text: str | bytes, *, source: str = "<json>", marked: bool = False) -> Any:
    """JSON with every number read as Decimal (never float). `marked`: numbers with a
    fraction or exponent become `JsonNumber`, which input amounts refuse just as the API
    refuses JSON floats (amounts are strings or integers, in a file as in a request)."""
    try:
        return json.loads(text, parse_float=JsonNumber if marked else Decimal)
    except json.JSONDecodeError as exc:
        where = f"{source} line {exc.lineno} column {exc.colno}"
        raise InvalidInput.one(where, None, f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InvalidInput.one(source, None, "not valid JSON: nested too deeply") from None


def parse_sale(data: dict[str, Any] | str | bytes, *, sandbox: bool = False) -> Sale:
    """A valid `Sale` from a dict or JSON text, or `InvalidInput` listing every problem."""
    if isinstance(data, str | bytes):
        data = load_json(data, marked=True)
    if not isinstance(data, dict):
        raise InvalidInput.one("<root>", type(data).__name__, "a Sale is a JSON object")
    try:
        sale = Sale.model_validate(data)
    except ValidationError as exc:
        shape = invalid(exc).problems
        raise InvalidInput([*shape, *check_raw(data, shape, sandbox=sandbox)]) from None
    problems = check_sale(sale, sandbox=sandbox)
    if problems:
        raise InvalidInput(problems)
    return sale


def check_raw(
    data: Any, known: tuple[Problem, ...] | list[Problem] = (), *, sandbox: bool = False
) -> list[Problem]:
    """The field rules of `check_sale` that can be judged on a sale that did not parse
    (pydantic refused its shape): number, GSTINs, PINs, and each line's HSN, unit, rate and
    quantity — so a file with five problems is told all five, not only the shape's.
    Fields already in `known` are left out."""
    if not isinstance(data, dict):
        return []
    seen = {p.field for p in known}
    out: list[Problem] = []

    def text(v: Any) -> str | None:
        return v if isinstance(v, str) else None

    number = text(data.get("number"))
    if number is not None and not codes.docno_ok(number):
        out.append(Problem("number", number, DOCNO_RULE, "2151"))
    for party in ("seller", "buyer"):
        block = data.get(party)
        if not isinstance(block, dict):
            continue
        g = text(block.get("gstin"))
        if g:
            out += _gstin(f"{party}.gstin", g, sandbox)
        pin = text(block.get("pincode"))
        if pin is not None and not codes.pin_ok(pin):
            out.append(Problem(f"{party}.pincode", pin, "PIN must be 6 digits"))
    lines = data.get("lines")
    for i, ln in enumerate(lines if isinstance(lines, list) else []):
        if not isinstance(ln, dict):
            continue
        at = f"lines.{i}"
        hsn, unit = text(ln.get("hsn")), text(ln.get("unit"))
        if hsn is not None and not codes.hsn_ok(hsn):
            out.append(Problem(f"{at}.hsn", hsn, "HSN/SAC must be 4, 6 or 8 digits"))
        if unit is not None and not codes.uqc_ok(unit):
            out.append(Problem(f"{at}.unit", unit, "unit is not a GST UQC (NOS, PCS, KGS, …)"))
        rate = _number(ln.get("gst_rate"))
        if rate is not None and rate not in RATES:
            out.append(Problem(f"{at}.gst_rate", rate, RATE_RULE))
        qty = _number(ln.get("qty"))
        if qty is not None and qty <= 0:
            out.append(Problem(f"{at}.qty", qty, "quantity must be positive"))
    return [p for p in out if p.field not in seen]


def _number(value: Any) -> Decimal | None:
    """A strict amount (string or integer) as Decimal, else None (pydantic names it)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", text):
        return None
    return Decimal(text)


def _gstin(path: str, value: str, sandbox: bool) -> list[Problem]:
    try:
        gstin.validate(value, sandbox=sandbox)
    except gstin.InvalidGstin as exc:
        return [Problem(path, value, str(exc))]
    return []


def check_sale(sale: Sale, *, sandbox: bool = False) -> list[Problem]:
    """Every GST rule the sale breaks, as data (empty list: the sale is good)."""
    p: list[Problem] = []
    if not codes.docno_ok(sale.number):
        p.append(Problem("number", sale.number, DOCNO_RULE, "2151"))
    p += _gstin("seller.gstin", sale.seller.gstin, sandbox)
    seller_state = sale.seller.gstin[:2]
    if not codes.pin_ok(sale.seller.pincode):
        p.append(Problem("seller.pincode", sale.seller.pincode, "PIN must be 6 digits"))
    elif is_state_code(seller_state) and not pin_belongs(sale.seller.pincode, seller_state):
        p.append(
            Problem(
                "seller.pincode", sale.seller.pincode, "PIN is not in the seller's state", "2178"
            )
        )
    b = sale.buyer
    if b is not None:
        if not is_state_code(b.state_code):
            p.append(Problem("buyer.state_code", b.state_code, "not a GST state code"))
        if b.gstin:
            p += _gstin("buyer.gstin", b.gstin, sandbox)
            if b.gstin[:2] != b.state_code and b.state_code != OTHER_COUNTRIES:
                p.append(
                    Problem(
                        "buyer.gstin", b.gstin, "GSTIN state differs from buyer.state_code", "2265"
                    )
                )
            if b.gstin.upper() == sale.seller.gstin.upper():
                p.append(
                    Problem("buyer.gstin", b.gstin, "buyer and seller GSTIN are the same", "2211")
                )
        if not codes.pin_ok(b.pincode):
            p.append(Problem("buyer.pincode", b.pincode, "PIN must be 6 digits"))
        elif is_state_code(b.state_code) and not pin_belongs(b.pincode, b.state_code):
            p.append(Problem("buyer.pincode", b.pincode, "PIN is not in the buyer's state", "2178"))
    if sale.place_of_supply is not None and not is_state_code(sale.place_of_supply):
        p.append(Problem("place_of_supply", sale.place_of_supply, "not a GST state code"))
    category = category_of(sale)
    if category != "B2C" and not (b and (b.gstin or category.startswith("EXP"))):
        p.append(Problem("buyer.gstin", None, f"a {category} supply needs a buyer with a GSTIN"))
    if category.startswith("EXP") and place_of_supply(sale, category) != OTHER_COUNTRIES:
        p.append(Problem("place_of_supply", sale.place_of_supply, "an export's POS is 96"))
    if sale.kind != "invoice" and sale.against is None:
        p.append(Problem("against", None, f"a {sale.kind} must name the original invoice", "2191"))
    # a note follows its original's rates; an invoice follows its own date
    rates_of = sale.against.date if sale.kind != "invoice" and sale.against else sale.date
    old_slabs, slabs_end = SLABS_ENDED
    for i, ln in enumerate(sale.lines):
        at = f"lines.{i}"
        if ln.gst_rate in old_slabs and rates_of >= slabs_end:
            p.append(
                Problem(
                    f"{at}.gst_rate", ln.gst_rate,
                    "the 12% and 28% slabs ended on 22 Sep 2025 (only for older documents "
                    "and their notes)",
                )
            )  # fmt: skip
        if ln.cess_rate > 0 and rates_of >= CESS_ENDED:
            p.append(
                Problem(
                    f"{at}.cess_rate", ln.cess_rate,
                    "compensation cess ended on 1 Feb 2026 (only for older documents and "
                    "their notes)",
                )
            )  # fmt: skip
        if not codes.hsn_ok(ln.hsn):
            p.append(Problem(f"{at}.hsn", ln.hsn, "HSN/SAC must be 4, 6 or 8 digits"))
        if ln.qty <= 0:
            p.append(Problem(f"{at}.qty", ln.qty, "quantity must be positive"))
        if ln.qty != ln.qty.quantize(Decimal("0.001")):
            p.append(Problem(f"{at}.qty", ln.qty, "quantity has at most 3 decimals"))
        if ln.unit_price < 0 or ln.unit_price != ln.unit_price.quantize(Decimal("0.001")):
            p.append(
                Problem(
                    f"{at}.unit_price", ln.unit_price, "unit price is ≥ 0 with at most 3 decimals"
                )
            )
        if not codes.uqc_ok(ln.unit):
            p.append(Problem(f"{at}.unit", ln.unit, "unit is not a GST UQC (NOS, PCS, KGS, …)"))
        if ln.gst_rate not in RATES:
            p.append(Problem(f"{at}.gst_rate", ln.gst_rate, RATE_RULE))
        if ln.cess_rate < 0 or ln.cess_rate > 400:
            p.append(Problem(f"{at}.cess_rate", ln.cess_rate, "cess rate must be 0–400"))
        if ln.tax_category != "taxable" and ln.gst_rate != 0:
            p.append(
                Problem(f"{at}.gst_rate", ln.gst_rate, f"a {ln.tax_category} line carries rate 0")
            )
        if ln.discount < 0 or ln.discount != paise(ln.discount):
            p.append(Problem(f"{at}.discount", ln.discount, "discount is ≥ 0 in whole paise"))
        elif ln.qty > 0 and ln.discount > paise(ln.qty * ln.unit_price):
            p.append(Problem(f"{at}.discount", ln.discount, "discount exceeds the line value"))
    if sale.loyalty is not None and sale.loyalty.points > 0 and sale.loyalty.point_value <= ZERO:
        p.append(Problem("loyalty.point_value", sale.loyalty.point_value, "must be positive"))
    return p
