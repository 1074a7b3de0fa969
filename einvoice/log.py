"""The e-invoice log: every IRP request and response, in the store, secrets never kept.

One row per HTTP exchange in table `lgst_einvoice_log` (created if absent) via SQLAlchemy
Core on the Engine the caller gives. Before anything is written, `redact` replaces the
values of secret keys — authtoken, sek, appkey, password, client_secret (any case, '-'
or '_') — in headers and bodies, at any depth.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa

SECRET = re.compile(r"^(auth[-_]?token|sek|app[-_]?key|password|client[-_]?secret)$", re.I)
REDACTED = "***"

metadata = sa.MetaData()
einvoice_log = sa.Table(
    "lgst_einvoice_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("operation", sa.String(32), nullable=False),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("gstin", sa.String(15)),
    sa.Column("doc_no", sa.String(16)),
    sa.Column("irn", sa.String(64)),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error_codes", sa.String(200)),
    sa.Column("request_headers", sa.Text),
    sa.Column("request", sa.Text),
    sa.Column("response", sa.Text),
    sa.Column("duration_ms", sa.Integer),
)


def redact(value: Any) -> Any:
    """A copy with every secret key's value replaced by '***'."""
    if isinstance(value, dict):
        return {k: REDACTED if SECRET.match(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        text = value if isinstance(value, str) else value.decode("utf-8", "replace")
        try:  # JSON text gets the same redaction as a dict
            value = json.loads(text)
        except ValueError:
            return text
    return json.dumps(redact(value), default=str, ensure_ascii=False)


class EinvoiceLog:
    """Append-only log of IRP exchanges on a given Engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, tables=[einvoice_log], checkfirst=True)

    def record(
        self,
        *,
        operation: str,
        method: str,
        url: str,
        attempt: int,
        outcome: str,
        gstin: str | None = None,
        doc_no: str | None = None,
        irn: str | None = None,
        http_status: int | None = None,
        error_codes: list[str] | None = None,
        request_headers: dict[str, Any] | None = None,
        request: Any = None,
        response: Any = None,
        duration_ms: int | None = None,
    ) -> None:
        row = {
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "operation": operation,
            "method": method,
            "url": url[:500],
            "gstin": gstin,
            "doc_no": doc_no,
            "irn": irn,
            "attempt": attempt,
            "http_status": http_status,
            "outcome": outcome,
            "error_codes": ",".join(error_codes or ())[:200] or None,
            "request_headers": _json(redact(request_headers or {})),
            "request": _json(redact(request)),
            "response": _json(redact(response)),
            "duration_ms": duration_ms,
        }
        with self.engine.begin() as conn:
            conn.execute(einvoice_log.insert().values(**row))

    def rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(einvoice_log).order_by(einvoice_log.c.id))
            return [dict(r._mapping) for r in result]
