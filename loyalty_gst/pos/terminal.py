"""A POS terminal: bills online through the API, and keeps billing when the line drops.

Every sale is written to the outbox before any network call. Online, the API commits it
under the event's id; offline (connection error, timeout, 5xx), the terminal prices it
itself with the same core (`program.apply_caps` + `gst.compute` on the cached program)
and allows a redemption only within the customer's cached available points less what it
already spent offline, and within the program's offline cap per customer per day — so
the exposure is bounded and known. The receipt prints after the event is on disk.
`sync` pushes queued events in order; the server applies each once and answers with
authoritative balances, which refresh the cache.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from loyalty_gst import fixtures, gst, identity
from loyalty_gst import program as pg
from loyalty_gst.api import presence
from loyalty_gst.errors import LoyaltyGstError
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.models import Buyer, ReturnLine, Sale, SaleLine, TaxedInvoice
from loyalty_gst.pos import local as db
from loyalty_gst.service.common import IST
from loyalty_gst.service.offline import Event

log = logging.getLogger("loyalty_gst.pos")


class Offline(Exception):
    """The server could not be reached (or failed): bill offline."""


class Refused(LoyaltyGstError):
    """The server (or the offline rules) refused the sale; nothing was printed."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class Receipt:
    event_id: str
    invoice: TaxedInvoice
    offline: bool
    balance: int | None = None


@dataclass(frozen=True)
class SyncReport:
    sent: int
    applied: int
    replayed: int
    rejected: int
    voided: int
    abandoned: int


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
        self.server = server.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.engine = db.open_local(db_path)
        cat = fixtures.load()
        self.store = next(s for s in cat.stores if s.code == store_code)
        self.seller = cat.seller_for(self.store)
        self.terminal_id = terminal_id
        self.prefix = (store_code.split("-")[-1][:3] + terminal_id)[:5]
        self._settle_open()

    # --- plumbing ---

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            r = self.http.request(method, self.server + path, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise Offline(type(exc).__name__) from None
        if r.status_code >= 500:
            raise Offline(f"HTTP {r.status_code}")
        if r.status_code >= 400:
            try:
                p = r.json()
            except ValueError:
                p = {"code": "http_error", "detail": r.text[:200]}
            raise Refused(str(p.get("code", "error")), str(p.get("detail", "")))
        return r.json() if r.content else None

    def _get(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(db.settings.c.value).where(db.settings.c.name == name))

    def _put(self, conn: sa.Connection, name: str, value: str) -> None:
        t = db.settings
        conn.execute(sa.delete(t).where(t.c.name == name))
        conn.execute(t.insert().values(name=name, value=value))

    def _settle_open(self) -> None:
        """Events written but never printed (a crash mid-sale) are abandoned: sync tells the
        server, which cancels the sale if it had committed it."""
        t = db.outbox
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.status == "open").values(status="abandoned"))

    # --- program and customers ---

    def refresh_program(self) -> None:
        data = self._call("GET", "/v1/program")
        with self.engine.begin() as conn:
            self._put(conn, "program", json.dumps(data["program"]))
            self._put(conn, "presence_key", data["presence_public_key"])

    def program(self) -> pg.Program:
        text = self._get("program")
        if text is None:
            raise Refused("not_ready", "the terminal has no program yet: run it online once")
        return pg.Program.model_validate_json(text)

    def lookup(self, mobile: str) -> dict[str, Any]:
        """Online: the server's answer (and the cache refreshed); offline: the cache."""
        phone = identity.normal_mobile(mobile)
        try:
            data = self._call("POST", "/v1/customers/lookup", {"mobile": phone})
        except Offline:
            cached = self._cached(phone)
            if cached is None:
                raise Refused("unknown_customer", "customer not seen by this terminal") from None
            return {**cached, "offline": True}
        self._cache(phone, data)
        return {**data, "offline": False}

    def _cache(self, phone: str, data: dict[str, Any]) -> None:
        t = db.customers
        row = {
            "mobile": phone,
            "account_id": data.get("account_id"),
            "balance": data["balance"],
            "available": data["available"],
            "overdraft": data.get("overdraft", 0),
            "tier": data["tier"],
            "lots": json.dumps([[lt["points"], str(lt["expires_on"])] for lt in data["lots"]]),
            "synced_at": stamp(dt.datetime.now(dt.UTC)),
        }
        with self.engine.begin() as conn:
            conn.execute(sa.delete(t).where(t.c.mobile == phone))
            conn.execute(t.insert().values(**row))

    def _cached(self, phone: str) -> dict[str, Any] | None:
        t = db.customers
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.mobile == phone)).first()
        return dict(row._mapping) if row else None

    # --- selling ---

    def _next(self, conn: sa.Connection) -> tuple[int, str]:
        seq = (conn.scalar(sa.select(sa.func.max(db.outbox.c.seq))) or 0) + 1
        return seq, f"{self.terminal_id}:{seq}"

    @staticmethod
    def _open(conn: sa.Connection, ev: Event) -> None:
        """The event on disk, status open, before any network call or receipt."""
        conn.execute(
            db.outbox.insert().values(
                seq=ev.seq,
                event_id=ev.event_id,
                kind=ev.kind,
                status="open",
                event=ev.model_dump_json(),
                created_at=stamp(ev.created_at),
            )
        )

    def _number(self, conn: sa.Connection, day: dt.date) -> str:
        name = f"series:{day:%y%m}"
        n = int(conn.scalar(sa.select(db.settings.c.value).where(db.settings.c.name == name)) or 0)
        self._put(conn, name, str(n + 1))
        return f"{self.prefix}/{day:%y%m}/{n + 1:05d}"

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
        when = dt.datetime.now(dt.UTC)
        on = day or when.astimezone(IST).date()
        phone = identity.normal_mobile(customer) if customer else None
        with self.engine.begin() as conn:
            seq, event_id = self._next(conn)
            sale = Sale(
                number=self._number(conn, on),
                date=on,
                seller=self.seller,
                buyer=buyer,
                prices_include_tax=prices_include_tax,
                round_to_rupee=buyer is None,
                lines=tuple(lines),
                store=self.store.code,
                channel="store",
                customer=phone,
            )
            ev = Event(
                event_id=event_id,
                seq=seq,
                kind="sale",
                created_at=when,
                offline=False,
                sale=sale,
                points=points,
            )
            self._open(conn, ev)
        body = {
            "key": event_id,
            "sale": sale.model_dump(mode="json"),
            "points": points,
            "presence": presence_proof,
        }
        try:
            done = self._call("POST", "/v1/commit", body)
        except Refused:
            self._set(seq, "refused")
            raise
        except Offline:
            return self._offline(seq, ev, phone, presence_proof)
        invoice = TaxedInvoice.model_validate(done["invoice"])
        with self.engine.begin() as conn:
            self._status(conn, seq, "acked", json.dumps(done))
            conn.execute(
                db.invoices.insert().values(number=invoice.number, body=invoice.model_dump_json())
            )
            if phone and done.get("balance") is not None:
                t = db.customers
                conn.execute(
                    t.update()
                    .where(t.c.mobile == phone)
                    .values(
                        balance=done["balance"],
                        available=max(0, done["balance"]),
                        synced_at=stamp(dt.datetime.now(dt.UTC)),
                    )
                )
        return Receipt(event_id, invoice, offline=False, balance=done.get("balance"))

    def _offline(
        self, seq: int, ev: Event, phone: str | None, proof: dict[str, str] | None
    ) -> Receipt:
        assert ev.sale is not None
        prog = self.program()
        points = ev.points
        if points:
            why = self._offline_refusal(phone, points, proof, prog, ev.sale.date)
            if why:
                self._set(seq, "abandoned")
                raise Refused("offline_limit", why)
        invoice = gst.compute(pg.apply_caps(ev.sale, prog, points))
        granted = invoice.loyalty.points_redeemed
        queued = ev.model_copy(update={"offline": True, "grand_total": invoice.totals.grand_total})
        day = ev.sale.date.isoformat()
        with self.engine.begin() as conn:
            conn.execute(
                db.outbox.update()
                .where(db.outbox.c.seq == seq)
                .values(status="queued", event=queued.model_dump_json())
            )
            conn.execute(
                db.invoices.insert().values(number=invoice.number, body=invoice.model_dump_json())
            )
            if granted and phone:
                sp = db.offline_spend
                have = conn.scalar(
                    sa.select(sp.c.points).where(sp.c.mobile == phone, sp.c.day == day)
                )
                if have is None:
                    conn.execute(sp.insert().values(mobile=phone, day=day, points=granted))
                else:
                    conn.execute(
                        sp.update()
                        .where(sp.c.mobile == phone, sp.c.day == day)
                        .values(points=have + granted)
                    )
                t = db.customers
                conn.execute(
                    t.update()
                    .where(t.c.mobile == phone)
                    .values(available=t.c.available - granted, balance=t.c.balance - granted)
                )
        log.info("offline sale %s for %s: %d points", invoice.number, mask(phone or ""), granted)
        return Receipt(ev.event_id, invoice, offline=True)

    def _offline_refusal(
        self,
        phone: str | None,
        points: int,
        proof: dict[str, str] | None,
        prog: pg.Program,
        day: dt.date,
    ) -> str | None:
        """Why an offline redemption of `points` is not allowed, or None."""
        cached = self._cached(phone) if phone else None
        if cached is None or phone is None:
            return "offline, points only for a customer this terminal has seen"
        if not proof or not proof.get("app_code"):
            return "offline, the customer's presence needs the app's code"
        key = self._get("presence_key")
        if key is None:
            return "offline without the presence key"
        public = serialization.load_pem_public_key(key.encode())
        assert isinstance(public, Ed25519PublicKey)
        try:
            presence.read_app_code(
                public, proof["app_code"], phone=phone, now=dt.datetime.now(dt.UTC).timestamp()
            )
        except LoyaltyGstError as exc:
            return f"offline, {exc}"
        spent = self.offline_spent(phone, day)
        room = min(cached["available"], prog.offline_cap_per_day - spent)
        if points > room:
            return f"offline, at most {max(0, room)} points for this customer today"
        return None

    def offline_spent(self, phone: str, day: dt.date) -> int:
        sp = db.offline_spend
        with self.engine.connect() as conn:
            n = conn.scalar(
                sa.select(sp.c.points).where(sp.c.mobile == phone, sp.c.day == day.isoformat())
            )
        return int(n or 0)

    def return_(self, invoice_number: str, lines: list[ReturnLine] | None = None) -> str:
        """A credit note for one of this terminal's invoices: online now, else queued."""
        when = dt.datetime.now(dt.UTC)
        on = when.astimezone(IST).date()
        with self.engine.begin() as conn:
            if (
                conn.scalar(
                    sa.select(db.invoices.c.number).where(db.invoices.c.number == invoice_number)
                )
                is None
            ):
                raise Refused("unknown_document", f"{invoice_number} was not billed here")
            seq, event_id = self._next(conn)
            number = self._number(conn, on).replace("/", "R/", 1)[:16]
            ev = Event(
                event_id=event_id,
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
            "key": event_id,
            "invoice_number": invoice_number,
            "number": number,
            "date": on.isoformat(),
            "lines": [ln.model_dump(mode="json") for ln in lines] if lines else None,
        }
        try:
            done = self._call("POST", "/v1/returns", body)
        except Refused as exc:
            if exc.code == "unknown_document":  # its sale is still queued here: queue it too
                self._set(seq, "queued")
                return number
            self._set(seq, "refused")
            raise
        except Offline:
            self._set(seq, "queued")
            return number
        with self.engine.begin() as conn:
            self._status(conn, seq, "acked", json.dumps(done))
        return number

    def _set(self, seq: int, status: str) -> None:
        with self.engine.begin() as conn:
            self._status(conn, seq, status, None)

    @staticmethod
    def _status(conn: sa.Connection, seq: int, status: str, result: str | None) -> None:
        t = db.outbox
        values: dict[str, Any] = {"status": status}
        if result is not None:
            values["result"] = result
        conn.execute(t.update().where(t.c.seq == seq).values(**values))

    # --- sync ---

    def pending(self) -> int:
        t = db.outbox
        with self.engine.connect() as conn:
            n = conn.scalar(
                sa.select(sa.func.count()).where(t.c.status.in_(("queued", "abandoned")))
            )
        return int(n or 0)

    def sync(self, batch: int = 100) -> SyncReport:
        """Push queued and abandoned events in order; each is marked from the server's own
        answer only. Raises Offline if the server cannot be reached (nothing is lost)."""
        t = db.outbox
        counts = {
            "sent": 0,
            "applied": 0,
            "replayed": 0,
            "rejected": 0,
            "voided": 0,
            "abandoned": 0,
        }
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(t.c.seq, t.c.status, t.c.event)
                    .where(t.c.status.in_(("queued", "abandoned")))
                    .order_by(t.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                break
            events = []
            for r in rows:
                ev = json.loads(r.event)
                if r.status == "abandoned":
                    ev["kind"] = "abandon"
                events.append(ev)
            answer = self._call(
                "POST", "/v1/sync", {"terminal": self.terminal_id, "events": events}
            )
            by_id = {res["event_id"]: res for res in answer["results"]}
            with self.engine.begin() as conn:
                for r, ev in zip(rows, events, strict=True):
                    res = by_id.get(ev["event_id"])
                    if res is None:
                        continue
                    counts["sent"] += 1
                    counts[res["status"]] = counts.get(res["status"], 0) + 1
                    final = (
                        "rejected"
                        if res["status"] == "rejected"
                        else ("settled" if r.status == "abandoned" else "synced")
                    )
                    self._status(conn, r.seq, final, json.dumps(res))
                for acc in answer["accounts"]:
                    c = db.customers
                    conn.execute(
                        c.update()
                        .where(c.c.account_id == acc["account_id"])
                        .values(
                            balance=acc["balance"],
                            available=acc["available"],
                            overdraft=acc["overdraft"],
                            tier=acc["tier"],
                            lots=json.dumps(
                                [[lt["points"], str(lt["expires_on"])] for lt in acc["lots"]]
                            ),
                            synced_at=stamp(dt.datetime.now(dt.UTC)),
                        )
                    )
        return SyncReport(**counts)

    def status(self) -> dict[str, Any]:
        t = db.outbox
        with self.engine.connect() as conn:
            by = dict(
                conn.execute(sa.select(t.c.status, sa.func.count()).group_by(t.c.status)).all()
            )
            exposure = conn.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(db.offline_spend.c.points), 0))
            )
        return {"outbox": by, "pending": self.pending(), "offline_points": int(exposure or 0)}

    def events(self) -> list[dict[str, Any]]:
        """Every outbox row (for reconciliation): seq, event_id, kind, status, event, result."""
        t = db.outbox
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.seq)).all()
        return [
            {
                "seq": r.seq,
                "event_id": r.event_id,
                "kind": r.kind,
                "status": r.status,
                "event": json.loads(r.event),
                "result": json.loads(r.result) if r.result else None,
            }
            for r in rows
        ]

    def close(self) -> None:
        self.engine.dispose()


def line_of(item: dict[str, Any], qty: int = 1) -> SaleLine:
    """A sale line from a fixtures item."""
    return SaleLine(
        sku=item["sku"],
        description=item["description"][:100],
        hsn=item["hsn"],
        qty=Decimal(qty),
        unit=item["unit"],
        unit_price=Decimal(item["price"]),
        gst_rate=Decimal(item["gst_rate"]),
        cess_rate=Decimal(item["cess_rate"]),
        redeemable=item["redeemable"],
        is_service=item["is_service"],
    )


__all__ = ["Offline", "Receipt", "Refused", "SyncReport", "Terminal", "line_of"]
