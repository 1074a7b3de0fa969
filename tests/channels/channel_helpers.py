"""What the channel tests share: members, tokens' holder, sales of the worked example."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import requests

from loyalty_gst import service
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.clock import ist_day
from loyalty_gst.demo import company as demo_company
from loyalty_gst.pos.simulate import member_sessions
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store

PHONES = ("+919876543210", "+919812345678", "+918123456789")
OPENING = 2000
FAR = dt.date(2099, 3, 31)


@dataclass
class Api:
    server: ServerProcess
    store: Store
    wa: WhatsAppStandIn
    admin: str
    t1: str  # MUM-BAN till T1 (GSTIN 27…)
    t2: str  # MUM-AND till T2 (same GSTIN, another store)
    t3: str  # BLR-IND till T3 (GSTIN 29…)
    app: str  # the customers' app
    web: str
    t3_id: str
    keys: Path | None = None  # the server's key folder ($LOYALTY_GST_KEYS)

    @property
    def base(self) -> str:
        return self.server.base

    def call(
        self, token: str | None, method: str, path: str, body: object = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + path, json=body, headers=headers, timeout=30)


def seller(code: str) -> dict[str, str]:
    cat = demo_company.load()
    s = cat.seller_for(next(st for st in cat.stores if st.code == code))
    return s.model_dump(mode="json", exclude_none=True)


def worked_sale(number: str, code: str = "MUM-BAN", phone: str | None = PHONES[0]) -> dict:
    """2 shirts @ ₹1000, 5% + a belt @ ₹1000, 18% (GST_RULES' worked example)."""
    return {
        "number": number,
        "date": ist_day(dt.datetime.now(dt.UTC)).isoformat(),
        "seller": seller(code),
        "lines": [
            {
                "sku": "SHIRT",
                "hsn": "6105",
                "qty": "2",
                "unit": "PCS",
                "unit_price": "1000",
                "gst_rate": "5",
            },
            {
                "sku": "BELT",
                "hsn": "4203",
                "qty": "1",
                "unit": "NOS",
                "unit_price": "1000",
                "gst_rate": "18",
            },
        ],
        "customer": phone,
    }


def seed(store: Store, phones: tuple[str, ...] | list[str], points: int = OPENING) -> None:
    demo_company.set_up(store)  # the demo's company, as `loyalty-gst setup` would
    for p in phones:
        service.migrate_opening(store, phone=p, lots=[(points, FAR)], key=f"opening:{p}")


_SESSIONS: dict[tuple[str, str], str] = {}


def member_session(api: Api, phone: str) -> str:
    """The member's own session, as if they had signed in on their phone (one per member
    and server: a sign-in by OTP is tested on its own)."""
    key = (api.base, phone)
    if key not in _SESSIONS:
        _SESSIONS[key] = member_sessions(api.store, [phone])[phone]
    return _SESSIONS[key]


def app_code(api: Api, phone: str) -> str:
    """The code the member's app shows (a signed, single-use presence proof)."""
    r = api.call(member_session(api, phone), "POST", "/v1/presence/app-code")
    assert r.status_code == 200, r.text
    return str(r.json()["code"])
