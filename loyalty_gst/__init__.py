"""loyalty-gst: one loyalty ledger, redemptions as pre-tax GST discounts."""

__version__ = "0.1.0"
