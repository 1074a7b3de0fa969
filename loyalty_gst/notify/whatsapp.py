"""The WhatsApp Cloud API client: one template message (`POST /{version}/{phone-number-id}
/messages`, bearer token) per row of `lgst_messages`, only for a purpose the member opted
in to. A message that cannot be sent now stays queued and is tried again with exponential
back-off (1 s, 2 s, 4 s … capped at 5 min) until it goes or a day has passed; nothing is
lost in a sender outage. An OTP is never stored: it is sent at once or refused (503)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa

from loyalty_gst.company import db as company_db
from loyalty_gst.company.db import NotSetUp
from loyalty_gst.company.model import MESSAGE_FIELDS, MessageTemplate
from loyalty_gst.errors import NoConsent, SenderUnavailable
from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.notify import messages as msg
from loyalty_gst.privacy import consent
from loyalty_gst.store import Store
from loyalty_gst.store import accounts as acc
from loyalty_gst.store import schema as s

log = logging.getLogger("loyalty_gst.notify")

GIVE_UP_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class WhatsAppConfig:
    base_url: str  # https://graph.facebook.com in production; a stand-in in tests
    phone_number_id: str
    token: str  # never logged
    version: str = "v21.0"
    otp_template: str = "loyalty_otp"
    language: str = "en"
    timeout: float = 5.0
    templates: dict[str, str] = field(default_factory=dict)  # purpose → template name
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    backoff_cap: float = 300.0
    reminder_days: int = 7  # expiry reminders this many days ahead
    app_secret: str | None = None  # signs the webhook's POSTs (X-Hub-Signature-256)
    verify_token: str | None = None  # the webhook's subscription handshake

    def template(self, purpose: str) -> str:
        if purpose == "otp" and "otp" not in self.templates:
            return self.otp_template
        return self.templates.get(purpose) or msg.DEFAULT_TEMPLATES[purpose]


def config_from_env() -> WhatsAppConfig | None:
    """$LOYALTY_GST_WHATSAPP_URL, _PHONE_ID, _TOKEN (and _TEMPLATES as a JSON object of
    purpose → template name, _LANGUAGE, _BACKOFF seconds, _REMINDER_DAYS, _APP_SECRET,
    _VERIFY_TOKEN); None without a URL: no sender, so OTP requests are refused."""
    env = os.environ
    if not env.get("LOYALTY_GST_WHATSAPP_URL"):
        return None
    return WhatsAppConfig(
        base_url=env["LOYALTY_GST_WHATSAPP_URL"],
        phone_number_id=env.get("LOYALTY_GST_WHATSAPP_PHONE_ID", ""),
        token=env.get("LOYALTY_GST_WHATSAPP_TOKEN", ""),
        language=env.get("LOYALTY_GST_WHATSAPP_LANGUAGE", "en"),
        templates=json.loads(env.get("LOYALTY_GST_WHATSAPP_TEMPLATES") or "{}"),
        backoff=float(env.get("LOYALTY_GST_WHATSAPP_BACKOFF", "1")),  # float ok: seconds
        reminder_days=int(env.get("LOYALTY_GST_WHATSAPP_REMINDER_DAYS", "7")),
        app_secret=env.get("LOYALTY_GST_WHATSAPP_APP_SECRET") or None,
        verify_token=env.get("LOYALTY_GST_WHATSAPP_VERIFY_TOKEN") or None,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Notifier:
    """Queue and send members' messages; without a config nothing is sent (and an OTP
    request is refused), queued messages wait for one."""

    def __init__(self, store: Store, config: WhatsAppConfig | None) -> None:
        self.store = store
        self.config = config
        self.http = requests.Session()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- OTP: consent, then sent now or refused ---

    def check_otp(self, account_id: int) -> None:
        """Raise unless an OTP can reach this member now: a sender is configured and the
        member has not opted out of OTPs (asking for one is their opt-in, recorded)."""
        if self.config is None:
            raise SenderUnavailable(
                "no WhatsApp sender is configured (LOYALTY_GST_WHATSAPP_URL): an OTP could "
                "not reach the member; use the app's code"
            )
        with self.store.begin() as conn:
            decided = consent.current(conn, account_id).get("otp")
            if decided is not None and not decided.granted:
                raise NoConsent("the member opted out of WhatsApp OTPs; use the app's code")
            if decided is None:
                consent.record(conn, account_id, "otp", True, channel="otp_request")

    def otp(self, number: str, code: str, *, account_id: int | None = None) -> int:
        """Send the OTP template to `number` (E.164) now; the row keeps no code."""
        if account_id is None:
            with self.store.engine.connect() as conn:
                a = acc.find(conn, mobile=number)
            account_id = a.id if a else None
        if account_id is not None:
            self.check_otp(account_id)
        elif self.config is None:
            raise SenderUnavailable("no WhatsApp sender is configured")
        row_id = self._insert(account_id, number, "otp", [], None, status="sending")
        for attempt in range(3):  # a code is worth minutes: a few quick tries, then refuse
            ok, error = self._post(number, self._template("otp"), self._params("otp", [code]))
            if ok is not None or (error or "").startswith("HTTP 4"):
                break
            self._stop.wait(0.2 * 2**attempt)
        self._mark(row_id, ok, error, final=True)
        if ok is None:
            raise SenderUnavailable(f"WhatsApp did not take the OTP ({error}); ask again")
        return row_id

    # --- everything else: consent, outbox, retries ---

    def queue(
        self,
        account_id: int,
        purpose: str,
        params: list[str],
        *,
        dedupe: str | None = None,
        template: str | None = None,
    ) -> int | None:
        """Queue a message for `purpose` if the member opted in; None when not (or when
        `dedupe` was queued before). Sent by the worker, or by `flush`."""
        with self.store.engine.connect() as conn:
            a = acc.find(conn, id=account_id)
            if a is None or not a.mobile or not consent.allowed(conn, account_id, purpose):
                return None
        try:
            row = self._insert(
                account_id, a.mobile, purpose, params, dedupe, status="queued", template=template
            )
        except sa.exc.IntegrityError:
            return None
        self._wake.set()
        return row

    def flush(self, now: dt.datetime | None = None) -> int:
        """Send every queued message that is due; returns how many went out. Without a
        sender nothing can go: the queue is not read (the worker wakes with every receipt
        queued, and reading the whole outbox each time cost a busy server dearly)."""
        if self.config is None:
            return 0
        at = now or _now()
        t = s.messages
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.id)
                .where(
                    t.c.status == "queued", sa.or_(t.c.next_at.is_(None), t.c.next_at <= stamp(at))
                )
                .order_by(t.c.id)
            ).all()
        return sum(self.send(r.id, now=at) for r in rows)

    def send(self, row_id: int, now: dt.datetime | None = None) -> bool:
        """One attempt at a queued message; a failure sets its next try (back-off)."""
        t = s.messages
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == row_id)).one()
        if row.status != "queued" or not row.to_number:
            return False
        if row.account_id is not None:
            with self.store.engine.connect() as conn:
                if not consent.allowed(conn, row.account_id, row.purpose):  # a STOP came first
                    self._finish(row_id, "failed", "opted out before sending")
                    return False
        if self.config is None:
            return False
        ok, error = self._post(row.to_number, row.template, json.loads(row.params))
        at = now or _now()
        if ok is not None:
            self._mark(row_id, ok, None, final=True)
            return True
        created = dt.datetime.fromisoformat(row.created_at.replace("Z", "+00:00"))
        if at - created > GIVE_UP_AFTER:
            self._finish(row_id, "failed", error)
            return False
        wait = min(self.config.backoff * 2**row.attempts, self.config.backoff_cap)
        with self.store.begin() as conn:
            conn.execute(
                t.update()
                .where(t.c.id == row_id)
                .values(
                    attempts=t.c.attempts + 1,
                    next_at=stamp(at + dt.timedelta(seconds=wait)),
                    last_error=(error or "")[:200],
                )
            )
        return False

    # --- the worker: sends queued messages and the day's expiry reminders ---

    def start(self, interval: float = 0.5) -> None:  # float ok: seconds
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self, interval: float) -> None:  # float ok: seconds
        reminded: dt.date | None = None
        while not self._stop.is_set():
            try:
                today = dt.datetime.now(msg.IST).date()
                if self.config is not None and reminded != today:
                    msg.expiry_reminders(self, today, days=self.config.reminder_days)
                    reminded = today
                self.flush()
            except Exception as exc:  # the worker outlives one bad round
                log.error("notifier round failed: %s", type(exc).__name__)
            self._wake.wait(interval)
            self._wake.clear()

    # --- rows and the wire ---

    def _template(self, purpose: str) -> str:
        spec = self._setup_template(purpose)
        if spec is not None:
            return spec.name
        return self.config.template(purpose) if self.config else msg.DEFAULT_TEMPLATES[purpose]

    def _setup_template(self, kind: str) -> MessageTemplate | None:
        """The company's own template for this message, from its setup (before $…_TEMPLATES)."""
        try:
            templates = company_db.current(self.store).particulars.whatsapp_templates
        except NotSetUp:
            return None
        return templates.get(kind)  # type: ignore[call-overload]

    def _params(self, kind: str, values: list[str]) -> list[str]:
        """The message's values in the order its template takes them (all, by default)."""
        spec = self._setup_template(kind)
        if spec is None or spec.parameters is None or kind not in MESSAGE_FIELDS:
            return values
        named = dict(zip(MESSAGE_FIELDS[kind], values, strict=False))
        return [named.get(p, "") for p in spec.parameters]

    def _insert(
        self,
        account_id: int | None,
        number: str,
        purpose: str,
        params: list[str],
        dedupe: str | None,
        *,
        status: str,
        template: str | None = None,
    ) -> int:
        kind = template or purpose
        name, body = self._template(kind), self._params(kind, params)  # read before writing
        with self.store.begin() as conn:
            res = conn.execute(
                s.messages.insert().values(
                    account_id=account_id,
                    to_number=number,
                    purpose=purpose,
                    template=name,
                    params=json.dumps(body),
                    dedupe=dedupe,
                    status=status,
                    attempts=0,
                    created_at=stamp(_now()),
                )
            )
            return int(res.inserted_primary_key[0])

    def _mark(
        self, row_id: int, provider_id: str | None, error: str | None, *, final: bool
    ) -> None:
        t = s.messages
        values: dict[str, object] = {"attempts": t.c.attempts + 1}
        if provider_id is not None:
            values |= {"status": "sent", "provider_id": provider_id, "sent_at": stamp(_now())}
        elif final:
            values |= {"status": "failed", "last_error": (error or "")[:200]}
        with self.store.begin() as conn:
            conn.execute(t.update().where(t.c.id == row_id).values(**values))

    def _finish(self, row_id: int, status: str, error: str | None) -> None:
        t = s.messages
        with self.store.begin() as conn:
            conn.execute(t.update().where(t.c.id == row_id).values(status=status, last_error=error))

    def _post(self, number: str, template: str, params: list[str]) -> tuple[str | None, str | None]:
        """(provider message id, None) when the Cloud API took it, else (None, reason)."""
        cfg = self.config
        if cfg is None:
            return None, "no sender configured"
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": number.lstrip("+"),
            "type": "template",
            "template": {
                "name": template,
                "language": {"code": cfg.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": p} for p in params],
                    }
                ],
            },
        }
        url = f"{cfg.base_url.rstrip('/')}/{cfg.version}/{cfg.phone_number_id}/messages"
        try:
            r = self.http.post(
                url,
                json=body,
                timeout=cfg.timeout,
                headers={"Authorization": f"Bearer {cfg.token}"},
            )
        except requests.RequestException as exc:
            log.warning("whatsapp to %s: %s", mask(number), type(exc).__name__)
            return None, type(exc).__name__
        if r.ok:
            return (r.json().get("messages") or [{}])[0].get("id") or "accepted", None
        log.warning("whatsapp to %s: HTTP %d", mask(number), r.status_code)
        return None, f"HTTP {r.status_code}"
