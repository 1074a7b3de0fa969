"""Stand-in servers on 127.0.0.1 speaking the real protocols, for tests, the demo and trying
the clients by hand (`loyalty-gst standin irp|tally|whatsapp`): `irp` (NIC's e-invoice
API), `tally` (Tally Prime's XML port), `whatsapp` (the WhatsApp Cloud API). Each keeps
everything in memory; none is ever a production dependency."""
