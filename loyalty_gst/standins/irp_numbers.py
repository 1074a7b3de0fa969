"""The numbers a stand-in IRP hands out: IRNs as NIC makes them, and Ack Nos that never
repeat across registrations (each GSTIN counts in its own block)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading


def financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def irn_of(gstin: str, typ: str, number: str, day: dt.date) -> str:
    """SHA-256 of supplier GSTIN, financial year, document type and number (NIC's recipe)."""
    key = f"{gstin.upper()}{financial_year(day)}{typ.upper()}{number.upper()}"
    return hashlib.sha256(key.encode()).hexdigest()


ACK_SEQ_DIGITS = 6
_BLOCKS: dict[str, int] = {}  # GSTIN -> its Ack No block, for every stand-in of the process
_BLOCKS_LOCK = threading.Lock()


def ack_block(gstin: str) -> int:
    """Six digits that stand for the registration in its Ack Nos: from the GSTIN's SHA-256,
    moved on to the next free block should another GSTIN of this process hold it."""
    gstin = gstin.upper()
    with _BLOCKS_LOCK:
        if gstin not in _BLOCKS:
            taken = set(_BLOCKS.values())
            block = int.from_bytes(hashlib.sha256(gstin.encode()).digest()[:8]) % 10**6
            while block in taken:
                block = (block + 1) % 10**6
            _BLOCKS[gstin] = block
        return _BLOCKS[gstin]


def ack_number(gstin: str, when: dt.datetime, n: int) -> int:
    """A 15-digit Ack No as the IRP writes them: '1', the year's last two digits, the
    registration's block (`ack_block`), then the registration's own sequence `n`.

    Each registration counts from 1 in its own block, so two registrations (one stand-in
    each, or one stand-in serving both) never hand out the same Ack No.

    >>> ack_number("27AABCL4321K1ZL", dt.datetime(2025, 11, 21), 1)
    125751983000001
    >>> ack_number("27AABCL4321K1ZL", dt.datetime(2025, 11, 21), 2)
    125751983000002
    """
    if not 1 <= n < 10**ACK_SEQ_DIGITS:
        raise ValueError(f"Ack No sequence {n} out of range")
    return int(f"1{when:%y}{ack_block(gstin):06d}{n:0{ACK_SEQ_DIGITS}d}")
