"""Demo step: the day's sales through the ledger on SQLite (out/ledger.sqlite).

Opening balances are migrated first for every member in the day's sales (two lots,
one expiring sooner), so redemptions have points to use; then each sale is committed
(redeem + earn + stored invoice in one transaction) under the program's caps — a
redemption the ledger refuses is billed without points, as a till would — a few goods
are returned, one invoice is cancelled, lots due by the day are expired, and every chain
is verified. The day's
documents become what the ledger stored (invoices and credit notes), so every later
rendering (GSTR-1, Tally, e-invoice) shows exactly the books.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loyalty_gst import company, service
from loyalty_gst import program as pg
from loyalty_gst.demo import company as demo_company
from loyalty_gst.demo.context import DemoRun
from loyalty_gst.errors import LedgerError
from loyalty_gst.identity import phone_ref
from loyalty_gst.models import ReturnLine
from loyalty_gst.service.common import IST
from loyalty_gst.store import open_store

OPENING = ((1500, 3), (1000, 12))  # (points, months until expiry) per demo member


def run_ledger(run: DemoRun) -> None:
    path = run.out / "ledger.sqlite"
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    demo_company.set_up(store)
    book = company.current(store).program
    start = dt.datetime.combine(run.day, dt.time(9, 0), IST)
    members = sorted({s.customer for s in run.sales if s.customer})
    for i, phone in enumerate(members):
        lots = [(pts, pg.add_months(run.day, months)) for pts, months in OPENING]
        service.migrate_opening(
            store, phone=phone, lots=lots, key=f"opening:{phone_ref(phone)}", program=book,
            now=start - dt.timedelta(days=1, seconds=-i),
        )  # fmt: skip
    refused = 0
    committed = []
    for i, sale in enumerate(run.sales):
        at = start + dt.timedelta(seconds=100 * i)
        try:
            done = service.commit(store, sale, key=f"demo:{sale.number}", program=book, now=at)
        except LedgerError:
            refused += 1
            bare = sale.model_copy(update={"loyalty": None})
            done = service.commit(store, bare, key=f"demo:{sale.number}", program=book, now=at)
        committed.append(done)
    notes = []
    returned = 0
    series: dict[str, int] = {}  # credit notes are numbered per seller GSTIN, without gaps
    for done in committed[::25]:
        inv = done.invoice
        n = series.get(inv.seller.gstin, 0) + 1
        try:
            back = service.return_(
                store, invoice_number=inv.number, seller_gstin=inv.seller.gstin,
                number=f"CN/{run.day:%y%m}/{n:05d}", date=run.day, key=f"demo-return:{inv.number}",
                returns=[ReturnLine(line_no=1, qty=Decimal(1))], program=book,
                now=start + dt.timedelta(hours=10, seconds=returned),
            )  # fmt: skip
            notes.append(back.note)
            series[inv.seller.gstin] = n
            returned += 1
        except LedgerError:
            pass
    # one invoice cancelled (keyed returns above took every 25th; the 2nd was never returned)
    cancelled = committed[1].invoice if len(committed) > 1 else None
    if cancelled is not None:
        service.void(
            store, invoice_number=cancelled.number, seller_gstin=cancelled.seller.gstin,
            key=f"demo-cancel:{cancelled.number}", reason="billing error", program=book,
            now=start + dt.timedelta(hours=10, minutes=30),
        )  # fmt: skip
    expired = service.expire(store, as_of=run.day, now=start + dt.timedelta(hours=11))
    problems = service.verify(store)
    redeemed = sum(c.points_redeemed for c in committed)
    earned = sum(c.points_earned + c.bonus_points for c in committed)
    store.dispose()
    run.invoices[:] = [c.invoice for c in committed if c.invoice is not cancelled] + notes
    run.notes.append(
        f"ledger: {len(members)} opening balances, {len(committed)} sales committed "
        f"({refused} redemption(s) refused, billed without points), "
        f"{redeemed} points redeemed, {earned} earned, "
        f"{returned} returns, {1 if cancelled else 0} cancelled, "
        f"{expired.points} points expired; verify: "
        f"{'chains intact' if not problems else f'{len(problems)} problem(s)'} → {path}"
    )
