"""Loyalty Discount Register: every submitted Sales Invoice, POS Invoice and return of the
site's ledger — store, customer (masked), points (a return's negative: the points it
restored), ₹ value, loyalty discount, taxable value before and after loyalty, taxes,
GST foregone (Sec. 15(3)(a): the tax the pre-tax discount took off; a return reverses
its share), GST a return reversed and the invoice it was made against.

The figures are the ledger's stored documents read through the one document reader and
computed by the one pure function the CLI and the API use (`reports.register_row`), so
the desk shows the same numbers as `loyalty-gst report register`. Consolidated POS Sales
Invoices are left out (their POS Invoices are in); cancelled invoices are left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import frappe

from loyalty_gst.erpnext.discount import mask_name
from loyalty_gst.erpnext.store_bridge import site_store
from loyalty_gst.reports.register_desk import desk_row
from loyalty_gst.reports.register_row import register_row
from loyalty_gst.store.documents import Where, iter_docs

DOCTYPES = ("Sales Invoice", "POS Invoice")


def columns() -> list[dict[str, Any]]:
    def col(name: str, label: str, kind: str, width: int = 120, **kw: Any) -> dict[str, Any]:
        return {"fieldname": name, "label": label, "fieldtype": kind, "width": width, **kw}

    return [
        col("posting_date", "Date", "Date", 95),
        col("voucher_type", "Type", "Data", 100),
        col("invoice", "Invoice", "Dynamic Link", 170, options="voucher_type"),
        col("kind", "Kind", "Data", 90),
        col("store", "Store", "Data", 130),
        col("customer", "Customer", "Data", 110),
        col("mobile", "Mobile", "Data", 130),
        col("points", "Points", "Int", 80),
        col("point_value", "Point Value", "Currency", 90),
        col("loyalty_value", "Loyalty ₹", "Currency"),
        col("loyalty_discount", "Loyalty Discount", "Currency"),
        col("taxable_before", "Taxable before Loyalty", "Currency", 150),
        col("taxable_after", "Taxable after Loyalty", "Currency", 150),
        col("cgst", "CGST", "Currency", 100),
        col("sgst", "SGST", "Currency", 100),
        col("igst", "IGST", "Currency", 100),
        col("gst_foregone", "GST Foregone", "Currency"),
        col("points_restored", "Points Restored", "Int", 90),
        col("gst_reversed", "GST Reversed", "Currency"),
        col("against", "Return Against", "Dynamic Link", 170, options="voucher_type"),
        col("treatment", "Treatment", "Data", 120),
    ]


def _desk_documents(filters: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name → (voucher type, customer name, treatment) of the submitted desk documents."""
    out: dict[str, dict[str, Any]] = {}
    for doctype in DOCTYPES:
        conditions: dict[str, Any] = {"docstatus": 1}
        if doctype == "Sales Invoice":
            conditions["is_consolidated"] = 0
        if filters.get("company"):
            conditions["company"] = filters["company"]
        if filters.get("from_date") and filters.get("to_date"):
            conditions["posting_date"] = ["between", [filters["from_date"], filters["to_date"]]]
        for d in frappe.get_all(
            doctype, filters=conditions, fields=["name", "customer_name", "lgst_treatment"]
        ):
            out[d.name] = {"voucher_type": doctype, "customer": mask_name(d.customer_name),
                           "treatment": d.lgst_treatment}  # fmt: skip
    return out


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def rows(filters: dict[str, Any]) -> list[dict[str, Any]]:
    desk = _desk_documents(filters)
    where = Where(start=_date(filters.get("from_date")), end=_date(filters.get("to_date")))
    out: list[dict[str, Any]] = []
    for doc in iter_docs(site_store(), where, stream=False):  # frappe's own connection
        known = desk.get(doc.body["number"])
        if known is None or doc.cancelled:
            continue
        out.append({**desk_row(register_row(doc.body)), **known})
    return out


def execute(
    filters: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return columns(), rows(frappe._dict(filters or {}))
