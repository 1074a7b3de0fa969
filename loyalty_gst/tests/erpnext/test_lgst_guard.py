"""No discount without its points, on a real site: every path that could give a loyalty
discount without the matching ledger debit is refused with the reason, and the invariant
Σ loyalty discount of submitted invoices = Σ points the ledger debited × point value holds.

Run: CI=1 bench --site SITE run-tests --app loyalty_gst
"""

from __future__ import annotations

import json
import socket
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
from erpnext.controllers.sales_and_purchase_return import make_return_doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_gst import service
from loyalty_gst.erpnext import invoice as hooks
from loyalty_gst.erpnext.store_bridge import SiteStore, site_store
from loyalty_gst.tests.erpnext import lgst_site as site

WORKED = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))


def available(mobile: str) -> int:
    return service.lookup(site_store(), mobile).available


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestNoDiscountWithoutPoints(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def refused(self, doc: object, *words: str, submit: bool = False) -> str:
        with self.assertRaises(frappe.ValidationError) as caught:
            doc.submit() if submit else doc.insert()  # type: ignore[attr-defined]
        text = str(caught.exception)
        for w in words:
            self.assertIn(w, text)
        return text

    def test_company_without_gstin(self) -> None:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()  # drafted while the company had its GSTIN
        frappe.db.set_value("Company", site.COMPANY, "tax_id", "")
        try:
            fresh = site.sales_invoice(customer, site.lines(*WORKED), points=300)
            self.refused(fresh, "has no GSTIN")
            self.refused(si, "has no GSTIN", submit=True)
        finally:
            frappe.db.set_value("Company", site.COMPANY, "tax_id", site.GSTIN)
        self.assertEqual(available(mobile), 1000)

    def test_member_without_mobile(self) -> None:
        customer = frappe.get_doc(
            {
                "doctype": "Customer",
                "customer_name": "_LGST No Mobile",
                "customer_type": "Individual",
            }
        ).insert()
        si = site.sales_invoice(customer.name, site.lines(*WORKED), points=300)
        self.refused(si, "has no mobile number")

    def test_program_disabled_or_missing(self) -> None:
        customer, mobile = site.member(1000)
        frappe.db.set_single_value("Loyalty GST Settings", "disabled", 1)
        try:
            si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
            self.refused(si, "the loyalty program is disabled")
        finally:
            frappe.db.set_single_value("Loyalty GST Settings", "disabled", 0)
        later = dict(site.PROGRAM, effective="2099-04-01")
        frappe.db.set_single_value("Loyalty GST Settings", "program", json.dumps(later))
        try:
            si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
            self.refused(si, "no loyalty program in force")
        finally:
            frappe.db.set_single_value("Loyalty GST Settings", "program", json.dumps(site.PROGRAM))
        self.assertEqual(available(mobile), 1000)

    def test_ledger_unreachable(self) -> None:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        dead = SiteStore(sa.create_engine(f"mysql+pymysql://x@127.0.0.1:{closed_port()}/x"))
        with mock.patch.object(hooks, "site_store", lambda: dead):
            fresh = site.sales_invoice(customer, site.lines(*WORKED), points=300)
            self.refused(fresh, "the loyalty ledger cannot be reached")
            self.refused(si, "the loyalty ledger cannot be reached", submit=True)
        self.assertEqual(available(mobile), 1000)

    def test_amend_after_cancel_debits_again(self) -> None:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        si.reload()
        si.cancel()
        self.assertEqual(available(mobile), 1000)  # 808 + 300 restored − 108 reversed
        amended = frappe.copy_doc(si)
        amended.docstatus = 0
        amended.amended_from = si.name
        amended.insert()
        self.assertEqual((amended.lgst_points_redeemed, amended.lgst_loyalty_amount), (300, 300.0))
        amended.submit()
        # the amendment is a new invoice: 1000 − 300 + 108 = 808, debited once more
        self.assertEqual(available(mobile), 808)

    def test_return_of_a_return_is_refused(self) -> None:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        ret = make_return_doc("Sales Invoice", si.name)
        ret.insert()
        ret.submit()
        self.assertEqual(available(mobile), 1000)  # all back: 808 + 300 − 108
        with self.assertRaises(frappe.ValidationError):
            again = make_return_doc("Sales Invoice", ret.name)
            again.insert()
            again.submit()
        self.assertEqual(available(mobile), 1000)

    def test_zero_rupee_redemption_blocks_submit_with_the_reason(self) -> None:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(("_LGST-GOLD", 1, 5000, 5)), points=300)
        si.insert()  # saved as a draft with one orange note
        self.assertEqual(si.lgst_loyalty_amount, 0.0)
        self.refused(si, "every item is excluded", "_LGST-GOLD", submit=True)
        self.assertEqual(available(mobile), 1000)

    def test_points_must_be_whole(self) -> None:
        customer, _ = site.member(1000)
        for typed, words in (("150.5", "has a fraction"), ("abc", "is not a number")):
            si = site.sales_invoice(customer, site.lines(*WORKED))
            si.lgst_points_to_redeem = typed
            self.refused(si, "whole number of points", words)

    @settings(
        max_examples=6, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )  # fmt: skip
    @given(
        st.lists(
            st.tuples(st.integers(0, 1400), st.integers(1, 3), st.sampled_from([5, 18])),
            min_size=1, max_size=3,
        )
    )  # fmt: skip
    def test_invariant_discount_equals_points_debited(self, bills: list) -> None:
        """Σ loyalty discount of the member's submitted invoices = (opening + earned −
        balance) × ₹1, whatever was asked, capped or refused."""
        customer, mobile = site.member(1000)
        opening = available(mobile)
        given_total = 0.0
        earned = 0
        for points, qty, rate in bills:
            code = "_LGST-SHIRT" if rate == 5 else "_LGST-BELT"
            si = site.sales_invoice(customer, site.lines((code, qty, 700, rate)), points=points)
            try:
                si.insert()
                si.submit()
            except frappe.ValidationError:
                frappe.clear_messages()
                continue
            si.reload()
            given_total += si.lgst_loyalty_amount
            earned += si.lgst_points_earned
        debited = opening + earned - available(mobile)
        self.assertEqual(round(given_total, 2), debited * 1.0)
