"""The till ↔ server event protocol: what a POS terminal did, in its order, and what the
server made of each event. The till writes `Event`s to its outbox and pushes them to
`/v1/sync`; the server (`service.offline.apply_event`) answers an `EventResult` each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loyalty_gst.models import Money, ReturnLine, Sale, SaleDate

Status = Literal["applied", "replayed", "rejected", "voided", "abandoned"]


class Event(BaseModel):
    """One thing a terminal did, in its order (`seq`); `event_id` = "<terminal>:<seq>"."""

    model_config = ConfigDict(frozen=True)

    event_id: str = Field(min_length=3, max_length=120, pattern=r"^[A-Za-z0-9:/_.-]+$")
    seq: int = Field(ge=1, le=2**31 - 1)
    kind: Literal["sale", "return", "abandon"]
    created_at: dt.datetime
    offline: bool = True
    sale: Sale | None = None  # sale (and abandon): the sale as the terminal priced it
    points: int = Field(default=0, ge=0, le=10_000_000)
    grand_total: Money | None = None  # what the receipt printed
    presence_code: str | None = Field(default=None, max_length=512)  # the app code shown
    invoice_number: str | None = Field(default=None, max_length=32)  # return: the original
    number: str | None = Field(default=None, max_length=32)  # return: the credit note's number
    date: SaleDate | None = None
    lines: tuple[ReturnLine, ...] | None = None


class EventResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    status: Status
    code: str | None = None  # the problem's stable code when rejected
    detail: str | None = None
    account_id: int | None = None
    balance: int | None = None
    overdraft: int = 0
    points_redeemed: int = 0
    points_earned: int = 0
    flags: tuple[str, ...] = ()


# checks an offline sale's proof of presence inside its transaction (connection, event,
# account id); given by the API, which holds the presence key
PresenceCheck = Callable[[Any, Event, int], None]

__all__ = ["Event", "EventResult", "PresenceCheck", "Status"]
