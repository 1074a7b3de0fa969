"""The earlier figures, kept: 200 concurrent redemptions on one member → no overdraft;
one key ×10 → one posting; a sync batch replayed ×7 → no extra posting; a hostile
10,000,000-point sync event → refused (benchmarks/attack_figures.py prints them)."""

from __future__ import annotations

import sys
from pathlib import Path

from channel_helpers import Api

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from attack_figures import figures


def test_the_ledger_holds_under_200_concurrent_redemptions(api: Api) -> None:
    got = figures(api.base, api.store, api.t1, 200)
    # opening 1000; 100 points a sale: at most 10 succeed (balance), and the program's
    # 10 redemptions an hour allow no more either
    assert 0 < got["outcomes"].get("ok", 0) <= 10, got
    assert got["balance_after"] >= 0 and got["overdraft"] == 0, got
    assert got["points_redeemed"] <= 1000
    assert (got["same_key_x10_postings"], got["same_key_x10_replayed"]) == (1, 9)
    assert got["sync_x7_new_invoices"] == 5  # the batch once, never again
    assert got["sync_x7_statuses"] == {"applied": 5, "replayed": 30, "rejected": 7}
    assert got["drain_balance_change"] == 0 and got["verify_problems"] == 0
