"""The member's presence where Loyalty GST Settings require it (OTP or app code), and the
points "usable today" the desk shows (the daily limit less today's redemptions).

Run: CI=1 bench --site SITE run-tests --app loyalty_gst
"""

from __future__ import annotations

import datetime as dt
import json
import time
import unittest
from unittest import mock

try:
    import frappe
    from frappe.tests.utils import FrappeTestCase
except ImportError as exc:  # pytest / .ci/run: no bench here
    raise unittest.SkipTest(
        "needs a Frappe bench: CI=1 bench --site SITE run-tests --app loyalty_gst"
    ) from exc

import sqlalchemy as sa

from loyalty_gst import identity, service
from loyalty_gst.api import presence as proofs
from loyalty_gst.erpnext import desk, grants, presence
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.store import schema as s
from loyalty_gst.tests.erpnext import lgst_site as site

WORKED = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))


def account_id(mobile: str) -> int:
    with site_store().engine.connect() as conn:
        return identity.resolve(conn, phone=mobile).id


def app_code(mobile: str) -> str:
    key = proofs.signing_key(site_store())
    code, _ = proofs.app_code(key, account_id=account_id(mobile), phone=mobile, now=time.time())
    return code


class TestUsableToday(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def test_usable_today_subtracts_todays_redemptions(self) -> None:
        customer, mobile = site.member(1000)
        self.assertEqual(desk.usable_today(mobile, 1000, 500), 500)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        # 1000 − 300 + ⌊2700 × 4 / 100⌋ = 808 available; a daily limit of 500 less 300 used
        got = desk.member_balance(customer=customer)
        self.assertEqual((got["points"], got["usable_today"]), (808, 808))  # limit 20000
        self.assertEqual(desk.usable_today(mobile, 808, 500), 200)
        self.assertEqual(desk.usable_today(mobile, 808, 300), 0)
        # tomorrow (IST) the day's redemptions no longer count
        tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        self.assertEqual(desk.usable_today(mobile, 808, 500, now=tomorrow), 500)


class TestPresence(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()
        row = frappe.get_single("Loyalty GST Settings")
        row.require_presence = 1
        row.save()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # rolls the setting back; frappe's cached copy stays
        frappe.clear_document_cache("Loyalty GST Settings", "Loyalty GST Settings")

    def draft(self, points: int = 300) -> tuple[object, str, str]:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=points)
        si.insert()
        return si, customer, mobile

    def test_submit_without_a_check_is_refused_and_nothing_moves(self) -> None:
        si, customer, mobile = self.draft()
        self.assertTrue(desk.member_balance(customer=customer)["presence_required"])
        with self.assertRaises(frappe.ValidationError) as caught:
            si.submit()
        self.assertIn("needs the member's OTP or app code", str(caught.exception))
        self.assertEqual(service.lookup(site_store(), mobile).available, 1000)
        si.reload()
        self.assertEqual(si.docstatus, 0)

    def test_no_points_no_check(self) -> None:
        si, _, _ = self.draft(points=0)
        si.submit()
        self.assertEqual(si.docstatus, 1)

    def test_app_code_grant_is_spent_once(self) -> None:
        si, customer, mobile = self.draft()
        got = presence.check(customer=customer, app_code=app_code(mobile))
        self.assertEqual(got["how"], "app code")
        si.lgst_presence = got["grant"]
        si.submit()
        # 1000 − 300 + 108 earned; the invoice keeps how, never the grant
        self.assertEqual(service.lookup(site_store(), mobile).available, 808)
        self.assertEqual(si.lgst_presence, "app code checked by Administrator")
        again = site.sales_invoice(customer, site.lines(*WORKED), points=100)
        again.insert()
        again.lgst_presence = got["grant"]
        with self.assertRaises(frappe.ValidationError) as caught:
            again.submit()
        self.assertIn("spent on another invoice", str(caught.exception))

    def test_app_code_is_single_use(self) -> None:
        _, customer, mobile = self.draft()
        code = app_code(mobile)
        presence.check(customer=customer, app_code=code)
        with self.assertRaises(frappe.ValidationError) as caught:
            presence.check(customer=customer, app_code=code)
        self.assertIn("already used", str(caught.exception))

    def test_another_members_grant_is_refused(self) -> None:
        si, _, _ = self.draft()
        other, other_mobile = site.member(50)
        grant = presence.check(customer=other, app_code=app_code(other_mobile))["grant"]
        si.lgst_presence = grant
        with self.assertRaises(frappe.ValidationError) as caught:
            si.submit()
        self.assertIn("not this invoice's member", str(caught.exception))

    def test_another_desks_grant_is_refused(self) -> None:
        si, _, mobile = self.draft()
        # a grant another desk user was given for this very member
        grant = "g" * 32
        held = {"account_id": account_id(mobile), "user": "cashier2@example.invalid", "how": "OTP"}
        frappe.cache.set_value(grants._key(grant), json.dumps(held), expires_in_sec=60)
        si.lgst_presence = grant
        with self.assertRaises(frappe.ValidationError) as caught:
            si.submit()
        self.assertIn("checked at another desk", str(caught.exception))

    def test_made_up_grant_is_refused(self) -> None:
        si, _, _ = self.draft()
        si.lgst_presence = "not-a-grant"
        with self.assertRaises(frappe.ValidationError) as caught:
            si.submit()
        self.assertIn("needs the member's OTP or app code", str(caught.exception))

    def test_otp_right_code_gives_a_grant(self) -> None:
        si, customer, mobile = self.draft()
        challenge, code, _ = proofs.new_otp(
            site_store(), account_id=account_id(mobile), phone=mobile, now=dt.datetime.now(dt.UTC)
        )
        got = presence.check(customer=customer, challenge_id=challenge, otp=code)
        self.assertEqual(got["how"], "OTP")
        si.lgst_presence = got["grant"]
        si.submit()
        self.assertEqual(si.lgst_presence, "OTP checked by Administrator")

    def test_otp_wrong_code_counts_an_attempt_that_outlives_the_request(self) -> None:
        _, customer, mobile = self.draft()
        challenge, code, _ = proofs.new_otp(
            site_store(), account_id=account_id(mobile), phone=mobile, now=dt.datetime.now(dt.UTC)
        )
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        kept = mock.patch.object(frappe.db, "commit")  # keep the test's rollback
        with kept as commit, self.assertRaises(frappe.ValidationError) as caught:
            presence.check(customer=customer, challenge_id=challenge, otp=wrong)
        self.assertIn("wrong OTP", str(caught.exception))
        commit.assert_called_once()  # the attempt is committed before the request fails
        with site_store().engine.connect() as conn:
            attempts = conn.scalar(sa.select(s.otps.c.attempts).where(s.otps.c.id == challenge))
        self.assertEqual(attempts, 1)

    def test_otp_send_without_a_sender_says_use_the_app_code(self) -> None:
        _, customer, _ = self.draft()
        no_sender = mock.patch.dict("os.environ", {"LOYALTY_GST_WHATSAPP_URL": ""})
        with no_sender, self.assertRaises(frappe.ValidationError) as caught:
            presence.send_otp(customer=customer)
        self.assertIn("use the app's code", str(caught.exception))

    def test_otp_junk_is_refused_with_the_rule(self) -> None:
        _, customer, _ = self.draft()
        with self.assertRaises(frappe.ValidationError) as caught:
            presence.check(customer=customer, challenge_id="abc", otp="12ab56")
        self.assertIn("6-digit OTP", str(caught.exception))
