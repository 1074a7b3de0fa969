"""GET /v1/reports/register over a real server on loopback: admin only, the same figures
as the CLI (the hand-worked month), JSON or the files."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests

from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.store import Store


@pytest.fixture(scope="module")
def server(month_store: Store) -> Iterator[tuple[ServerProcess, str, str]]:
    admin = tokens.issue(month_store, kind="admin").token
    till = tokens.issue(month_store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    srv = ServerProcess.start(month_store.engine.url.render_as_string(hide_password=False))
    try:
        yield srv, admin, till
    finally:
        srv.stop()


def get(srv: ServerProcess, token: str | None, query: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{srv.base}/v1/reports/register?{query}", headers=headers, timeout=30)


def test_admin_only(server: tuple[ServerProcess, str, str]) -> None:
    srv, _admin, till = server
    assert get(srv, None, "period=112025").status_code == 401
    assert get(srv, till, "period=112025").status_code == 403


def test_json_figures(server: tuple[ServerProcess, str, str]) -> None:
    srv, admin, _ = server
    res = get(srv, admin, "period=112025&gstin=27AABCL4321K1ZL")
    assert res.status_code == 200, res.text
    body = res.json(parse_float=Decimal)
    assert body["documents"] == 4
    assert [r["number"] for r in body["rows"]] == ["MB/2511/0001", "MB/2511/0002",
                                                    "MB/2511/0003", "CN/2511/0001"]  # fmt: skip
    # the same totals as the CLI's, by hand in test_register: 2,700 + 400 + 200 − 900
    assert body["totals"]["taxable_after"] == "2400.00"
    assert body["totals"]["gst_foregone"] == "41.00" and body["totals"]["points"] == 1200
    assert body["rows"][3]["against"] == "MB/2511/0001"
    assert body["by"]["rate"]["18"]["loyalty_discount"] == "200.00"


def test_files_and_bad_input(server: tuple[ServerProcess, str, str]) -> None:
    srv, admin, _ = server
    csv = get(srv, admin, "from=2025-11-01&to=2025-11-30&format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[5].startswith("TOTAL,")
    pdf = get(srv, admin, "period=112025&format=pdf")
    assert pdf.content[:5] == b"%PDF-"
    assert get(srv, admin, "period=112025&from=2025-11-01").status_code == 422
    assert get(srv, admin, "format=csv").status_code == 422
    assert get(srv, admin, "period=112025&format=txt").status_code == 422


def test_analytics_chart_png(server: tuple[ServerProcess, str, str]) -> None:
    srv, admin, till = server
    url = f"{srv.base}/v1/reports/analytics/points.png?period=112025"
    res = requests.get(url, headers={"Authorization": f"Bearer {admin}"}, timeout=60)
    assert res.status_code == 200 and res.headers["content-type"] == "image/png"
    assert res.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        requests.get(url, headers={"Authorization": f"Bearer {till}"}, timeout=30).status_code
        == 403
    )
    bad = f"{srv.base}/v1/reports/analytics/pie.png?period=112025"
    assert (
        requests.get(bad, headers={"Authorization": f"Bearer {admin}"}, timeout=30).status_code
        == 422
    )
