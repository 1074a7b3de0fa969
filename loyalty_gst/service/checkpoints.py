"""Ledger checkpoints: every account's chain head, signed with a key kept outside the
database (keyfiles), appended to a file the auditor keeps; and the check of the chains
against such a file (ledger.checkpoint)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from loyalty_gst.errors import Problem
from loyalty_gst.ledger import checkpoint as cpt
from loyalty_gst.ledger.postings import stamp
from loyalty_gst.store import Store
from loyalty_gst.store import schema as s


def heads(store: Store) -> list[cpt.Head]:
    a = s.accounts
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.seq, a.c.head).where(a.c.seq > 0)).all()
    return [(int(r.id), int(r.seq), str(r.head)) for r in rows]


def write(
    store: Store, key: Ed25519PrivateKey, out: Path, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Sign every chain head now and append the checkpoint to `out` (one JSON line)."""
    at = stamp(now or dt.datetime.now(dt.UTC))
    cp = cpt.make(key, heads(store), at=at)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as f:
        f.write(cpt.canonical(cp) + "\n")
    return cp


def verify(store: Store, lines: Iterable[str], *, trusted_key: str | None = None) -> list[Problem]:
    """Problems of the chains against every checkpoint of the file (all of them: an
    insider may have rolled back past the last one only)."""
    cps = cpt.read(lines)
    if not cps:
        return [Problem("checkpoints", 0, "the file holds no checkpoint", "checkpoint_empty")]
    wanted = {(int(i), int(seq)) for cp in cps for i, seq, _ in cp.get("accounts", [])}
    e, a = s.entries, s.accounts
    with store.engine.connect() as conn:
        live = set(conn.scalars(sa.select(a.c.id)))
        hashes: dict[tuple[int, int], str] = {}
        for row in conn.execute(sa.select(e.c.account_id, e.c.seq, e.c.hash)):
            k = (int(row.account_id), int(row.seq))
            if k in wanted:
                hashes[k] = str(row.hash)
    problems: list[Problem] = []
    seen: set[tuple[str, object, str]] = set()
    for cp in cps:
        for p in cpt.check(
            cp,
            trusted_key=trusted_key,
            exists=lambda i: i in live,
            hash_at=lambda i, seq: hashes.get((i, seq)),
        ):
            if (p.field, p.value, str(p.code)) not in seen:  # one line per fault
                seen.add((p.field, p.value, str(p.code)))
                problems.append(p)
    return problems
