"""Tests that need a Frappe bench (run by `bench run-tests --app loyalty_gst`, not pytest)."""
