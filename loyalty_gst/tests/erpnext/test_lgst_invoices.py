"""Loyalty points on ERPNext Sales and POS Invoices, in a real site.

Run: CI=1 bench --site SITE run-tests --app loyalty_gst
(pytest does not collect this package; without frappe the module is skipped.)

Worked example (../shared/GST_RULES.md): 2 shirts × ₹1000 at 5 % + a belt ₹1000 at 18 %,
300 points at ₹1 as a pre-tax discount on the Net Total. ERPNext spreads ₹300 pro rata
to net: shirts 300 × 2000/3000 = 200, belt 100 → taxable 1800 and 900.
CGST = SGST = 1800 × 2.5 % + 900 × 9 % = 45 + 81 = 126.00; grand total 2700 + 252 = 2952.00.
GST foregone: (50+50 − 45−45) + (90+90 − 81−81) = 10 + 18 = 28.00.
Earn: 4 points per ₹100 of taxable value after loyalty: ⌊2700 × 4 / 100⌋ = 108.
"""

from __future__ import annotations

import unittest

try:
    import frappe
    from frappe.tests.utils import FrappeTestCase
except ImportError as exc:  # pytest / .ci/run: no bench here
    raise unittest.SkipTest(
        "needs a Frappe bench: CI=1 bench --site SITE run-tests --app loyalty_gst"
    ) from exc

from erpnext.controllers.sales_and_purchase_return import make_return_doc

from loyalty_gst import service
from loyalty_gst.erpnext import settings
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.loyalty_gst.report.loyalty_discount_register import loyalty_discount_register
from loyalty_gst.loyalty_gst.report.loyalty_liability import loyalty_liability
from loyalty_gst.tests.erpnext import lgst_site as site

WORKED = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))


def available(mobile: str) -> int:
    return service.lookup(site_store(), mobile).available


def tax(doc: object, head: str) -> float:
    return next(t.tax_amount for t in doc.taxes if t.account_head == site.account(head))  # type: ignore[attr-defined]


class TestLoyaltyInvoices(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def worked_invoice(self, points: int = 300) -> tuple[object, str]:
        customer, mobile = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=points)
        si.insert()
        return si, mobile

    def test_worked_example_taxes_on_reduced_net_total(self) -> None:
        si, _mobile = self.worked_invoice()
        self.assertEqual(si.apply_discount_on, "Net Total")
        self.assertEqual(si.is_cash_or_non_trade_discount, 0)
        self.assertEqual(si.discount_amount, 300.0)
        self.assertEqual(si.lgst_loyalty_amount, 300.0)
        self.assertEqual(si.lgst_points_redeemed, 300)
        self.assertEqual(si.net_total, 2700.0)
        self.assertEqual([it.net_amount for it in si.items], [1800.0, 900.0])
        self.assertEqual(tax(si, "CGST"), 126.0)
        self.assertEqual(tax(si, "SGST"), 126.0)
        self.assertEqual(si.grand_total, 2952.0)
        self.assertEqual(si.lgst_taxable_before_loyalty, 3000.0)
        self.assertEqual(si.lgst_gst_foregone, 28.0)
        # saving again keeps one loyalty part (the hook does not stack its own discount)
        si.save()
        self.assertEqual((si.discount_amount, si.grand_total), (300.0, 2952.0))

    def test_submit_posts_ledger_and_register_shows_it(self) -> None:
        si, mobile = self.worked_invoice()
        self.assertEqual(available(mobile), 1000)  # a draft moves nothing
        si.submit()
        # 1000 − 300 redeemed + 108 earned = 808
        self.assertEqual(available(mobile), 808)
        self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "lgst_points_earned"), 108)
        # the ledger keeps ERPNext's numbers: taxable 2700, tax 252
        stored = site_store().get_invoice(si.name, site.GSTIN)
        self.assertIsNotNone(stored)
        self.assertEqual(str(stored.totals.taxable_value), "2700.00")
        self.assertEqual(str(stored.totals.cgst), "126.00")
        self.assertEqual(str(stored.totals.loyalty_discount), "300.00")
        self.assertEqual(service.verify(site_store()), [])
        _, rows = loyalty_discount_register.execute({"company": site.COMPANY})
        row = next(r for r in rows if r["invoice"] == si.name)
        self.assertEqual(row["points"], 300)
        self.assertEqual(row["loyalty_value"], 300.0)
        self.assertEqual(row["taxable_before"], 3000.0)
        self.assertEqual(row["taxable_after"], 2700.0)
        self.assertEqual(row["gst_foregone"], 28.0)
        self.assertEqual(row["customer"], "_*** R*** K*** " + mobile[-4] + "***")
        self.assertEqual(row["mobile"], "+91******" + mobile[-4:])
        _, liability = loyalty_liability.execute({})
        self.assertGreaterEqual(sum(r["points"] for r in liability), 808)

    def test_submit_twice_posts_once(self) -> None:
        si, mobile = self.worked_invoice()
        si.submit()
        again = service.commit(
            site_store(),
            service.Quote(invoice=site_store().get_invoice(si.name, site.GSTIN)),
            key=f"Sales Invoice:{si.name}",
            program=settings.program_book(),
        )
        self.assertTrue(again.replayed)
        self.assertEqual(available(mobile), 808)

    def test_cancel_reverses(self) -> None:
        si, mobile = self.worked_invoice()
        si.submit()
        si.reload()
        si.cancel()
        # 808 + 300 restored − 108 reversed = 1000
        self.assertEqual(available(mobile), 1000)

    def test_partial_return_restores_pro_rata(self) -> None:
        si, mobile = self.worked_invoice()
        si.submit()
        ret = make_return_doc("Sales Invoice", si.name)
        ret.remove(ret.items[1])  # the belt stays sold
        ret.items[0].qty = -1  # one shirt of two comes back
        ret.insert()
        # its share of the discount: 300 × 1000/3000 = 100 → net −900, tax −22.50 each
        self.assertEqual(ret.discount_amount, -100.0)
        self.assertEqual(ret.net_total, -900.0)
        self.assertEqual(tax(ret, "CGST"), -22.5)
        ret.submit()
        ret.reload()
        # restored 300 × 100/300 = 100; reversed ⌊108 × 900/2700⌋ = 36 → 808 + 100 − 36 = 872
        self.assertEqual(ret.lgst_points_redeemed, -100)
        self.assertEqual(ret.lgst_points_earned, -36)
        self.assertEqual(available(mobile), 872)
        # the register shows the return: 100 points restored, ₹100 and GST 100 × 5 % = 5.00
        # reversed, against the original invoice
        _, rows = loyalty_discount_register.execute({"company": site.COMPANY})
        row = next(r for r in rows if r["invoice"] == ret.name)
        self.assertEqual(
            (row["points"], row["loyalty_value"], row["gst_foregone"], row["against"]),
            (-100, -100.0, -5.0, si.name),
        )

    def test_more_than_balance_is_refused(self) -> None:
        customer, mobile = site.member(200)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        with self.assertRaises(frappe.ValidationError) as caught:
            si.insert()
        self.assertIn("insufficient points: 300 requested, 200 available", str(caught.exception))
        self.assertEqual(available(mobile), 200)

    def test_cap_max_share_and_excluded_items(self) -> None:
        # gold is excluded: eligible = shirt 1000 → cap min(50 % of 6000, 1000) = 1000
        customer, _ = site.member(5000)
        rows = (("_LGST-SHIRT", 1, 1000, 5), ("_LGST-GOLD", 1, 5000, 5))
        si = site.sales_invoice(customer, site.lines(*rows), points=3000)
        si.insert()
        self.assertEqual(si.lgst_points_redeemed, 1000)
        self.assertEqual(si.discount_amount, 1000.0)
        self.assertEqual(si.net_total, 5000.0)

    def test_manual_discount_is_kept(self) -> None:
        customer, _ = site.member(1000)
        si = site.sales_invoice(customer, site.lines(*WORKED), points=300)
        si.apply_discount_on = "Net Total"
        si.discount_amount = 100
        si.insert()
        # 100 manual + 300 loyalty; 3000 − 400 = 2600 taxable
        self.assertEqual(si.lgst_manual_discount, 100.0)
        self.assertEqual(si.lgst_loyalty_amount, 300.0)
        self.assertEqual(si.discount_amount, 400.0)
        self.assertEqual(si.net_total, 2600.0)
        si.lgst_points_to_redeem = 0
        si.save()
        self.assertEqual((si.discount_amount, si.lgst_loyalty_amount), (100.0, 0.0))

    def test_pos_invoice_earn_then_sales_invoice_redeem(self) -> None:
        customer, mobile = site.member(0)
        profile = site.ensure_pos()
        pos = site.pos_invoice(customer, site.lines(("_LGST-SHIRT", 5, 1000, 5)), profile)
        pos.insert()
        pos.payments[0].amount = pos.rounded_total or pos.grand_total
        pos.save()
        pos.submit()
        # ⌊5000 × 4 / 100⌋ = 200 points earned at the store
        self.assertEqual(available(mobile), 200)
        si = site.sales_invoice(customer, site.lines(("_LGST-BELT", 1, 1000, 18)), points=150)
        si.insert()
        si.submit()
        # 200 − 150 + ⌊850 × 4 / 100⌋ = 50 + 34 = 84
        self.assertEqual(si.net_total, 850.0)
        self.assertEqual(available(mobile), 84)


class TestChannelMethods(FrappeTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        site.ensure_company()

    def test_channel_methods_answer_at_loyalty_gst_api_and_sync(self) -> None:
        import datetime as dt

        from loyalty_gst import identity
        from loyalty_gst.api import presence as proofs
        from loyalty_gst.service import allowance

        for name in ("lookup", "quote", "commit", "return_invoice", "sync"):
            frappe.is_whitelisted(frappe.get_attr(f"loyalty_gst.api.{name}"))
        _customer, mobile = site.member(400)
        now = dt.datetime.now(dt.UTC)
        sale = {
            "number": f"T9/{frappe.generate_hash(length=8)}",
            "date": now.date().isoformat(),
            "seller": {
                "gstin": site.GSTIN,
                "legal_name": "Lakshmi Lifestyle Retail",
                "address": "12 Saket",
                "city": "New Delhi",
                "pincode": "110017",
            },
            "lines": [
                {
                    "sku": "_LGST-SHIRT",
                    "hsn": "6105",
                    "qty": "1",
                    "unit": "PCS",
                    "unit_price": "1000",
                    "gst_rate": "5",
                }
            ],
            "customer": mobile,
        }
        with site_store().begin() as conn:
            account = identity.resolve(conn, phone=mobile).id
            # online, the till was granted its part of the member's offline budget (cap 500)
            part = allowance.grant(
                conn, settings.program_book().active(now.date()), account_id=account,
                store_code="DEL-SAK", terminal="T9", day=now.date(), at=now,
            )  # fmt: skip
        self.assertEqual(part, 400)
        # offline the till granted 300 points (₹300 ≤ 50 % of ₹1000): taxable 700.00,
        # CGST = SGST = 17.50, total 735.00
        event = {
            "event_id": "T9:1", "seq": 1, "kind": "sale", "offline": True,
            "created_at": now.isoformat().replace("+00:00", "Z"), "sale": sale,
            "points": 300, "grand_total": "735.00",
        }  # fmt: skip
        sync = frappe.get_attr("loyalty_gst.api.sync")

        def synced(ev: dict) -> dict:
            (r,) = sync(terminal="T9", store="DEL-SAK", seller_gstin=site.GSTIN, events=[ev])[
                "results"
            ]
            return r

        # the attack: an offline redemption without the member's app code
        bare = synced(event)
        self.assertEqual((bare["status"], bare["code"]), ("rejected", "presence_required"))
        self.assertEqual(available(mobile), 400)
        key = proofs.signing_key(site_store())
        code, _ = proofs.app_code(key, account_id=account, phone=mobile, now=now.timestamp())
        shown = {**event, "event_id": "T9:2", "seq": 2, "presence_code": code}
        r = synced(shown)
        # earn ⌊700 × 4 / 100⌋ = 28: 400 − 300 + 28 = 128
        self.assertEqual((r["status"], r["balance"], r["overdraft"]), ("applied", 128, 0))
        self.assertEqual(synced(shown)["status"], "replayed")
        self.assertEqual(service.verify(site_store()), [])


class TestCoexistence(FrappeTestCase):
    """Beside India Compliance (or ERPNext alone): our fields are ours, once each, and
    its fields and Sales Invoice class stay its own."""

    def test_fields_and_hooks_never_clash(self) -> None:
        from loyalty_gst import hooks
        from loyalty_gst.erpnext import custom_fields

        with_ic = "india_compliance" in frappe.get_installed_apps()
        for doctype, fields in custom_fields.definitions(with_ic).items():
            meta = frappe.get_meta(doctype)
            names = [df.fieldname for df in meta.fields]
            self.assertEqual(len(names), len(set(names)), doctype)
            for f in fields:
                self.assertIn(f["fieldname"], names, doctype)
                self.assertTrue(f["fieldname"].startswith("lgst_"))
        if with_ic:
            for doctype, field in (("Sales Invoice Item", "gst_hsn_code"),
                                   ("Item Tax Template", "gst_rate"),
                                   ("Sales Invoice", "place_of_supply")):  # fmt: skip
                self.assertTrue(frappe.get_meta(doctype).has_field(field), field)
            self.assertFalse(frappe.get_meta("Item").has_field("lgst_hsn_code"))
        self.assertFalse(hasattr(hooks, "override_doctype_class"))
        events = frappe.get_hooks("doc_events").get("Sales Invoice", {})
        submit = events.get("before_submit", [])
        self.assertIn("loyalty_gst.erpnext.sales_invoice.before_submit", submit)
