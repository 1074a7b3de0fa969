"""Frappe module folder of the Loyalty GST module (DocTypes, reports, workspace)."""
