"""The clock: now (UTC), stamps (fixed-width UTC ISO text), India Standard Time days.

Ledger times are UTC; a retail "day" (velocity limits, the offline cap, lookups) is the
IST calendar day (UTC+05:30, no daylight saving).

>>> stamp(dt.datetime(2025, 11, 21, 4, 0, tzinfo=dt.UTC))
'2025-11-21T04:00:00.000000Z'
>>> ist_day(dt.datetime(2025, 11, 21, 19, 0, tzinfo=dt.UTC))
datetime.date(2025, 11, 22)
>>> ist_midnight(dt.datetime(2025, 11, 21, 19, 0, tzinfo=dt.UTC)).isoformat()
'2025-11-22T00:00:00+05:30'
"""

from __future__ import annotations

import datetime as dt

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def now(at: dt.datetime | None = None) -> dt.datetime:
    """`at` when given (tests and replays pass their own), else the current UTC time."""
    return at or dt.datetime.now(dt.UTC)


def stamp(at: dt.datetime) -> str:
    """UTC time as fixed-width ISO text (sorts as text; the same on every database)."""
    utc = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ist_day(at: dt.datetime) -> dt.date:
    """The IST calendar day of a moment."""
    return at.astimezone(IST).date()


def ist_midnight(at: dt.datetime) -> dt.datetime:
    """The start (00:00 IST) of the IST day of a moment."""
    return at.astimezone(IST).replace(hour=0, minute=0, second=0, microsecond=0)
