"""Loyalty GST Settings: the program in force for the site; checked when saved."""

from __future__ import annotations

import frappe
from frappe.model.document import Document

from loyalty_gst import program as pg
from loyalty_gst.errors import InvalidInput


class LoyaltyGSTSettings(Document):
    def validate(self) -> None:
        if not (self.program or "").strip():
            return
        try:
            pg.parse(self.program, (self.program_format or "JSON").lower())
        except InvalidInput as exc:
            frappe.throw(str(exc), title="Loyalty program")
