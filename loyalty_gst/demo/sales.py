"""A realistic day of sales from the fixtures: walk-ins, members redeeming points, B2B.

Deterministic for a seed. Pure: returns Sales; the demo command decides what to do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from loyalty_gst.demo.company import Catalogue
from loyalty_gst.models import Loyalty, Sale, SaleLine


def sales_of_day(
    cat: Catalogue, day: dt.date, *, count: int = 300, seed: int = 7, point_value: str = "0.25"
) -> Iterator[Sale]:
    """`count` sales spread over the stores and channels of the catalogue."""
    rnd = random.Random(seed)
    serial: dict[str, int] = {}
    for _ in range(count):
        store = rnd.choice(cat.stores)
        seller = cat.seller_for(store)
        customer = rnd.choice(cat.customers) if rnd.random() < 0.8 else None
        buyer = cat.business_buyer(customer) if customer else None
        picks = rnd.sample(cat.items, k=rnd.choice((1, 1, 2, 3, 4, 6)))
        inclusive = rnd.random() < 0.5 and store.channel == "store" and buyer is None
        picks = [it for it in picks if it["prices_include_tax"] == inclusive] or picks[:1]
        inclusive = picks[0]["prices_include_tax"]
        picks = [it for it in picks if it["prices_include_tax"] == inclusive]
        lines = tuple(
            SaleLine(
                sku=it["sku"],
                description=it["description"],
                hsn=it["hsn"],
                qty=Decimal(rnd.choice((1, 1, 1, 2, 3))),
                unit=it["unit"],
                unit_price=Decimal(it["price"]),
                gst_rate=Decimal(it["gst_rate"]),
                cess_rate=Decimal(it["cess_rate"]),
                discount=Decimal(rnd.choice((0, 0, 0, 50))) if Decimal(it["price"]) > 200 else 0,
                redeemable=it["redeemable"],
                is_service=it["is_service"],
            )
            for it in picks
        )
        loyalty = None
        if customer and rnd.random() < 0.35:
            loyalty = Loyalty(
                points=rnd.choice((100, 200, 400, 800, 2000)),
                point_value=Decimal(point_value),
                basis="bill" if inclusive else "taxable",
            )
        prefix = f"{store.code.replace('-', '')}"[:6]
        serial[prefix] = serial.get(prefix, 0) + 1
        yield Sale(
            # ≤ 16 characters, the IRP's limit for a document number (up to 9,999 a month)
            number=f"{prefix}/{day:%y%m}/{serial[prefix]:04d}",
            date=day,
            seller=seller,
            buyer=buyer,
            prices_include_tax=inclusive,
            round_to_rupee=buyer is None,
            lines=lines,
            loyalty=loyalty,
            store=store.code,
            channel=store.channel,
            customer=customer["mobile"] if customer else None,
        )
