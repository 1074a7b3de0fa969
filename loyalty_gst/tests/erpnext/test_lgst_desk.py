"""The desk's whitelisted methods (balance on customer pick, quote before save), an
invoice by name for `bench … loyalty-gst einvoice SINV-…`, and POS closing keeping each
POS Invoice's loyalty entries and discount exactly once.

Run: CI=1 bench --site SITE run-tests --app loyalty_gst
"""

from __future__ import annotations

import json
import unittest
from pathlib import Path

try:
    import frappe
    from frappe.tests.utils import FrappeTestCase
except ImportError as exc:  # pytest / .ci/run: no bench here
    raise unittest.SkipTest(
        "needs a Frappe bench: CI=1 bench --site SITE run-tests --app loyalty_gst"
    ) from exc

from loyalty_gst import commands, service
from loyalty_gst.erpnext import desk
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.loyalty_gst.report.loyalty_discount_register import loyalty_discount_register
from loyalty_gst.tests.erpnext import lgst_site as site

WORKED = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))


def available(mobile: str) -> int:
    return service.lookup(site_store(), mobile).available


class TestDesk(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def test_balance_when_the_customer_is_picked(self) -> None:
        customer, mobile = site.member(1000)
        got = desk.member_balance(customer=customer)
        # ₹1 a point; the program's daily limit (20000) is above the balance
        self.assertEqual((got["points"], got["value"], got["usable_today"]), (1000, "1000", 1000))
        self.assertEqual(got["mobile"], "+91******" + mobile[-4:])
        nobody = frappe.get_doc(
            {"doctype": "Customer", "customer_name": "_LGST Walk In", "customer_type": "Individual"}
        ).insert()
        self.assertFalse(desk.member_balance(customer=nobody.name)["member"])

    def test_quote_recomputes_discount_and_totals_before_save(self) -> None:
        customer, mobile = site.member(1000)
        draft = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        q = desk.quote_invoice(json.dumps(draft.as_dict(), default=str))
        f = q["fields"]
        # the worked example: ₹300 off the net total → taxable 2700, tax 252, grand 2952
        self.assertEqual((f["lgst_points_redeemed"], f["lgst_loyalty_amount"]), (300, 300.0))
        self.assertEqual((f["discount_amount"], f["apply_discount_on"]), (300.0, "Net Total"))
        self.assertEqual((f["net_total"], f["grand_total"]), (2700.0, 2952.0))
        self.assertFalse(frappe.db.exists("Sales Invoice", {"customer": customer}))
        self.assertEqual(available(mobile), 1000)
        gold = site.sales_invoice(customer, site.lines(("_LGST-GOLD", 1, 5000, 5)), points=300)
        note = desk.quote_invoice(json.dumps(gold.as_dict(), default=str))["note"]
        self.assertIn("every item is excluded from redemption (_LGST-GOLD)", note)

    def test_quote_without_a_posting_date_plans_for_today(self) -> None:
        # found driving the desk: a form state without posting_date raised a raw ValueError
        customer, _ = site.member(1000)
        draft = site.sales_invoice(customer, site.lines(*WORKED), points=300).as_dict()
        draft.pop("posting_date", None)
        f = desk.quote_invoice(json.dumps(draft, default=str))["fields"]
        self.assertEqual((f["lgst_points_redeemed"], f["grand_total"]), (300, 2952.0))

    def test_einvoice_takes_an_invoice_name(self) -> None:
        customer, _ = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        argv = commands._invoice_by_name(["einvoice", si.name, "--sandbox"])
        self.assertEqual(argv[:2], ["einvoice", "build"])
        self.assertEqual(argv[3:], ["--sandbox"])
        data = json.loads(Path(argv[2]).read_text())
        self.assertEqual((data["number"], data["totals"]["grand_total"]), (si.name, "2952.00"))
        self.assertEqual(data["totals"]["loyalty_discount"], "300.00")
        stand_in = commands._invoice_by_name(["einvoice", si.name, "--base-url", "http://x"])
        self.assertEqual(stand_in[1], "submit")
        self.assertEqual(commands._invoice_by_name(["einvoice", "build", "f.json"])[1], "build")


class TestPosClosing(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def test_closing_keeps_loyalty_entries_and_discount_once(self) -> None:
        from erpnext.accounts.doctype.pos_closing_entry.pos_closing_entry import (
            make_closing_entry_from_opening,
        )

        customer, mobile = site.member(1000)
        profile = site.ensure_pos()
        pos = site.pos_invoice(customer, site.lines(("_LGST-SHIRT", 2, 1000, 5)), profile)
        pos.lgst_points_to_redeem = 150
        pos.insert()
        pos.payments[0].amount = pos.rounded_total or pos.grand_total
        pos.save()
        pos.submit()
        # 1000 − 150 + ⌊1850 × 4 / 100⌋ = 850 + 74 = 924
        self.assertEqual(available(mobile), 924)
        opening = frappe.get_last_doc(
            "POS Opening Entry", filters={"pos_profile": profile, "status": "Open"}
        )
        closing = make_closing_entry_from_opening(opening)
        closing.insert()
        closing.submit()
        merged = frappe.db.get_value("POS Invoice", pos.name, "consolidated_invoice")
        self.assertTrue(merged)
        si = frappe.get_doc("Sales Invoice", merged)
        self.assertEqual(si.is_consolidated, 1)
        # ERPNext merges each line at its net rate: the ₹150 is in the lines, once
        self.assertEqual((si.discount_amount, si.net_total), (0.0, pos.net_total))
        self.assertEqual(si.net_total, 1850.0)
        self.assertEqual(si.grand_total, pos.grand_total)
        self.assertEqual(available(mobile), 924)  # nothing posted again
        self.assertIsNone(site_store().get_invoice(si.name, site.GSTIN))
        _, rows = loyalty_discount_register.execute({"company": site.COMPANY})
        self.assertEqual([r["invoice"] for r in rows if r["invoice"] in (pos.name, si.name)],
                         [pos.name])  # fmt: skip
