"""The channel API: `create_app` (FastAPI) for `loyalty-gst serve`; tokens and presence.

Inside a Frappe bench the same dotted path serves ERPNext's whitelisted methods:
`/api/method/loyalty_gst.api.lookup|quote|commit|return_invoice|sync` resolve here
lazily to `loyalty_gst.erpnext.api`, so frappe is imported only by the ERPNext glue.
"""

from __future__ import annotations

from typing import Any

_FRAPPE_METHODS = frozenset({"lookup", "quote", "commit", "return_invoice", "sync"})


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from loyalty_gst.api.app import create_app

        return create_app
    if name in _FRAPPE_METHODS:
        from loyalty_gst.erpnext import api as frappe_api

        return getattr(frappe_api, name)
    raise AttributeError(f"module 'loyalty_gst.api' has no attribute {name!r}")
