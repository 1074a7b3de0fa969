"""The POS terminal side: a local SQLite cache + outbox, offline billing within a cap,
sync on reconnect (`Terminal`), and the `loyalty-gst pos` commands."""

from loyalty_gst.pos.terminal import Offline, Receipt, Refused, SyncReport, Terminal, line_of

__all__ = ["Offline", "Receipt", "Refused", "SyncReport", "Terminal", "line_of"]
