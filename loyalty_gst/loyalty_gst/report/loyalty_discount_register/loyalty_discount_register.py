"""Loyalty Discount Register: every submitted invoice or credit note that redeemed points —
store, customer (masked), points, ₹ value, taxable value before and after loyalty, GST
foregone (Sec. 15(3)(a): the tax the pre-tax discount took off). POS Invoices and Sales
Invoices both; consolidated POS Sales Invoices are left out (their POS Invoices are in)."""

from __future__ import annotations

from typing import Any

import frappe

from loyalty_gst.erpnext.discount import mask_name
from loyalty_gst.ids.mobile import mask

DOCTYPES = ("Sales Invoice", "POS Invoice")


def columns() -> list[dict[str, Any]]:
    def col(name: str, label: str, kind: str, width: int = 120, **kw: Any) -> dict[str, Any]:
        return {"fieldname": name, "label": label, "fieldtype": kind, "width": width, **kw}

    return [
        col("posting_date", "Date", "Date", 95),
        col("voucher_type", "Type", "Data", 100),
        col("invoice", "Invoice", "Dynamic Link", 170, options="voucher_type"),
        col("store", "Store", "Data", 130),
        col("customer", "Customer", "Data", 110),
        col("mobile", "Mobile", "Data", 130),
        col("points", "Points", "Int", 80),
        col("point_value", "Point Value", "Currency", 90),
        col("loyalty_value", "Loyalty ₹", "Currency"),
        col("taxable_before", "Taxable before Loyalty", "Currency", 150),
        col("taxable_after", "Taxable after Loyalty", "Currency", 150),
        col("gst_foregone", "GST Foregone", "Currency"),
        col("treatment", "Treatment", "Data", 120),
    ]


def rows(filters: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doctype in DOCTYPES:
        conditions = {"docstatus": 1, "lgst_loyalty_amount": ["!=", 0]}
        if doctype == "Sales Invoice":
            conditions["is_consolidated"] = 0
        if filters.get("company"):
            conditions["company"] = filters["company"]
        if filters.get("from_date") and filters.get("to_date"):
            conditions["posting_date"] = ["between", [filters["from_date"], filters["to_date"]]]
        for d in frappe.get_all(
            doctype,
            filters=conditions,
            fields=[
                "name",
                "posting_date",
                "company",
                "pos_profile",
                "customer_name",
                "lgst_mobile",
                "lgst_points_redeemed",
                "lgst_point_value",
                "lgst_loyalty_amount",
                "lgst_taxable_before_loyalty",
                "base_net_total",
                "lgst_gst_foregone",
                "lgst_treatment",
            ],
            order_by="posting_date, name",
        ):
            out.append(
                {
                    "posting_date": d.posting_date,
                    "voucher_type": doctype,
                    "invoice": d.name,
                    "store": d.pos_profile or d.company,
                    "customer": mask_name(d.customer_name),
                    "mobile": mask(d.lgst_mobile) if d.lgst_mobile else "-",
                    "points": d.lgst_points_redeemed,
                    "point_value": d.lgst_point_value,
                    "loyalty_value": d.lgst_loyalty_amount,
                    "taxable_before": d.lgst_taxable_before_loyalty,
                    "taxable_after": d.base_net_total,
                    "gst_foregone": d.lgst_gst_foregone,
                    "treatment": d.lgst_treatment,
                }
            )
    out.sort(key=lambda r: (str(r["posting_date"]), r["invoice"]))
    return out


def execute(
    filters: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return columns(), rows(frappe._dict(filters or {}))
