"""On the site, the way the desk does it: the print formats "Loyalty GST Invoice" and
"Loyalty GST POS Invoice" rendered by frappe.get_print for submitted invoices with a
redemption (the Rule 46 particulars), and the Loyalty Discount Register run through
frappe's report runner with a return (points restored, GST reversed, the original).

Run: CI=1 bench --site SITE run-tests --app loyalty_gst
"""

from __future__ import annotations

import re
import unittest
from decimal import Decimal
from html import unescape

try:
    import frappe
    from frappe.tests.utils import FrappeTestCase
except ImportError as exc:  # pytest / .ci/run: no bench here
    raise unittest.SkipTest(
        "needs a Frappe bench: CI=1 bench --site SITE run-tests --app loyalty_gst"
    ) from exc

from erpnext.controllers.sales_and_purchase_return import make_return_doc
from frappe.desk.query_report import run

from loyalty_gst.tests.erpnext import lgst_site as site

WORKED = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))


def text(page: str) -> str:
    """The printed words: no markup, no style or script blocks."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


class TestPrintAndRegister(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def test_sales_invoice_print_has_the_rule_46_particulars(self) -> None:
        customer, _ = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        body = text(frappe.get_print("Sales Invoice", si.name, print_format="Loyalty GST Invoice"))
        # 300 points off 3000: taxable 2700 (1800 at 5 %, 900 at 18 %); CGST = SGST =
        # 45 + 81 = 126; grand 2952; earned ⌊2700 × 4 / 100⌋ = 108 → 1000 − 300 + 108
        for wanted in [
            site.COMPANY, f"GSTIN: {site.GSTIN}", "Tax Invoice", f"Invoice No.: {si.name}",
            "Place of supply: Delhi (07)", "Tax payable on reverse charge: No",
            "61091000", "42033000", "2 NOS", "1,800.00", "900.00", "2.5% 45.00", "9% 81.00",
            "₹2,700.00", "CGST ₹126.00", "SGST ₹126.00", "₹2,952.00",
            "Rupees Two Thousand, Nine Hundred and Fifty-Two Only",
            "Points redeemed: 300 × ₹1.00 = ₹300.00, balance after: 808",
            f"For {site.COMPANY}", "Authorised Signatory",
        ]:  # fmt: skip
            self.assertIn(wanted, body, body[:3000])

    def test_pos_invoice_print(self) -> None:
        customer, _ = site.member(1000)
        profile = site.ensure_pos()
        pos = site.pos_invoice(customer, site.lines(("_LGST-SHIRT", 2, 1000, 5)), profile)
        pos.lgst_points_to_redeem = 150
        pos.insert()
        pos.payments[0].amount = pos.rounded_total or pos.grand_total
        pos.save()
        pos.submit()
        page = frappe.get_print("POS Invoice", pos.name, print_format="Loyalty GST POS Invoice")
        body = text(page)
        # 2000 − 150 = 1850 taxable, 2.5 % = 46.25 each, grand 1942.50 → rounded 1943
        for wanted in [
            f"GSTIN: {site.GSTIN}", pos.name, "₹1,850.00", "46.25",
            "Points redeemed: 150 × ₹1.00 = ₹150.00",
        ]:  # fmt: skip
            self.assertIn(wanted, body, body[:3000])

    def test_register_report_shows_a_return_against_its_invoice(self) -> None:
        customer, _ = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.insert()
        si.submit()
        ret = make_return_doc("Sales Invoice", si.name)
        ret.remove(ret.items[1])
        ret.items[0].qty = -1  # one shirt of two: its share 300 × 1000/3000 = 100 points
        ret.insert()
        ret.submit()
        got = run(
            "Loyalty Discount Register",
            filters={"company": site.COMPANY, "from_date": si.posting_date,
                     "to_date": si.posting_date},
        )  # fmt: skip
        fields = [c["fieldname"] for c in got["columns"]]
        rows = [r if isinstance(r, dict) else dict(zip(fields, r, strict=False))
                for r in got["result"]]  # fmt: skip
        sale = next(r for r in rows if r.get("invoice") == si.name)
        back = next(r for r in rows if r.get("invoice") == ret.name)
        self.assertEqual((sale["points"], sale["gst_foregone"]), (300, 28.0))
        # restored 100 points = ₹100, whose GST foregone comes back: 100 × 5 % = 5.00; the
        # credit note reverses the GST on the shirt returned: 900 × 5 % = 45.00
        self.assertEqual(
            (back["points_restored"], back["gst_foregone"], back["against"]), (100, -5.0, si.name)
        )
        self.assertEqual(Decimal(str(back["gst_reversed"])), Decimal("45.00"))
        self.assertEqual(back["voucher_type"], "Sales Invoice")
