"""POS Invoice hooks (doc_events): the same steps as Sales Invoice; points earned on a POS
Invoice are spendable on a Sales Invoice and back (one account per mobile number). The
consolidated Sales Invoice a POS closing makes (`is_consolidated`) posts nothing again."""

from loyalty_gst.erpnext.invoice import before_submit, before_validate, on_cancel, validate

__all__ = ["before_submit", "before_validate", "on_cancel", "validate"]
