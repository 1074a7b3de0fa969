"""The ERPNext print formats: their JSON as frappe syncs it, and their HTML rendered the
way frappe renders a Jinja print format (sandboxed Jinja, the app's package loader, the
hooked method) carrying the same particulars as the PDF."""

from __future__ import annotations

import datetime as dt
import html
import importlib
import json
import re
from pathlib import Path

import pytest
from jinja2 import PackageLoader, PrefixLoader
from jinja2.sandbox import SandboxedEnvironment
from printing_helpers import b2b, b2c_large, credit
from test_print_qr_and_receipt import UPI, UPI_HEAD

from loyalty_gst import hooks
from loyalty_gst.printing import EInvoiced, PrintJob, qrcode
from loyalty_gst.printing.html import TEMPLATE_PATH, view

APP = Path(hooks.__file__).resolve().parent
FORMATS = {
    "Loyalty GST Invoice": "Sales Invoice",
    "Loyalty GST POS Invoice": "POS Invoice",
}


def print_format(name: str) -> dict:
    folder = name.lower().replace(" ", "_")  # frappe.scrub
    path = APP / "loyalty_gst" / "print_format" / folder / f"{folder}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def render(name: str, job: PrintJob) -> str:
    """As frappe does: its sandboxed environment, `app/…` templates from the package, the
    methods of hooks.jinja as globals; the doc is passed through untouched."""
    env = SandboxedEnvironment(
        loader=PrefixLoader({"loyalty_gst": PackageLoader("loyalty_gst", ".")})
    )
    (path,) = hooks.jinja["methods"]
    method = path.rsplit(".", 1)[1]
    env.globals[method] = lambda doc: view(doc)
    return env.from_string(print_format(name)["html"]).render(doc=job)


def text(page: str) -> str:
    no_style = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", no_style)).split())


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_print_format_json_is_what_frappe_syncs(name):
    pf = print_format(name)
    assert pf["doctype"] == "Print Format" and pf["name"] == name
    assert pf["doc_type"] == FORMATS[name]
    assert pf["module"] in (APP / "modules.txt").read_text().splitlines()
    assert (pf["standard"], pf["print_format_type"], pf["custom_format"]) == ("Yes", "Jinja", 1)
    assert "loyalty_gst/templates/print/gst_document.html" in pf["html"]
    assert TEMPLATE_PATH.is_file()


def test_the_hooked_method_imports_without_frappe():
    (path,) = hooks.jinja["methods"]
    module, attr = path.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attr))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_html_carries_the_rule_46_particulars(name):
    e = EInvoiced(
        irn="a1b2c3d4" * 8, ack_no=125751983000007, ack_at=dt.datetime(2025, 11, 21, 18, 5),
        signed_qr="x.y.z",
    )  # fmt: skip
    page = render(name, PrintJob(invoice=b2b(), einvoice=e, points_balance_after=1200))
    body = text(page)
    for wanted in [
        "Lakshmi Lifestyle Retail Pvt Ltd", "14 Linking Road", "Mumbai 400050",
        "GSTIN: 27AABCL4321K1ZL", "Tax Invoice", "Original for Recipient",
        "Invoice No.: INV/2025/0001", "Date: 21/11/2025", "Sahyadri Traders Pvt Ltd",
        "GSTIN: 27AAPFU0939F1ZV", "Place of supply: Maharashtra (27)",
        "Tax payable on reverse charge: No", "Cotton shirt", "6105", "2 PCS", "2,000.00",
        "200.00", "1,800.00", "2.5% 45.00", "1,890.00", "Leather belt", "9% 81.00",
        "₹2,700.00", "₹126.00", "₹2,952.00",
        "Rupees Two Thousand, Nine Hundred and Fifty-Two Only",
        "Points redeemed: 300 × ₹1.00 = ₹300.00, balance after: 1,200",
        "IRN: " + "a1b2c3d4" * 8, "Ack No: 125751983000007", "Ack Date: 21/11/2025 18:05",
        "For Lakshmi Lifestyle Retail Pvt Ltd", "Authorised Signatory",
    ]:  # fmt: skip
        assert wanted in body, wanted
    assert qrcode.svg("x.y.z", 40) in page


def test_html_b2c_upi_qr_and_credit_note():
    page = render("Loyalty GST POS Invoice", PrintJob(invoice=b2c_large(), letterhead=UPI_HEAD))
    assert qrcode.svg(UPI, 30) in page
    body = text(page)
    assert "₹1,41,305.00" in body and "State: Karnataka (29)" in body
    assert "Rupees One Lakh, Forty-One Thousand, Three Hundred and Five Only" in body
    note = text(render("Loyalty GST Invoice", PrintJob(invoice=credit())))
    assert "Credit Note" in note and "Credit note No.: CN/2025/0001" in note
    assert "Against invoice No. INV/2025/0001 dated 21/11/2025" in note


def test_html_escapes_what_the_document_says():
    inv = b2b()
    lines = (inv.lines[0].model_copy(update={"description": "<script>x</script> & co"}),)
    body = render("Loyalty GST Invoice", PrintJob(invoice=inv.model_copy(update={"lines": lines})))
    assert "<script>" not in body and "&lt;script&gt;x&lt;/script&gt; &amp; co" in body
