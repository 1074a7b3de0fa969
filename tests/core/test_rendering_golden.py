"""Every rendering of a seeded corpus of ~400 sales, byte for byte as it was fixed.

The corpus mixes what the renderers branch on: B2C / B2B intra and inter / SEZ / export /
deemed export, tax-inclusive prices, round-off, cess, nil-rated and exempt lines, loyalty
on taxable or bill basis, as a discount or a tender, credit notes, odd units and free
text. For each document the test hashes the TaxedInvoice (JSON and Python values, so a
Decimal's exponent counts), the INV-01 payload (compact JSON, indent 2 and 4, the dict
path, the validator's problems on it and on a tampered copy), the Tally voucher markup,
and for the whole corpus the GSTR-1 JSON. A speed-up must leave every hash alone.

To fix a new reference (only when an output is meant to change):
    LGST_GOLDEN_WRITE=1 ./dev test tests/core/test_rendering_golden.py
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from einvoice.builder import NotApplicable, build
from einvoice.schema import dumps, loads, to_dict
from einvoice.validator import Settings, validate
from loyalty_gst.errors import InvalidInput
from loyalty_gst.gst import compute, credit_note
from loyalty_gst.gstr1.builder import Builder
from loyalty_gst.models import ReturnLine, TaxedInvoice
from loyalty_gst.validation import parse_sale
from tally_export.config import TallySettings
from tally_export.render import voucher_markup
from tally_export.vouchers import build as voucher

GOLDEN = Path(__file__).with_name("rendering_golden.json")
SEED, COUNT = 19, 400
DAY = dt.date(2025, 11, 21)
OLD_DAY = dt.date(2025, 6, 16)
SELLER = {
    "gstin": "27AABCL4321K1ZL",
    "legal_name": "Lakshmi Lifestyle Retail Pvt Ltd",
    "address": "14 Linking Road",
    "city": "Mumbai",
    "pincode": "400050",
}
BUYERS: list[dict[str, Any] | None] = [
    None,
    {
        "gstin": "27AAPFU0939F1ZV",
        "legal_name": "Sahyadri Traders Pvt Ltd",
        "address": "Plot 5, MIDC",
        "city": "Mumbai",
        "pincode": "400093",
        "state_code": "27",
    },
    {
        "gstin": "29AAPFU0939F1ZR",
        "legal_name": 'Kaveri  "Hospitality" Pvt Ltd',
        "address": "45 Residency Road",
        "city": "Bengaluru",
        "pincode": "560025",
        "state_code": "29",
    },
    {
        "legal_name": "Gulf Fashion Trading LLC",
        "address": "Al Fahidi Street 12",
        "city": "Dubai",
        "pincode": "999999",
        "state_code": "96",
        "country": "AE",
    },
]
NEW_RATES = ["0", "0.25", "1.5", "3", "5", "5", "18", "18", "40"]
OLD_RATES = ["0", "0.25", "3", "5", "12", "18", "28"]
UNITS = ["PCS", "NOS", "KGS", "LTR", "PRS", "DOZ", "BAG", "MTR", "OTH"]
WORDS = ["Shirt", "Oil 1L", "Bag", "x", 'Kurta "silk"', "  Denim   jeans ", "Tea\\leaf", ""]
HSNS = ["6105", "610510", "42032910", "998599", "0902", "6109"]


def _line(rnd: random.Random, older: bool) -> dict[str, Any]:
    qty = rnd.choice(["1", "2", "3", "5", "12", "0.5", "1.250", "7.125"])
    price = str(Decimal(rnd.randint(100, 500_000)) / 100)
    rate = rnd.choice(OLD_RATES if older else NEW_RATES)
    line: dict[str, Any] = {
        "sku": f"SKU{rnd.randint(1, 999)}",
        "description": rnd.choice(WORDS),
        "hsn": rnd.choice(HSNS),
        "qty": qty,
        "unit": rnd.choice(UNITS),
        "unit_price": price,
        "gst_rate": rate,
        "redeemable": rnd.random() < 0.85,
    }
    if older and rate != "0" and rnd.random() < 0.2:
        line["cess_rate"] = rnd.choice(["1", "12", "15"])
    if rate == "0" and rnd.random() < 0.4:
        line["tax_category"] = rnd.choice(["exempt", "non_gst"])
    if rnd.random() < 0.3:
        line["discount"] = rnd.choice(["1", "10.50", "0.01", "25"])
    return line


def _sale(rnd: random.Random, i: int) -> dict[str, Any]:
    older = rnd.random() < 0.3
    buyer = rnd.choice(BUYERS)
    doc: dict[str, Any] = {
        "number": f"G{'/' if i % 3 else '-'}{i:05d}",
        "date": (OLD_DAY if older else DAY).isoformat(),
        "seller": SELLER,
        "prices_include_tax": rnd.random() < 0.5,
        "round_to_rupee": rnd.random() < 0.5,
        "lines": [_line(rnd, older) for _ in range(rnd.choice([1, 2, 3, 5, 10, 10, 14]))],
    }
    if buyer is not None:
        doc["buyer"] = buyer
        if buyer.get("state_code") == "96":
            doc["category"] = rnd.choice(["EXPWOP", "EXPWP"])
        elif rnd.random() < 0.25:
            doc["category"] = rnd.choice(["SEZWP", "SEZWOP", "DEXP"])
    if rnd.random() < 0.1:
        doc["store"] = f"S{rnd.randint(1, 9)}"
        doc["customer"] = "98XXXXXX10"
    if rnd.random() < 0.7:
        doc["loyalty"] = {
            "points": rnd.choice([0, 1, 50, 300, 999, 5000, 100_000]),
            "point_value": rnd.choice(["0.25", "0.5", "1", "0.1"]),
            "basis": rnd.choice(["taxable", "bill"]),
            "treatment": "tender" if rnd.random() < 0.2 else "pre_tax_discount",
        }
        if rnd.random() < 0.3:
            doc["loyalty"]["max_share_percent"] = rnd.choice(["10", "50", "33.5"])
    return doc


def corpus() -> Iterator[TaxedInvoice]:
    """Invoices of the seeded sales (sales validation refuses are left out), and a credit
    note for every third, part returned."""
    rnd = random.Random(SEED)
    for i in range(COUNT):
        doc = _sale(rnd, i)
        try:
            inv = compute(parse_sale(doc))
        except InvalidInput:
            continue
        yield inv
        if i % 3 == 0:
            returns = [
                ReturnLine(line_no=ln.line_no, qty=ln.qty if k % 2 or ln.qty <= 1 else Decimal(1))
                for k, ln in enumerate(inv.lines)
                if k % 3 != 1
            ]
            if returns:
                yield credit_note(inv, number=f"CN{inv.number[1:]}", date=DAY, returns=returns)


def _tampered(payload: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(payload)
    first = bad["ItemList"][0]
    first["TotItemVal"] = first["TotItemVal"] + 7
    first["SgstAmt"] = first.get("SgstAmt", 0) + 2
    bad["ValDtls"]["TotInvVal"] = bad["ValDtls"]["TotInvVal"] + 3
    bad["DocDtls"]["Dt"] = "31/12/2099"
    return bad


def renderings(inv: TaxedInvoice) -> dict[str, str]:
    """What each renderer makes of one document, as text."""
    out = {
        "taxed_json": inv.model_dump_json(),
        "taxed_python": repr(inv.model_dump()),
        "tally": voucher_markup(voucher(inv, TALLY)),
    }
    try:
        payload = build(inv)
    except NotApplicable as exc:
        out["einvoice"] = f"not applicable: {exc}"
        return out
    plain = to_dict(payload)
    out["einvoice"] = dumps(payload)
    out["einvoice_indent2"] = dumps(payload, indent=2)
    out["einvoice_indent4"] = dumps(payload, indent=4)
    out["einvoice_dict"] = repr(plain) + dumps(plain) + dumps(loads(dumps(payload)), indent=2)
    out["einvoice_problems"] = repr(validate(payload, CFG)) + repr(validate(_tampered(plain), CFG))
    return out


TALLY = TallySettings(company="Lakshmi Lifestyle Retail Pvt Ltd")
CFG = Settings(today=DAY)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def current() -> dict[str, Any]:
    """The corpus's document numbers, and per rendering a digest per document (in corpus
    order, "-" where the rendering does not apply) and one over them all."""
    invoices = list(corpus())
    per: dict[str, list[str]] = {}
    for n, inv in enumerate(invoices):
        for kind, text in renderings(inv).items():
            per.setdefault(kind, ["-"] * len(invoices))[n] = _digest(text)[:10]
    gstr1 = Builder(SELLER["gstin"], "112025").extend(
        inv for inv in invoices if inv.date.month == 11
    )
    per["gstr1"] = [_digest(gstr1.result().to_json())[:10]]
    return {
        "numbers": [inv.number for inv in invoices],
        "renderings": {
            kind: {"sha256": _digest(" ".join(rows)), "documents": " ".join(rows)}
            for kind, rows in per.items()
        },
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    now = current()
    if os.environ.get("LGST_GOLDEN_WRITE"):
        GOLDEN.write_text(json.dumps(now, indent=1) + "\n")
    return {"now": now, "fixed": json.loads(GOLDEN.read_text())}


def test_corpus_is_large_and_varied(golden: dict[str, Any]) -> None:
    now = golden["now"]
    assert len(now["numbers"]) >= 400
    assert now["numbers"] == golden["fixed"]["numbers"]
    einvoiced = now["renderings"]["einvoice_indent2"]["documents"].split()
    # a good share of the corpus gets an e-invoice; some are not applicable
    assert 150 <= sum(d != "-" for d in einvoiced) < len(einvoiced)


@pytest.mark.parametrize(
    "kind",
    [
        "taxed_json",
        "taxed_python",
        "tally",
        "einvoice",
        "einvoice_indent2",
        "einvoice_indent4",
        "einvoice_dict",
        "einvoice_problems",
        "gstr1",
    ],
)
def test_rendering_is_byte_identical(golden: dict[str, Any], kind: str) -> None:
    now, fixed = golden["now"]["renderings"][kind], golden["fixed"]["renderings"][kind]
    if now["sha256"] != fixed["sha256"]:
        pairs = zip(
            golden["now"]["numbers"],
            now["documents"].split(),
            fixed["documents"].split(),
            strict=False,
        )
        changed = [number for number, a, b in pairs if a != b]
        pytest.fail(f"{kind}: {len(changed)} documents render otherwise, first {changed[:5]}")
