"""The WhatsApp Cloud API client: a template message (`POST /{version}/{phone-number-id}
/messages`, bearer token) per outbox row, with timeouts and a retry on network errors
and 5xx; the provider's message id is recorded on the row."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass

import requests
import sqlalchemy as sa

from loyalty_gst.ids.mobile import mask
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s

log = logging.getLogger("loyalty_gst.notify")


@dataclass(frozen=True)
class WhatsAppConfig:
    base_url: str  # https://graph.facebook.com in production; a stand-in in tests
    phone_number_id: str
    token: str  # never logged
    version: str = "v21.0"
    otp_template: str = "loyalty_otp"
    language: str = "en"
    timeout: float = 5.0


def config_from_env() -> WhatsAppConfig | None:
    """$LOYALTY_GST_WHATSAPP_URL, _PHONE_ID, _TOKEN; None (messages stay queued) without."""
    import os

    if not os.environ.get("LOYALTY_GST_WHATSAPP_URL"):
        return None
    return WhatsAppConfig(
        base_url=os.environ["LOYALTY_GST_WHATSAPP_URL"],
        phone_number_id=os.environ.get("LOYALTY_GST_WHATSAPP_PHONE_ID", ""),
        token=os.environ.get("LOYALTY_GST_WHATSAPP_TOKEN", ""),
    )


class Notifier:
    """Queue and send customer messages; `enabled` False keeps them queued (no provider)."""

    def __init__(self, store: Store, config: WhatsAppConfig | None) -> None:
        self.store = store
        self.config = config
        self.http = requests.Session()

    def otp(self, number: str, code: str) -> int:
        """Queue the OTP template for `number` (E.164) and try to send it now."""
        template = self.config.otp_template if self.config else "loyalty_otp"
        with self.store.begin() as conn:
            row_id = conn.execute(
                s.notify_outbox.insert().values(
                    to_number=number,
                    template=template,
                    params=json.dumps([code]),
                    status="pending",
                    attempts=0,
                    created_at=stamp(dt.datetime.now(dt.UTC)),
                )
            ).inserted_primary_key[0]
        self._send(int(row_id))
        return int(row_id)

    def flush(self) -> int:
        """Send every pending message; returns how many went out."""
        with self.store.engine.connect() as conn:
            ids = conn.scalars(
                sa.select(s.notify_outbox.c.id).where(s.notify_outbox.c.status == "pending")
            ).all()
        return sum(self._send(i) for i in ids)

    def _send(self, row_id: int) -> bool:
        if self.config is None:
            return False
        t = s.notify_outbox
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == row_id)).one()
        cfg = self.config
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": row.to_number.lstrip("+"),
            "type": "template",
            "template": {
                "name": row.template,
                "language": {"code": cfg.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": p} for p in json.loads(row.params)],
                    }
                ],
            },
        }
        url = f"{cfg.base_url.rstrip('/')}/{cfg.version}/{cfg.phone_number_id}/messages"
        provider_id = None
        for attempt in range(3):
            try:
                r = self.http.post(
                    url,
                    json=body,
                    timeout=cfg.timeout,
                    headers={"Authorization": f"Bearer {cfg.token}"},
                )
            except requests.RequestException as exc:
                log.warning(
                    "whatsapp to %s: %s (attempt %d)",
                    mask(row.to_number),
                    type(exc).__name__,
                    attempt + 1,
                )
                time.sleep(0.2 * 2**attempt)
                continue
            if r.status_code >= 500:
                time.sleep(0.2 * 2**attempt)
                continue
            if r.ok:
                provider_id = (r.json().get("messages") or [{}])[0].get("id")
            else:
                log.warning("whatsapp to %s refused: HTTP %d", mask(row.to_number), r.status_code)
            break
        with self.store.begin() as conn:
            conn.execute(
                t.update()
                .where(t.c.id == row_id)
                .values(
                    attempts=t.c.attempts + 1,
                    status="sent" if provider_id else "pending",
                    provider_id=provider_id,
                    sent_at=stamp(dt.datetime.now(dt.UTC)) if provider_id else None,
                )
            )
        return provider_id is not None
