"""after_install / after_migrate: the custom fields and the ledger tables, both idempotent
(installing, migrating or migrating twice leaves one set of each)."""

from __future__ import annotations

from loyalty_gst.erpnext import custom_fields, store_bridge


def after_install() -> None:
    custom_fields.create()
    store_bridge.migrate()


def after_migrate() -> None:
    after_install()
