"""Signed checkpoints of every account's chain head, for an auditor to keep outside the
database: someone able to rewrite the database can recompute every hash of a chain, but
cannot sign a checkpoint, so a head that no longer matches a signed one shows

- a chain rewritten and re-hashed (the entry at the checkpoint's seq has another hash),
- a chain truncated, the head rolled back (the checkpoint's seq is gone), and
- an account deleted (its id is gone).

A checkpoint is one JSON line: {"at", "accounts": [[id, seq, head hash], …], "key"
(the Ed25519 public key, base64), "signature" (over the canonical JSON of at and
accounts)}. `check` compares one with the chains as they are now; problems as data.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from loyalty_gst.errors import Problem
from loyalty_gst.ledger.chain import canonical

Head = tuple[int, int, str]  # account id, seq, hash of that entry


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def public_b64(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def _signed_part(at: str, accounts: Sequence[Sequence[object]]) -> bytes:
    return canonical({"at": at, "accounts": [list(h) for h in accounts]}).encode()


def make(key: Ed25519PrivateKey, heads: Iterable[Head], *, at: str) -> dict[str, Any]:
    """A signed checkpoint of `heads` (sorted by account id)."""
    accounts = [[i, seq, h] for i, seq, h in sorted(heads)]
    return {
        "at": at,
        "accounts": accounts,
        "key": public_b64(key.public_key()),
        "signature": _b64(key.sign(_signed_part(at, accounts))),
    }


def read(lines: Iterable[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.strip()]


def check(
    cp: dict[str, Any],
    *,
    trusted_key: str | None,
    exists: Callable[[int], bool],
    hash_at: Callable[[int, int], str | None],
) -> list[Problem]:
    """Problems of the chains now against one checkpoint. `trusted_key` (base64): the
    public key the auditor trusts (None: the checkpoint's own, which proves only that
    the file is consistent); `hash_at(id, seq)`: the hash of that entry now, or None."""
    at = str(cp.get("at"))
    where = f"checkpoint {at}"
    key_text = trusted_key or str(cp.get("key", ""))
    if trusted_key and cp.get("key") != trusted_key:
        return [Problem(where, cp.get("key"), "signed with another key", "checkpoint_key")]
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text))
        public.verify(base64.b64decode(str(cp["signature"])), _signed_part(at, cp["accounts"]))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return [Problem(where, at, "the signature does not verify", "checkpoint_signature")]
    problems: list[Problem] = []
    for account_id, seq, head in cp["accounts"]:
        name = f"account {account_id}"
        if not exists(account_id):
            rule = f"{where} has it at entry {seq}; it is gone"
            problems.append(Problem(name, account_id, rule, "deleted_account"))
            continue
        now = hash_at(account_id, seq)
        if now is None:
            rule = f"{where} has entry {seq}; the chain now ends before it"
            problems.append(Problem(name, seq, rule, "truncated"))
        elif now != head:
            rule = f"entry {seq} hashes to {now[:12]}…, {where} signed {head[:12]}…"
            problems.append(Problem(name, seq, rule, "rewritten"))
    return problems
