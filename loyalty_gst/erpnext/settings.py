"""Where the site keeps its loyalty settings: the program (Loyalty GST Settings, a
Single DocType holding the program file's text; empty = the program set up in the site's
ledger tables with `bench --site S loyalty-gst setup FILE.yaml`) and each
company's redemption treatment and basis (custom fields on Company, set by its CA)."""

from __future__ import annotations

import functools
from typing import Any

from loyalty_gst import program as pg
from loyalty_gst.erpnext.discount import BASES, TREATMENTS, Basis, Treatment

SETTINGS = "Loyalty GST Settings"


def program_book() -> pg.ProgramBook:
    """The site's program (read each time: a settings change applies at once; parsed
    once per distinct text — a ProgramBook is frozen)."""
    import frappe

    row = frappe.get_cached_doc(SETTINGS)  # frappe clears it when the settings change
    text = row.get("program")
    if text and text.strip():
        return _parsed(text, str(row.get("program_format") or "json").lower())
    return _packaged()


@functools.lru_cache(maxsize=8)
def _parsed(text: str, fmt: str) -> pg.ProgramBook:
    return pg.parse(text, fmt)


def _packaged() -> pg.ProgramBook:
    """The program set up in the site's ledger tables (`loyalty-gst setup FILE.yaml`)."""
    from loyalty_gst import company
    from loyalty_gst.erpnext.store_bridge import site_store

    return company.current(site_store()).program


def company_rules(company: str) -> tuple[Treatment, Basis]:
    import frappe

    row = frappe.get_cached_value(
        "Company", company, ["lgst_redemption_treatment", "lgst_redemption_basis"], as_dict=True
    )
    row = row or {}
    treatment = TREATMENTS.get(row.get("lgst_redemption_treatment") or "", "pre_tax_discount")
    basis = BASES.get(row.get("lgst_redemption_basis") or "", "taxable")
    return treatment, basis


def disabled() -> bool:
    """Loyalty GST Settings' "Disable loyalty": no points move, no discount is given."""
    import frappe

    return bool(frappe.get_cached_doc(SETTINGS).get("disabled"))


def seller_gstin(doc: Any) -> str:
    """India Compliance's `company_gstin` when present, else the Company's Tax ID (read
    once per document and company: the hooks ask several times per save)."""
    if doc.get("company_gstin"):
        return str(doc.company_gstin)
    memo = getattr(doc, "flags", None)
    key = ("lgst_tax_id", doc.get("company"))
    if memo is not None and memo.get("lgst_tax_id_of") == key:
        return str(memo.lgst_tax_id)
    gstin = company_gstin(doc.company)
    if memo is not None:
        memo.lgst_tax_id_of, memo.lgst_tax_id = key, gstin
    return gstin


def company_gstin(company: str) -> str:
    """India Compliance's GSTIN when present, else ERPNext's Company Tax ID."""
    import frappe

    return str(frappe.get_cached_value("Company", company, "tax_id") or "").strip().upper()


def presence_required() -> bool:
    """Loyalty GST Settings' "Redeeming needs the member's OTP or app code"."""
    import frappe

    return bool(frappe.get_cached_doc(SETTINGS).get("require_presence"))
