"""Points live in lots, each with its expiry date; redemptions consume first-expiring-first.

A lot expiring on day D is usable on days before D and expired from D on. Ties in
expiry go to the older lot (lower id), so consumption order is total and repeatable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from loyalty_gst.errors import InsufficientPoints


@dataclass(frozen=True)
class Lot:
    id: int
    remaining: int
    expires_on: dt.date
    earned_on: dt.date


@dataclass(frozen=True)
class Take:
    """`points` taken from (or given back to) lot `lot_id`."""

    lot_id: int
    points: int


def usable(lots: Iterable[Lot], on: dt.date) -> list[Lot]:
    """Lots with points left that have not expired on `on`, first-expiring first."""
    return sorted(
        (lt for lt in lots if lt.remaining > 0 and lt.expires_on > on),
        key=lambda lt: (lt.expires_on, lt.id),
    )


def available(lots: Iterable[Lot], on: dt.date, held: int = 0) -> int:
    """Points a redemption may use on `on`: unexpired points less those on hold."""
    return max(0, sum(lt.remaining for lt in usable(lots, on)) - held)


def take_fifo(lots: Iterable[Lot], points: int, on: dt.date, held: int = 0) -> tuple[Take, ...]:
    """Take `points` from the usable lots, earliest expiry first; refuse an overdraft."""
    have = available(lots, on, held)
    if points > have:
        raise InsufficientPoints(points, have)
    takes = []
    left = points
    for lt in usable(lots, on):
        if left == 0:
            break
        n = min(left, lt.remaining)
        takes.append(Take(lt.id, n))
        left -= n
    return tuple(takes)
