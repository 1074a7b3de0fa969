"""Throw-away databases for tests and benchmarks on this machine's services.

`create_temp_database("postgresql" | "mariadb" | "sqlite")` makes a fresh, empty database
named lgst_ledger_<random> and returns its URL; `drop_database(url)` removes it.
PostgreSQL: user postgres on 127.0.0.1:5432 (trust auth), via the `postgres` database.
MariaDB: root with an empty password on 127.0.0.1:3306. SQLite: a file in a temp dir.
Override the servers with $LOYALTY_GST_PG_ADMIN / $LOYALTY_GST_MARIADB_ADMIN (admin URLs).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import sqlalchemy as sa

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MARIADB_ADMIN = "mariadb+pymysql://root:@127.0.0.1:3306/"
KINDS = ("sqlite", "postgresql", "mariadb")


def _admin(kind: str) -> str:
    if kind == "postgresql":
        return os.environ.get("LOYALTY_GST_PG_ADMIN", PG_ADMIN)
    if kind == "mariadb":
        return os.environ.get("LOYALTY_GST_MARIADB_ADMIN", MARIADB_ADMIN)
    raise ValueError(f"unknown database kind {kind!r}; expected one of {KINDS}")


def create_temp_database(kind: str, prefix: str = "lgst_ledger") -> str:
    """A new empty database; its URL. Raises if the server cannot be reached."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"{name}_"))
        return f"sqlite:///{folder / (name + '.sqlite')}"
    admin = sa.make_url(_admin(kind))
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            else:
                conn.exec_driver_sql(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                )
    finally:
        engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by create_temp_database (SQLite: delete the file)."""
    u = sa.make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        path = Path(u.database or "")
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        if path.parent.name.startswith("lgst_"):
            path.parent.rmdir()
        return
    kind = "postgresql" if backend == "postgresql" else "mariadb"
    engine = sa.create_engine(_admin(kind), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{u.database}`")
    finally:
        engine.dispose()
