"""Did Tally keep what we pushed? Compare pushed vouchers with the ones read back.

Tally may renumber a voucher (its voucher type numbers automatically), drop one (a
batch error), or store other amounts (a ledger it created with other GST settings).
Vouchers are matched by their stable REMOTEID; for each we compare number, date,
voucher type and the party amount. Counts and Σ party amounts are compared too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from loyalty_gst.money import ZERO, format_inr
from tally_export.replies import StoredVoucher
from tally_export.vouchers import Voucher


@dataclass(frozen=True)
class Pushed:
    """What we sent, reduced to what the read-back compares."""

    remote_id: str
    vchtype: str
    number: str
    date: dt.date
    party_amount: Decimal

    @classmethod
    def of(cls, v: Voucher) -> Pushed:
        return cls(v.remote_id, v.vchtype, v.number, v.date, v.party_amount)


@dataclass
class ReadBack:
    expected: int = 0
    found: int = 0
    matched: int = 0
    expected_amount: Decimal = ZERO
    found_amount: Decimal = ZERO
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # id, ours, Tally's
    dropped: list[tuple[str, str]] = field(default_factory=list)  # id, our number
    # id, what, ours, Tally's
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)
    unexpected: int = 0  # vouchers in the range that we did not push

    @property
    def clean(self) -> bool:
        return not (self.renumbered or self.dropped or self.changed)

    def summary(self) -> str:
        return (
            f"read back {self.found} of {self.expected} vouchers "
            f"({format_inr(self.found_amount)} of {format_inr(self.expected_amount)}): "
            f"{len(self.renumbered)} renumbered, {len(self.dropped)} dropped, "
            f"{len(self.changed)} changed, {self.unexpected} not ours"
        )


def compare(pushed: Iterable[Pushed], stored: Iterable[StoredVoucher]) -> ReadBack:
    by_id: dict[str, StoredVoucher] = {}
    rb = ReadBack()
    for sv in stored:
        if sv.remote_id:
            by_id[sv.remote_id] = sv
        else:
            rb.unexpected += 1
    seen: set[str] = set()
    for p in pushed:
        rb.expected += 1
        rb.expected_amount += abs(p.party_amount)
        sv = by_id.get(p.remote_id)
        if sv is None:
            rb.dropped.append((p.remote_id, p.number))
            continue
        seen.add(p.remote_id)
        rb.found += 1
        rb.found_amount += abs(sv.party_amount)
        ok = True
        if sv.number != p.number:
            rb.renumbered.append((p.remote_id, p.number, sv.number))
            ok = False
        for what, ours, theirs in (
            ("date", f"{p.date:%Y%m%d}", f"{sv.date:%Y%m%d}" if sv.date else ""),
            ("type", p.vchtype, sv.vchtype),
            ("party amount", f"{p.party_amount:.2f}", f"{sv.party_amount:.2f}"),
        ):
            if ours != theirs:
                rb.changed.append((p.remote_id, what, ours, theirs))
                ok = False
        rb.matched += ok
    rb.unexpected += sum(1 for rid in by_id if rid not in seen)
    return rb
