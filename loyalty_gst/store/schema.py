"""The ledger's tables (SQLAlchemy Core), one definition for SQLite, PostgreSQL, MariaDB.

Amounts are stored as whole paise in BIGINT columns (`Paise`), read back as Decimal:
SQLite has no exact decimal type and would round through a float. Times are UTC ISO
text of fixed width (they sort as text and hash the same everywhere). Long JSON goes
into LONGTEXT on MariaDB (TEXT there stops at 64 KB).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from loyalty_gst.money import PAISA, paise

metadata = sa.MetaData()
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
Key = sa.String(200)


class Paise(sa.types.TypeDecorator[Decimal]):
    """A Decimal rupee amount kept exactly as an integer number of paise."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(paise(value) / PAISA)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) * PAISA).quantize(PAISA)


schema_version = sa.Table(
    "lgst_schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("applied_at", sa.String(32), nullable=False),
)

accounts = sa.Table(
    "lgst_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("mobile", sa.String(16), unique=True),  # E.164
    sa.Column("email", sa.String(254), unique=True),  # lower-cased
    sa.Column("card_no", sa.String(32), unique=True),
    sa.Column("name", sa.String(100)),
    sa.Column("birthday", sa.Date),
    sa.Column("referred_by", sa.Integer),
    sa.Column("status", sa.String(10), nullable=False, default="active"),
    sa.Column("merged_into", sa.Integer),
    sa.Column("balance", sa.BigInteger, nullable=False, default=0),
    sa.Column("tier", sa.String(32), nullable=False),
    sa.Column("purchases", sa.Integer, nullable=False, default=0),
    sa.Column("seq", sa.Integer, nullable=False, default=0),  # chain head: last entry's seq
    sa.Column("head", sa.String(64), nullable=False),  # and its hash
    sa.Column("created_at", sa.String(32), nullable=False),
)

entries = sa.Table(
    "lgst_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("key", Key, nullable=False, unique=True),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("body", LongText, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("account_id", "seq", name="uq_lgst_entries_account_seq"),
)

lots = sa.Table(
    "lgst_lots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("remaining", sa.BigInteger, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("earned_on", sa.Date, nullable=False),
    sa.Column("entry_key", Key, nullable=False),
    sa.Column("carried_from", sa.Integer),  # the merged account's lot this one continues
)

holds = sa.Table(
    "lgst_holds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("key", Key, nullable=False, unique=True),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("until", sa.String(32), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # open | released | used
)

spend = sa.Table(
    "lgst_spend",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("amount", Paise, nullable=False),  # a return is negative
    sa.Column("ref", sa.String(100), nullable=False),
)

# the first result of every keyed request (commit, return, hold): a replay returns it
requests = sa.Table(
    "lgst_requests",
    metadata,
    sa.Column("key", Key, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("result", LongText, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

invoices = sa.Table(
    "lgst_invoices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("seller_gstin", sa.String(15), nullable=False),
    sa.Column("store", sa.String(32)),
    sa.Column("account_id", sa.Integer),
    sa.Column("grand_total", Paise, nullable=False),
    sa.Column("against_number", sa.String(32)),
    sa.Column("body", LongText, nullable=False),  # TaxedInvoice.model_dump_json()
    sa.UniqueConstraint("seller_gstin", "number", name="uq_lgst_invoices_seller_number"),
)

V1_TABLES = (schema_version, accounts, entries, lots, holds, spend, requests, invoices)

# version 3: cancelled invoices. The document stays stored (it was issued); GSTR-1 counts
# it in doc_issue as cancelled and leaves it out of the supplies.
cancellations = sa.Table(
    "lgst_cancellations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seller_gstin", sa.String(15), nullable=False),
    sa.Column("number", sa.String(32), nullable=False),
    sa.Column("date", sa.Date, nullable=False),  # the invoice's date: periods select on it
    sa.Column("cancelled_at", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.UniqueConstraint("seller_gstin", "number", name="uq_lgst_cancellations_seller_number"),
)

# version 2: the indexes the streaming reads and the velocity checks use
V2_INDEXES = (
    sa.Index("ix_lgst_invoices_date_number", invoices.c.date, invoices.c.number),
    sa.Index(
        "ix_lgst_invoices_seller_date", invoices.c.seller_gstin, invoices.c.date, invoices.c.number
    ),
    sa.Index("ix_lgst_invoices_against", invoices.c.seller_gstin, invoices.c.against_number),
    sa.Index("ix_lgst_entries_account_kind_at", entries.c.account_id, entries.c.kind, entries.c.at),
    sa.Index("ix_lgst_spend_account_day", spend.c.account_id, spend.c.day),
)

# version 4: the channel API — tokens (only their hash), presence challenges, signing keys,
# the notifier's outbox
tokens = sa.Table(
    "lgst_tokens",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # terminal | channel | admin
    sa.Column("store_code", sa.String(32)),
    sa.Column("gstin", sa.String(15)),
    sa.Column("terminal", sa.String(32)),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
)

otps = sa.Table(
    "lgst_otps",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # the challenge id
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("phone_ref", sa.String(64), nullable=False, index=True),  # never the number
    sa.Column("code_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("used_at", sa.String(32)),
    sa.Column("store_code", sa.String(32)),  # version 7
    sa.Column("terminal", sa.String(32)),  # version 7
)

nonces = sa.Table(
    "lgst_nonces",
    metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("used_at", sa.String(32), nullable=False),
)

keys = sa.Table(
    "lgst_keys",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("pem", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

notify_outbox = sa.Table(
    "lgst_notify_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("to_number", sa.String(16), nullable=False),  # E.164, to deliver; never logged
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON list of body parameters
    sa.Column("status", sa.String(10), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("provider_id", sa.String(128)),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("sent_at", sa.String(32)),
)

V4_TABLES = (tokens, otps, nonces, keys, notify_outbox)

# version 5: the company as set up from its file (`loyalty-gst setup`): particulars,
# registrations, stores and their tills, items, the program's versions, number series
company = sa.Table(
    "lgst_company",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1
    sa.Column("pan", sa.String(10), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # Particulars as JSON
    sa.Column("logo", sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")),
    sa.Column("revision", sa.Integer, nullable=False),  # +1 on every setup that changed data
    sa.Column("updated_at", sa.String(32), nullable=False),
)

registrations = sa.Table(
    "lgst_registrations",
    metadata,
    sa.Column("gstin", sa.String(15), primary_key=True),
    sa.Column("state_code", sa.String(2), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

stores = sa.Table(
    "lgst_stores",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("gstin", sa.String(15), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # StoreSpec as JSON (tills, series)
)

items = sa.Table(
    "lgst_items",
    metadata,
    sa.Column("sku", sa.String(100), primary_key=True),
    sa.Column("barcode", sa.String(64), unique=True),
    sa.Column("body", sa.Text, nullable=False),
)

programs = sa.Table(
    "lgst_programs",
    metadata,
    sa.Column("version", sa.String(32), primary_key=True),
    sa.Column("effective", sa.Date, nullable=False, unique=True),
    sa.Column("body", sa.Text, nullable=False),
)

series = sa.Table(
    "lgst_series",
    metadata,
    sa.Column("store_code", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(12), primary_key=True),
    sa.Column("till", sa.String(8), primary_key=True),  # "" for a web shop or app
    sa.Column("fy", sa.String(4), primary_key=True),  # 2526 = 1 Apr 2025 – 31 Mar 2026
    sa.Column("last", sa.Integer, nullable=False),
)

V5_TABLES = (company, registrations, stores, items, programs, series)
COMPANY_TABLES = V5_TABLES
# version 6: members in the browser and under the DPDP Act — consent by purpose (append-only:
# the latest row per account and purpose is in force), member sessions (only their hash),
# WhatsApp messages with delivery statuses and retry times, erasures (the mobile as a keyed
# hash), and the desk's number counter
consents = sa.Table(
    "lgst_consents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("granted", sa.Boolean, nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),  # member_page | desk | whatsapp | otp
    sa.Column("wording", sa.String(32), nullable=False),  # version of the text shown
    sa.Column("at", sa.String(32), nullable=False),
)

member_sessions = sa.Table(
    "lgst_member_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the cookie's secret
    sa.Column("account_id", sa.Integer, nullable=False, index=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
)

messages = sa.Table(
    "lgst_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, index=True),
    sa.Column("to_number", sa.String(16)),  # E.164, to deliver; cleared on erasure; never logged
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # JSON list; an OTP is never stored
    sa.Column("dedupe", sa.String(120), unique=True),  # one reminder per lot and day …
    sa.Column("status", sa.String(12), nullable=False),  # queued|sent|delivered|read|failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_at", sa.String(32)),  # when a queued message is tried again
    sa.Column("provider_id", sa.String(128), index=True),
    sa.Column("last_error", sa.String(200)),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("sent_at", sa.String(32)),
    sa.Column("status_at", sa.String(32)),
)

erasures = sa.Table(
    "lgst_erasures",
    metadata,
    sa.Column("account_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("mobile_hmac", sa.String(64), nullable=False, index=True),
    sa.Column("erased_at", sa.String(32), nullable=False),
)

counters = sa.Table(
    "lgst_counters",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

# redemptions above the program's approval threshold, held for the owner's yes or no
approvals = sa.Table(
    "lgst_approvals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seller_gstin", sa.String(15), nullable=False),
    sa.Column("store_code", sa.String(32), nullable=False),
    sa.Column("terminal", sa.String(32)),
    sa.Column("number", sa.String(32), nullable=False),  # the invoice it is for
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("total", sa.String(20), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending | approved | rejected
    sa.Column("approver", sa.String(64)),
    sa.Column("requested_at", sa.String(32), nullable=False),
    sa.Column("decided_at", sa.String(32)),
    sa.UniqueConstraint("seller_gstin", "number", name="uq_lgst_approvals_seller_number"),
)

V6_TABLES = (consents, member_sessions, messages, erasures, counters, approvals)


# version 7: one offline allowance per member and day, shared by every till: each till is
# granted its part while online, spends it offline, and returns what it did not spend when
# it syncs; and who asked for each OTP (limits per till and per store)
allowances = sa.Table(
    "lgst_allowances",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("store_code", sa.String(32), nullable=False),
    sa.Column("terminal", sa.String(32), nullable=False),
    sa.Column("day", sa.Date, nullable=False),  # the IST day it may be spent on
    sa.Column("points", sa.BigInteger, nullable=False),  # granted (never lowered)
    sa.Column("used", sa.BigInteger, nullable=False, default=0),  # spent, as synced
    sa.Column("status", sa.String(10), nullable=False),  # open | settled
    sa.Column("granted_at", sa.String(32), nullable=False),
    sa.Column("settled_at", sa.String(32)),
    sa.Index("ix_lgst_allowances_account_day", "account_id", "day"),
    sa.Index("ix_lgst_allowances_till", "store_code", "terminal", "status"),
)

V7_TABLES = (allowances,)
V7_OTP_COLUMNS = (("store_code", sa.String(32)), ("terminal", sa.String(32)))
