"""The e-invoice log on a real PostgreSQL: table created if absent, secrets redacted."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from einvoice.log import EinvoiceLog, redact


def test_redact_finds_secrets_at_any_depth():
    data = {
        "AuthToken": "t",
        "Data": {"Sek": "s", "rows": [{"client-secret": "c", "Password": "p"}]},
        "AppKey": "k",
        "Irn": "kept",
    }
    assert redact(data) == {
        "AuthToken": "***",
        "Data": {"Sek": "***", "rows": [{"client-secret": "***", "Password": "***"}]},
        "AppKey": "***",
        "Irn": "kept",
    }


@pytest.mark.pg
def test_log_on_postgresql():
    admin = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    name = f"einv_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    engine = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        log = EinvoiceLog(engine)
        EinvoiceLog(engine)  # second time: table exists, nothing changes
        log.record(
            operation="auth",
            method="POST",
            url="http://x/eivital/v1.04/auth",
            attempt=1,
            outcome="ok",
            request_headers={"client_secret": "s3"},
            request={"Password": "pw", "UserName": "u"},
            response='{"Data": {"Sek": "k"}}',
        )
        (row,) = log.rows()
        assert "s3" not in row["request_headers"] and "pw" not in row["request"]
        assert "k" not in row["response"].replace("Sek", "") and '"UserName": "u"' in row["request"]
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
