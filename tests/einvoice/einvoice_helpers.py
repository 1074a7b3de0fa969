"""Shared sales, parties and a stand-in IRP fixture for the e-invoice tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from einvoice.config import IrpConfig
from einvoice.schema import dumps, loads
from loyalty_gst.gst import compute
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.standins.irp import Account, StandinIrp
from loyalty_gst.validation import parse_sale

D = Decimal
DAY = dt.date(2025, 11, 21)
SELLER = {
    "gstin": "27AABCL4321K1ZL",
    "legal_name": "Lakshmi Lifestyle Retail Pvt Ltd",
    "address": "14 Linking Road",
    "city": "Mumbai",
    "pincode": "400050",
}
BUYER_MH = {
    "gstin": "27AAPFU0939F1ZV",
    "legal_name": "Sahyadri Traders Pvt Ltd",
    "address": "Plot 5, MIDC",
    "city": "Mumbai",
    "pincode": "400093",
    "state_code": "27",
}
BUYER_KA = {
    "gstin": "29AAPFU0939F1ZR",
    "legal_name": "Kaveri Hospitality Pvt Ltd",
    "address": "45 Residency Road",
    "city": "Bengaluru",
    "pincode": "560025",
    "state_code": "29",
}
BUYER_ABROAD = {
    "legal_name": "Gulf Fashion Trading LLC",
    "address": "Al Fahidi Street 12",
    "city": "Dubai",
    "pincode": "999999",
    "state_code": "96",
    "country": "AE",
}
SHIRTS = {
    "sku": "SHIRT",
    "description": "Cotton shirt",
    "hsn": "6105",
    "qty": "2",
    "unit": "PCS",
    "unit_price": "1000",
    "gst_rate": "5",
}
BELT = {
    "sku": "BELT",
    "description": "Leather belt",
    "hsn": "4203",
    "qty": "1",
    "unit": "NOS",
    "unit_price": "1000",
    "gst_rate": "18",
}


def sale(**over: Any) -> dict[str, Any]:
    """GST_RULES worked example: 2 shirts ₹1000 @5% + belt ₹1000 @18%, 300 points at ₹1."""
    doc: dict[str, Any] = {
        "number": "INV/2025/0001",
        "date": DAY.isoformat(),
        "seller": SELLER,
        "buyer": BUYER_MH,
        "lines": [SHIRTS, BELT],
        "loyalty": {"points": 300, "point_value": "1", "basis": "taxable"},
    }
    doc.update(over)
    return doc


def taxed(doc: dict[str, Any]) -> TaxedInvoice:
    return compute(parse_sale(doc))


def as_json(payload: Any) -> dict[str, Any]:
    """The payload as the IRP receives it (numbers as Decimal)."""
    return loads(dumps(payload))


class Clock:
    """An injectable clock the tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:  # float ok: time deltas
        self.now += dt.timedelta(**delta)


def config_for(irp: StandinIrp, url: str, **over: Any) -> IrpConfig:
    a = irp.account
    values: dict[str, Any] = {
        "base_url": url,
        "gstin": a.gstin,
        "username": a.username,
        "password": a.password,
        "client_id": a.client_id,
        "client_secret": a.client_secret,
        "public_key": irp.public_key_pem.decode(),
        "backoff": 0.5,
        "connect_timeout": 2,
        "read_timeout": 5,
    }
    values.update(over)
    return IrpConfig(**values)


def new_standin(clock: Clock, **kw: Any) -> tuple[StandinIrp, str]:
    irp = StandinIrp(Account(gstin=SELLER["gstin"]), sandbox=False, clock=clock, **kw)
    return irp, irp.start()
