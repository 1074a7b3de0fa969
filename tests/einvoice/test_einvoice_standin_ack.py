"""The stand-in IRP numbers acknowledgements per registration: each GSTIN its own
sequence, no two registrations ever sharing an Ack No."""

from __future__ import annotations

import datetime as dt

from einvoice_helpers import BUYER_KA, BUYER_MH, SELLER, Clock, config_for, sale, taxed

from einvoice.builder import build
from einvoice.client import IrpClient
from loyalty_gst.standins.irp import Account, StandinIrp
from loyalty_gst.standins.irp_numbers import ack_block, ack_number

SELLER_KA = {**SELLER, "gstin": "29AABCL4321K1ZH", "city": "Bengaluru", "pincode": "560001"}
WHEN = dt.datetime(2025, 11, 21, 12, 0)


def register(seller: dict[str, str], buyer: dict[str, str], numbers: list[str]) -> list[int]:
    irp = StandinIrp(Account(gstin=seller["gstin"]), sandbox=False, clock=Clock(WHEN))
    irp.url = irp.start()
    try:
        client = IrpClient(config_for(irp, irp.url))
        return [
            client.generate(build(taxed(sale(number=n, seller=seller, buyer=buyer)))).ack_no
            for n in numbers
        ]
    finally:
        irp.stop()


def test_each_registration_has_its_own_ack_sequence():
    mh = register(SELLER, BUYER_MH, ["INV/2025/0001", "INV/2025/0002"])
    ka = register(SELLER_KA, BUYER_KA, ["INV/2025/0001", "INV/2025/0002", "INV/2025/0003"])
    assert not set(mh) & set(ka)
    b_mh, b_ka = ack_block(SELLER["gstin"]), ack_block(SELLER_KA["gstin"])
    assert b_mh != b_ka
    # 1 · 25 · block · sequence from 1 in each registration
    assert mh == [int(f"125{b_mh:06d}00000{i}") for i in (1, 2)]
    assert ka == [int(f"125{b_ka:06d}00000{i}") for i in (1, 2, 3)]
    assert all(len(str(n)) == 15 for n in mh + ka)


def test_blocks_stay_apart_even_when_the_hash_meets():
    first = ack_block("27AAPFU0939F1ZV")
    assert ack_block("27AAPFU0939F1ZV") == first  # stable for a GSTIN
    # another GSTIN never gets a block already given out in this process
    others = [ack_block(f"27AABCL{n:04d}K1ZL") for n in range(200)]
    assert first not in others and len(set(others)) == len(others)
    assert ack_number("27AAPFU0939F1ZV", WHEN, 7) == int(f"125{first:06d}000007")
