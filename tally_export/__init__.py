"""Tally Prime XML (masters, vouchers) from TaxedInvoices."""
