"""Held redemptions: above the program's approval threshold (5,000 points) the quote is
refused until the owner approves that invoice's redemption; a rejection keeps it refused;
the approved redemption commits."""

from __future__ import annotations

from web_helpers import FAR, Site

from loyalty_gst import service
from loyalty_gst.store import entries as ent

BIG = {"reject": "+918123456789", "approve": "+917012345678"}


def _otp(site: Site, phone: str) -> dict[str, str]:
    r = site.call(site.till, "POST", "/v1/presence/otp", {"mobile": phone})
    assert r.status_code == 200, r.text
    return {"challenge_id": r.json()["challenge_id"], "otp": str(site.wa.last_code(phone))}


def test_owner_approves_or_rejects_a_held_redemption(site: Site) -> None:
    admin = site.admin
    for verdict in ("reject", "approve"):
        phone = BIG[verdict]
        service.migrate_opening(site.store, phone=phone, lots=[(9000, FAR)], key=f"big:{verdict}")
        lines = [{"code": "6109-0003", "qty": "20"}]  # 20 × ₹1247 = ₹24,940
        sale = site.call(site.till, "POST", "/v1/desk/draft", {"lines": lines, "mobile": phone})
        sale = sale.json()
        body = {"sale": sale, "points": 6000, "presence": _otp(site, phone)}
        r = site.call(site.till, "POST", "/v1/quote", body)
        assert r.status_code == 409 and r.json()["code"] == "approval_required"
        ask = {"invoice_number": sale["number"], "mobile": phone, "points": 6000}
        held = site.call(site.till, "POST", "/v1/approvals", ask).json()
        assert held["status"] == "pending"
        queue = site.call(admin, "GET", "/v1/approvals?status=pending").json()
        assert [q["invoice_number"] for q in queue] == [sale["number"]]
        assert site.call(site.till, "GET", "/v1/approvals?status=pending").status_code == 403
        assert (
            site.call(site.till, "POST", f"/v1/approvals/{held['id']}/approve").status_code == 403
        )
        done = site.call(admin, "POST", f"/v1/approvals/{held['id']}/{verdict}").json()
        assert done["status"] == ("approved" if verdict == "approve" else "rejected")
        r = site.call(site.till, "POST", "/v1/quote", {**body, "presence": _otp(site, phone)})
        if verdict == "reject":
            assert r.status_code == 409 and r.json()["code"] == "approval_required"
            continue
        assert r.status_code == 200, r.text
        # 6000 points × ₹0.25 = ₹1,500 off the ₹24,940 (within the 50 % cap)
        assert r.json()["invoice"]["totals"]["loyalty_discount"] == "1500.00"
        c = site.call(
            site.till, "POST", "/v1/commit",
            {"sale": sale, "points": 6000, "key": "big-1", "hold_key": r.json()["hold_key"]},
        )  # fmt: skip
        assert c.status_code == 200, c.text
        with site.store.engine.connect() as conn:
            e = ent.find_entry(conn, f"redeem:{sale['seller']['gstin']}:{sale['number']}")
        assert e is not None and e.points == -6000
    assert site.call(admin, "GET", "/v1/approvals?status=pending").json() == []
