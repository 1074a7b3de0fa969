"""Store ↔ ledger: the points each stored document moved, against the ledger's entries.

An invoice that redeemed points has the entry `redeem:<GSTIN>:<number>` of minus those
points; a credit note that gives points back has `restore:<GSTIN>:<note>` whose points
plus the points it forfeited (lots expired meanwhile) and any offline overdraft it
forgave (`forgive:`) equal the note's points. A redemption entry of the period whose
document the store does not hold is a difference (an invoice missing from the store).
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from loyalty_gst.reports.reconcile.books import Book
from loyalty_gst.reports.reconcile.differences import Differences
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

KINDS = ("redeem", "restore_redeem", "recover")  # a forgiveness is a `recover` keyed forgive:


def read(store: Store, gstin: str) -> dict[str, tuple[int, str]]:
    """Entry key → (points as the document sees them, UTC time) for the GSTIN's documents."""
    e = s.entries
    out: dict[str, tuple[int, str]] = {}
    q = sa.select(e.c.kind, e.c.key, e.c.points, e.c.at, e.c.body).where(
        e.c.kind.in_(KINDS), e.c.key.like(f"%:{gstin}:%")
    )
    with store.engine.connect() as conn:
        for kind, key, points, at, body in conn.execute(q):
            if kind == "recover" and not key.startswith("forgive:"):
                continue
            n = int(points)
            if kind == "restore_redeem":
                n += int(json.loads(body).get("forfeited", 0))
            out[key] = (n, at)
    return out


def compare(
    store: Store,
    docs: dict[str, Book],
    entries: dict[str, tuple[int, str]],
    gstin: str,
    window: tuple[dt.date, dt.date],
    diffs: Differences,
) -> None:
    checked = 0
    for number, b in docs.items():
        if not b.points:
            continue
        checked += 1
        if b.kind == "invoice":
            got = entries.pop(f"redeem:{gstin}:{number}", None)
            if got is None:
                diffs.add("ledger", number, "redeem points", -b.points, None)
            elif got[0] != -b.points:
                diffs.add("ledger", number, "redeem points", -b.points, got[0])
        elif b.kind == "credit_note":
            got = entries.pop(f"restore:{gstin}:{number}", None)
            forgiven = entries.pop(f"forgive:{gstin}:{number}", (0, ""))[0]
            have = (got[0] if got else 0) + abs(forgiven)
            if got is None and not forgiven:
                diffs.add("ledger", number, "restored points", b.points, None)
            elif have != b.points:
                diffs.add("ledger", number, "restored points", b.points, have)
    diffs.checked["ledger"] = checked
    start = (window[0] - dt.timedelta(days=1)).isoformat()
    end = (window[1] + dt.timedelta(days=1)).isoformat()
    for key, (points, at) in sorted(entries.items()):
        kind, _gstin, number = key.split(":", 2)
        if kind != "redeem" or not start <= at[:10] <= end or number in docs:
            continue
        if "#" in number or store.get_invoice(number, gstin) is not None:
            continue  # a cancellation's whole-invoice measure, or a document of another month
        diffs.add("ledger", number, "stored invoice", None, f"redeem {points}")
