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

from loyalty_gst.errors import InvalidInput, Problem
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


def _well_formed(cp: object) -> bool:
    if not isinstance(cp, dict):
        return False
    heads = cp.get("accounts")
    return (
        all(isinstance(cp.get(k), str) for k in ("at", "key", "signature"))
        and isinstance(heads, list)
        and all(
            isinstance(h, list) and len(h) == 3 and all(type(x) is int for x in h[:2])
            and isinstance(h[2], str)
            for h in heads
        )
    )  # fmt: skip


def read(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The checkpoints of a file, one JSON object a line; a line that is not one is bad
    input naming its 1-based number (a broken file proves nothing either way)."""
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cp = json.loads(line)
        except ValueError:
            cp = None
        if _well_formed(cp):
            out.append(cp)
        else:
            problems.append(
                Problem(f"--checkpoints line {n}", line.strip()[:40],
                        "a checkpoint: JSON with at, accounts [[id, seq, hash]], key, signature")
            )  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    return out


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


def check_public_key(text: str) -> None:
    """The auditor's trusted key must be an Ed25519 public key: 32 bytes in base64."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error is a ValueError
        raw = b""
    if len(raw) != 32:
        raise InvalidInput.one("--public-key", text, "an Ed25519 public key: 32 bytes in base64")
