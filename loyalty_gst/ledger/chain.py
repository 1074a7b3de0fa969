"""Tamper evidence: each account's entries form a hash chain.

hash = sha256(canonical JSON of the entry's content ‖ previous hash), the first entry
chained to GENESIS. The content is account, kind, key, points, time and body (not the
sequence number, so a reordering shows as a broken link rather than as an alteration).
The account row keeps the sequence number and hash of its last entry (the head), so an
entry removed from the end is noticed too. `verify` returns problems as data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from loyalty_gst.errors import Problem
from loyalty_gst.ledger.bodies import Body

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same content always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Entry:
    account_id: int
    seq: int
    kind: str
    key: str
    points: int  # signed change to the balance
    at: str  # UTC, ISO 8601 with microseconds and Z
    body: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    @property
    def details(self) -> Body:
        """The body as typed values (`ledger.bodies`)."""
        return Body.of(self.kind, self.body)

    def content(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "kind": self.kind,
            "key": self.key,
            "points": self.points,
            "at": self.at,
            "body": self.body,
        }


def entry_hash(content: dict[str, Any], prev: str) -> str:
    return hashlib.sha256((canonical(content) + prev).encode("utf-8")).hexdigest()


def verify(
    entries: Sequence[Entry], *, head_seq: int, head_hash: str, balance: int | None = None
) -> list[Problem]:
    """Every altered, removed or reordered entry of one account (entries ordered by seq)."""
    problems: list[Problem] = []
    hashes = {e.hash: e.seq for e in entries}
    prev = GENESIS
    expected_seq = 1
    for e in entries:
        where = f"account {e.account_id} entry {e.seq}"
        if entry_hash(e.content(), e.prev_hash) != e.hash:
            problems.append(Problem(where, e.key, "content does not match its hash", "altered"))
        if e.seq != expected_seq:
            problems.append(
                Problem(where, e.seq, f"entries {expected_seq}..{e.seq - 1} are missing", "removed")
            )
        elif e.prev_hash != prev:
            if e.prev_hash in hashes and hashes[e.prev_hash] != e.seq - 1:
                rule = f"chained after entry {hashes[e.prev_hash]}, not after {e.seq - 1}"
                problems.append(Problem(where, e.key, rule, "reordered"))
            else:
                problems.append(
                    Problem(where, e.key, "previous entry is not the one it chained to", "removed")
                )
        prev = e.hash
        expected_seq = e.seq + 1
    last_seq = entries[-1].seq if entries else 0
    if last_seq < head_seq:
        problems.append(
            Problem(
                f"account {entries[0].account_id if entries else '?'}",
                last_seq,
                f"entries {last_seq + 1}..{head_seq} after the last one are missing",
                "removed",
            )
        )
    elif prev != head_hash:
        problems.append(Problem("account head", head_hash, "head hash does not match", "altered"))
    if balance is not None:
        total = sum(e.points for e in entries)
        if total != balance:
            problems.append(
                Problem("account balance", balance, f"entries add up to {total}", "balance")
            )
    return problems
