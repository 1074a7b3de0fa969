"""Sales Invoice hooks (doc_events): loyalty points as a pre-tax discount, ledger posting."""

from loyalty_gst.erpnext.invoice import before_submit, before_validate, on_cancel, validate

__all__ = ["before_submit", "before_validate", "on_cancel", "validate"]
