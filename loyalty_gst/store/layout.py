"""Where each table would live on a Citus cluster (docs/scale.md): distributed by the
member (co-located, so a checkout's rows sit on one shard), distributed by their own
key, or reference tables copied to every node. Data, read by the distribution-key test.
"""

from __future__ import annotations

# table → its distribution column; the member's tables share one colocation group
BY_MEMBER = {
    "lgst_accounts": "id",
    "lgst_entries": "account_id",
    "lgst_lots": "account_id",
    "lgst_holds": "account_id",
    "lgst_spend": "account_id",
}
# single-key tables, each hashed on its own key (a lookup or an insert names it)
BY_OWN_KEY = {
    "lgst_requests": "key",  # idempotency keys: (store, till)-namespaced strings
    "lgst_invoices": "number",  # unique (seller_gstin, number) includes it
    "lgst_cancellations": "number",
}
# the member directory: a mobile number finds its account id in one single-shard lookup
DIRECTORY = {"lgst_accounts": "mobile"}
# small, read on every sale, changed rarely: copied to every node
REFERENCE = (
    "lgst_company",
    "lgst_registrations",
    "lgst_stores",
    "lgst_items",
    "lgst_programs",
    "lgst_series",
    "lgst_tokens",
    "lgst_schema_version",
)
