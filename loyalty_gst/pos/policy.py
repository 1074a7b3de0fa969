"""The offline rules: what a till may allow while it cannot reach the server.

Points only for a customer the till has seen, with the app's code (Ed25519-signed by
the server, checked with its public key — no OTP can be sent offline), and at most the
cached available points less what this till already spent offline for that customer
that day, within the program's `offline_cap_per_day` and within the till's part of the
member's offline budget (granted while online; the server holds the till to it at sync).
The exposure is bounded and known.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from loyalty_gst import program as pg
from loyalty_gst.api import presence
from loyalty_gst.errors import LoyaltyGstError


def refusal(
    *,
    phone: str | None,
    cached: dict[str, Any] | None,
    points: int,
    proof: dict[str, str] | None,
    public_pem: str | None,
    program: pg.Program,
    spent_today: int,
    now: dt.datetime,
    allowance: int = 0,
) -> str | None:
    """Why an offline redemption of `points` is not allowed, or None."""
    if cached is None or phone is None:
        return "offline, points only for a customer this terminal has seen"
    if not proof or not proof.get("app_code"):
        return "offline, the customer's presence needs the app's code"
    if public_pem is None:
        return "offline without the presence key"
    public = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(public, Ed25519PublicKey)
    try:
        presence.read_app_code(public, proof["app_code"], phone=phone, now=now.timestamp())
    except LoyaltyGstError as exc:
        return f"offline, {exc}"
    # `allowance`: this till's part of the member's one offline budget, granted online
    room = min(cached["available"], program.offline_cap_per_day - spent_today, allowance)
    if points > room:
        return f"offline, at most {max(0, room)} points for this customer today"
    return None
