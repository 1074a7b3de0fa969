"""Where the site keeps its loyalty settings: the program (Loyalty GST Settings, a
Single DocType holding the program file's text; empty = the packaged program) and each
company's redemption treatment and basis (custom fields on Company, set by its CA)."""

from __future__ import annotations

from loyalty_gst import program as pg
from loyalty_gst.erpnext.discount import BASES, TREATMENTS, Basis, Treatment

SETTINGS = "Loyalty GST Settings"


def program_book() -> pg.ProgramBook:
    import frappe

    text = frappe.db.get_single_value(SETTINGS, "program")
    if text and text.strip():
        fmt = frappe.db.get_single_value(SETTINGS, "program_format") or "json"
        return pg.parse(text, fmt.lower())
    return pg.load()


def company_rules(company: str) -> tuple[Treatment, Basis]:
    import frappe

    row = frappe.db.get_value(
        "Company", company, ["lgst_redemption_treatment", "lgst_redemption_basis"], as_dict=True
    )
    row = row or {}
    treatment = TREATMENTS.get(row.get("lgst_redemption_treatment") or "", "pre_tax_discount")
    basis = BASES.get(row.get("lgst_redemption_basis") or "", "taxable")
    return treatment, basis


def company_gstin(company: str) -> str:
    """India Compliance's GSTIN when present, else ERPNext's Company Tax ID."""
    import frappe

    return str(frappe.db.get_value("Company", company, "tax_id") or "").strip().upper()
