"""A POS terminal: bills online through the API, and keeps billing when the line drops.

Every sale is written to the outbox before any network call. Online, the API commits it
under the event's id; offline (connection error, timeout, 5xx), the terminal prices it
itself with the same core (`program.apply_caps` + `gst.compute` on the cached program)
and allows a redemption only as `pos.policy` says. The receipt prints after the event is
on disk. `sync` pushes queued events in order; the server applies each once and answers
with authoritative balances, which refresh the cache.

The till knows its company only as the server set it up: its store (tills, number
series), the registration it bills under and the items (`/v1/catalogue`), and the program
(`/v1/program`), cached locally so it can bill offline. Documents are numbered from the
store's series for this till, per financial year, by the till alone (also offline).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loyalty_gst import gst, identity
from loyalty_gst import program as pg
from loyalty_gst.company.model import DocKind, ItemSpec, StoreSpec, financial_year
from loyalty_gst.company.series import format_number
from loyalty_gst.events import Event
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.models import Buyer, ReturnLine, Sale, SaleLine, Seller, TaxedInvoice
from loyalty_gst.pos import local as local_db
from loyalty_gst.pos import policy
from loyalty_gst.pos.catalogue import Catalogue, line_of
from loyalty_gst.pos.client import Client, Offline, Refused
from loyalty_gst.pos.local import Local
from loyalty_gst.pos.sync import SyncReport, push
from loyalty_gst.service.common import IST

log = logging.getLogger("loyalty_gst.pos")


@dataclass(frozen=True)
class Receipt:
    event_id: str
    invoice: TaxedInvoice
    offline: bool
    balance: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Terminal:
    def __init__(
        self,
        *,
        server: str,
        token: str,
        db_path: str,
        store_code: str,
        terminal_id: str,
        timeout: float = 3.0,
    ) -> None:
        if not (1 <= len(terminal_id) <= 2 and terminal_id.isalnum()):
            raise ValueError("a terminal id is 1–2 letters/digits (invoice numbers ≤ 16)")
        self.api = Client(server, token, timeout)
        self.local = Local(db_path)
        self.engine = self.local.engine
        self.store_code = store_code
        self.terminal_id = terminal_id
        self.catalogue = Catalogue(self.api, self.local, store_code)
        # events written but never printed (a crash mid-sale) are abandoned: sync tells the
        # server, which cancels the sale if it had committed it
        self.local.abandon_open()

    @property
    def server(self) -> str:
        return self.api.server

    @server.setter
    def server(self, url: str) -> None:
        self.api.server = url.rstrip("/")

    # --- what the till sells with (cached from the server: `pos.catalogue`) ---

    def refresh_program(self) -> None:
        """The program, the presence key and the catalogue, from the server."""
        self.catalogue.refresh()

    def program(self) -> pg.Program:
        return self.catalogue.program()

    @property
    def store(self) -> StoreSpec:
        return self.catalogue.store

    @property
    def seller(self) -> Seller:
        return self.catalogue.seller

    def item(self, code: str) -> ItemSpec:
        return self.catalogue.item(code)

    # --- customers ---

    def lookup(self, mobile: str) -> dict[str, Any]:
        """Online: the server's answer (and the cache refreshed); offline: the cache."""
        phone = identity.normal_mobile(mobile)
        try:
            data = self.api.call("POST", "/v1/customers/lookup", {"mobile": phone})
        except Offline:
            cached = self.local.customer(phone)
            if cached is None:
                raise Refused("unknown_customer", "customer not seen by this terminal") from None
            return {**cached, "offline": True}
        self.local.cache_customer(
            phone,
            {
                "account_id": data.get("account_id"),
                "balance": data["balance"],
                "available": data["available"],
                "overdraft": data.get("overdraft", 0),
                "tier": data["tier"],
                "lots": json.dumps([[lt["points"], str(lt["expires_on"])] for lt in data["lots"]]),
                "synced_at": stamp(_now()),
            },
        )
        self._allow(phone)
        return {**data, "offline": False}

    def _allow(self, phone: str) -> None:
        """Ask for this till's part of the member's offline budget today; what was spent
        offline and not yet synced comes off it."""
        try:
            got = self.api.call("POST", "/v1/allowances", {"mobile": phone})
        except (Offline, Refused):
            return
        day = str(got["day"])
        self.local.set_allowance(
            phone, day, max(0, int(got["points"]) - self._unsynced(phone, day))
        )

    def _unsynced(self, phone: str, day: str) -> int:
        total = 0
        for text in self.local.queued_sales():
            ev = Event.model_validate_json(text)
            if ev.sale and ev.sale.customer == phone and ev.sale.date.isoformat() == day:
                invoice = gst.compute(pg.apply_caps(ev.sale, self.program(), ev.points))
                total += invoice.loyalty.points_redeemed
        return total

    def allowance(self, phone: str, day: dt.date) -> int:
        """Points this till may still redeem offline for the member on `day`."""
        return self.local.allowance(phone, day.isoformat())

    # --- selling ---

    def _number(self, conn: Any, kind: DocKind, day: dt.date) -> str:
        serial = self.local.take_serial(conn, kind, financial_year(day))
        return format_number(self.store, kind, day, self.terminal_id, serial)

    def _open(self, conn: Any, ev: Event) -> None:
        """The event on disk, status open, before any network call or receipt."""
        self.local.write_event(
            conn,
            seq=ev.seq,
            event_id=ev.event_id,
            kind=ev.kind,
            status="open",
            event=ev.model_dump_json(),
            created_at=stamp(ev.created_at),
        )

    def lines_for(self, picks: list[tuple[str, Decimal]]) -> tuple[list[SaleLine], bool]:
        """Sale lines for (SKU or barcode, quantity) picks, and whether prices include tax."""
        return self.catalogue.lines_for(picks)

    def sale(
        self,
        lines: list[SaleLine],
        *,
        customer: str | None = None,
        points: int = 0,
        presence_proof: dict[str, str] | None = None,
        buyer: Buyer | None = None,
        day: dt.date | None = None,
        prices_include_tax: bool = True,
    ) -> Receipt:
        """Bill a sale; the receipt is returned only once the sale is durable."""
        when = _now()
        on = day or when.astimezone(IST).date()
        phone = identity.normal_mobile(customer) if customer else None
        seller = self.seller
        with self.local.begin() as conn:
            seq = self.local.next_seq(conn)
            sale = Sale(
                number=self._number(conn, "invoice", on),
                date=on,
                seller=seller,
                buyer=buyer,
                prices_include_tax=prices_include_tax,
                round_to_rupee=buyer is None,
                lines=tuple(lines),
                store=self.store_code,
                channel="store",
                customer=phone,
            )
            ev = Event(
                event_id=f"{self.terminal_id}:{seq}",
                seq=seq,
                kind="sale",
                created_at=when,
                offline=False,
                sale=sale,
                points=points,
            )
            self._open(conn, ev)
        body = {
            "key": ev.event_id,
            "sale": sale.model_dump(mode="json"),
            "points": points,
            "presence": presence_proof,
        }
        try:
            done = self.api.call("POST", "/v1/commit", body)
        except Refused:
            self._set(seq, "refused")
            raise
        except Offline:
            return self._offline(seq, ev, phone, presence_proof)
        invoice = TaxedInvoice.model_validate(done["invoice"])
        with self.local.begin() as conn:
            self.local.set_status(conn, seq, "acked", result=json.dumps(done))
            self.local.keep_invoice(conn, invoice.number, invoice.model_dump_json())
            if phone and done.get("balance") is not None:
                self.local.update_customer(
                    conn,
                    phone,
                    balance=done["balance"],
                    available=max(0, done["balance"]),
                    synced_at=stamp(_now()),
                )
        return Receipt(ev.event_id, invoice, offline=False, balance=done.get("balance"))

    def _offline(
        self, seq: int, ev: Event, phone: str | None, proof: dict[str, str] | None
    ) -> Receipt:
        assert ev.sale is not None
        prog = self.program()
        points = ev.points
        day = ev.sale.date.isoformat()
        if points:
            why = policy.refusal(
                phone=phone,
                cached=self.local.customer(phone) if phone else None,
                points=points,
                proof=proof,
                public_pem=self.local.get("presence_key"),
                program=prog,
                spent_today=self.local.spent(phone, day) if phone else 0,
                now=_now(),
                allowance=self.local.allowance(phone, day) if phone else 0,
            )
            if why:
                self._set(seq, "abandoned")
                raise Refused("offline_limit", why)
        invoice = gst.compute(pg.apply_caps(ev.sale, prog, points))
        granted = invoice.loyalty.points_redeemed
        queued = ev.model_copy(
            update={
                "offline": True,
                "grand_total": invoice.totals.grand_total,
                # the app code the member showed: the server checks it at sync
                "presence_code": (proof or {}).get("app_code") if granted else None,
            }
        )
        with self.local.begin() as conn:
            self.local.set_status(conn, seq, "queued", event=queued.model_dump_json())
            self.local.keep_invoice(conn, invoice.number, invoice.model_dump_json())
            if granted and phone:
                self.local.add_spend(conn, phone, day, granted)
                self.local.spend_allowance(conn, phone, day, granted)
                c = local_db.customers.c
                self.local.update_customer(
                    conn, phone, available=c.available - granted, balance=c.balance - granted
                )
        log.info("offline sale %s for %s: %d points", invoice.number, mask(phone or ""), granted)
        return Receipt(ev.event_id, invoice, offline=True)

    def offline_spent(self, phone: str, day: dt.date) -> int:
        return self.local.spent(phone, day.isoformat())

    def invoice(self, number: str) -> TaxedInvoice | None:
        """An invoice this till printed, as printed."""
        body = self.local.invoice(number)
        return TaxedInvoice.model_validate_json(body) if body else None

    def return_(self, invoice_number: str, lines: list[ReturnLine] | None = None) -> str:
        """A credit note for one of this terminal's invoices: online now, else queued."""
        when = _now()
        on = when.astimezone(IST).date()
        if self.local.invoice(invoice_number) is None:
            raise Refused("unknown_document", f"{invoice_number} was not billed here")
        with self.local.begin() as conn:
            seq = self.local.next_seq(conn)
            number = self._number(conn, "credit_note", on)
            ev = Event(
                event_id=f"{self.terminal_id}:{seq}",
                seq=seq,
                kind="return",
                created_at=when,
                invoice_number=invoice_number,
                number=number,
                date=on,
                lines=tuple(lines) if lines else None,
            )
            self._open(conn, ev)
        body = {
            "key": ev.event_id,
            "invoice_number": invoice_number,
            "number": number,
            "date": on.isoformat(),
            "lines": [ln.model_dump(mode="json") for ln in lines] if lines else None,
        }
        try:
            done = self.api.call("POST", "/v1/returns", body)
        except Refused as exc:
            if exc.code == "unknown_document":  # its sale is still queued here: queue it too
                self._set(seq, "queued")
                return number
            self._set(seq, "refused")
            raise
        except Offline:
            self._set(seq, "queued")
            return number
        with self.local.begin() as conn:
            self.local.set_status(conn, seq, "acked", result=json.dumps(done))
        return number

    def _set(self, seq: int, status: str) -> None:
        with self.local.begin() as conn:
            self.local.set_status(conn, seq, status)

    # --- sync ---

    def pending(self) -> int:
        return self.local.pending()

    def sync(self, batch: int = 100) -> SyncReport:
        """Push queued and abandoned events in order (`pos.sync`); raises Offline if the
        server cannot be reached (nothing is lost)."""
        return push(self.api, self.local, self.terminal_id, batch)

    def status(self) -> dict[str, Any]:
        by, exposure = self.local.counts()
        return {
            "outbox": by,
            "pending": self.pending(),
            "offline_points": exposure,
            "refused": self.local.refused(),  # events the server refused at sync
        }

    def events(self) -> list[dict[str, Any]]:
        """Every outbox row (for reconciliation): seq, event_id, kind, status, event, result."""
        return [
            {
                "seq": r.seq,
                "event_id": r.event_id,
                "kind": r.kind,
                "status": r.status,
                "event": json.loads(r.event),
                "result": json.loads(r.result) if r.result else None,
            }
            for r in self.local.events()
        ]

    def close(self) -> None:
        self.api.close()
        self.local.dispose()


__all__ = ["Offline", "Receipt", "Refused", "SyncReport", "Terminal", "line_of"]
