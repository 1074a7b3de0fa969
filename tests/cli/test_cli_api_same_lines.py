"""The CLI and the API read a sale the same way and say the same thing about it: the API's
problem+json carries the CLI's lines (paths inside the request body), JSON floats are
refused by both with the same rule, and a point value other than the program's is a 409
naming both values."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.cli import main
from loyalty_gst.demo import company as demo_company
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parents[1] / "channels"))
from channel_helpers import PHONES, seed, worked_sale


class Server:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def post(self, path: str, body: object) -> requests.Response:
        return requests.post(self.base + path, json=body, timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"})  # fmt: skip


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = create_temp_database("sqlite", prefix="lgst_lines")
    store = open_store(url)
    demo_company.set_up(store)
    seed(store, PHONES)
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    server = ServerProcess.start(url, log_path=tmp_path_factory.mktemp("api") / "server.log")
    try:
        yield Server(server.base, till)
    finally:
        server.stop()
        store.dispose()
        drop_database(url)


def cli_lines(sale: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "sale.json"
    path.write_text(json.dumps(sale), encoding="utf-8")
    r = CliRunner().invoke(main, ["invoice", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    return [ln.removeprefix("  - ") for ln in r.stderr.splitlines()[1:]]


def rule_of(line: str) -> str:
    """`where: rule (got value)` → `rule` (a path differs: the API's is inside `sale`)."""
    return line.split(": ", 1)[1].rsplit(" (got ", 1)[0]


def test_floats_are_refused_by_both_with_the_same_rule(api: Server, tmp_path: Path) -> None:
    sale = worked_sale("MUMBAN/F/1")
    sale["lines"][0]["unit_price"] = 1000.5
    cli = cli_lines(sale, tmp_path)
    r = api.post("/v1/quote", {"sale": sale})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    lines = r.json()["lines"]
    rule = "amounts must be given as strings or integers, never floats"
    assert cli == [f"lines.0.unit_price: {rule} (got 1000.5)"]
    assert lines == [f"sale.lines.0.unit_price: {rule} (got 1000.5)"]


def test_every_problem_at_once_with_the_same_rules(api: Server, tmp_path: Path) -> None:
    sale = worked_sale("0BAD NUMBER THAT IS FAR TOO LONG")
    sale["lines"][0].update(hsn="61", unit="PIECES", qty="0")
    sale["lines"][1]["gst_rate"] = "13"
    cli = cli_lines(sale, tmp_path)
    r = api.post("/v1/quote", {"sale": sale})
    assert r.status_code == 422
    lines = r.json()["lines"]
    assert len(cli) == len(lines) == 5  # number, hsn, qty, unit, rate: all five, not two
    assert sorted(map(rule_of, cli)) == sorted(map(rule_of, lines))
    assert "[2151] number: document number: at most 16 characters" in cli[0]


def test_a_point_value_other_than_the_programs_is_409(api: Server) -> None:
    sale = worked_sale("MUMBAN/PV/1")
    sale["loyalty"] = {"points": 100, "point_value": "1"}
    r = api.post("/v1/quote", {"sale": sale, "points": 100})
    body = r.json()
    assert r.status_code == 409 and body["code"] == "point_value_mismatch"
    assert "₹1 a point" in body["detail"] and "₹0.25" in body["detail"]
    assert body["lines"] == [body["detail"]]
    # the program's own value is accepted (then presence is asked for, as always)
    sale["loyalty"]["point_value"] = "0.25"
    r = api.post("/v1/quote", {"sale": sale, "points": 100})
    assert r.status_code == 403 and r.json()["code"] == "presence_required"


def test_shape_and_rules_reported_together(api: Server, tmp_path: Path) -> None:
    # 5 problems: two of shape (qty a float, a line without its unit price) and three rules
    sale = worked_sale("0BAD")
    sale["lines"][0].update(qty=2.5, hsn="61")
    del sale["lines"][1]["unit_price"]
    sale["lines"][1]["unit"] = "PIECES"
    cli = cli_lines(sale, tmp_path)
    r = api.post("/v1/quote", {"sale": sale})
    assert r.status_code == 422
    assert [ln.split(":")[0] for ln in cli] == [
        "lines.0.qty", "lines.1.unit_price", "[2151] number", "lines.0.hsn", "lines.1.unit"
    ]  # fmt: skip
    assert sorted(map(rule_of, cli)) == sorted(map(rule_of, r.json()["lines"]))
