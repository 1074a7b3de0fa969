"""An entry's body as typed values. The body itself stays the JSON object the hash
chain covers (`postings` writes it; its bytes never change); `Body.of` is how the rest
of the code reads it — named fields with their types, no string keys.

Fields by kind: `lots` are the lots taken or given (lot id, points) by redeem, recover,
reverse_earn, restore_redeem, expire, adjust and merge out; `overdraft` the part of an
offline redemption no lot covered; `recovered` overdraft paid back (or cancelled) and
`forgiven` the part a return cancelled; `forfeited` / `forfeited_lots` what a restore
could not put back (expired lots); `shortfall` what a reversal could not take back;
`base` the earn base (earn, reverse_earn); `invoice` the document (seller:number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loyalty_gst.ledger.lots import Take

# kinds whose `lots` are (lot id, points) pairs; migrate and merge in list other shapes
_TAKES = {"redeem", "recover", "reverse_earn", "restore_redeem", "expire", "adjust"}


@dataclass(frozen=True)
class Body:
    invoice: str | None = None
    note: str | None = None
    lots: tuple[Take, ...] = ()
    overdraft: int = 0
    recovered: int = 0
    forgiven: int = 0
    forfeited: int = 0
    forfeited_lots: tuple[Take, ...] = ()
    shortfall: int = 0
    base: Decimal | None = None
    offline: bool = False
    over_cap: bool = False
    terminal: str | None = None
    event: str | None = None

    @classmethod
    def of(cls, kind: str, body: Mapping[str, Any]) -> Body:
        """The typed view of an entry of `kind` with this body."""
        takes = kind in _TAKES or (kind == "merge" and "into" in body)
        base = body.get("base")
        return cls(
            invoice=_text(body.get("invoice")),
            note=_text(body.get("note")),
            lots=_takes(body.get("lots")) if takes else (),
            overdraft=int(body.get("overdraft", 0)),
            recovered=int(body.get("recovered", 0)),
            forgiven=int(body.get("forgiven", 0)),
            forfeited=int(body.get("forfeited", 0)),
            forfeited_lots=_takes(body.get("forfeited_lots")),
            shortfall=int(body.get("shortfall", 0)),
            base=Decimal(str(base)) if base is not None else None,
            offline=bool(body.get("offline", False)),
            over_cap=bool(body.get("over_cap", False)),
            terminal=_text(body.get("terminal")),
            event=_text(body.get("event")),
        )


def _text(v: Any) -> str | None:
    return None if v is None else str(v)


def _takes(pairs: Any) -> tuple[Take, ...]:
    return tuple(Take(int(lot_id), int(n)) for lot_id, n in (pairs or ()))
