"""IRP e-invoice (INV-01 v1.1) from a TaxedInvoice."""
