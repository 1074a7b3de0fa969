"""PostgreSQL: a transaction's statements sent together, one round-trip per batch.

libpq's pipeline mode queues statements and sends them with one Sync; the server runs
them in order and answers once. The checkout sends two batches: BEGIN and its reads
(the request key, the duplicate document, the locked account and what the rules need
from it), then its writes and COMMIT. The statements are the store's own SQLAlchemy
Core statements, compiled once and prepared once per connection, run on the pool's
psycopg connection through libpq directly: one send and one wait per batch, no
SQLAlchemy execution overhead on the hot path. Their bind processors (`Paise`) still
apply; parameters go as text to the casts SQLAlchemy writes (`$1::INTEGER`), and only
results of plain types (integers, numeric sums, text, dates, booleans) are read here.

A database error is handed to SQLAlchemy's own handler, so callers see the same
`IntegrityError` / `OperationalError` (and a dropped connection is discarded from the
pool) as on the statement-at-a-time path.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import select
import threading
import weakref
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import pq

Rows = list[tuple[Any, ...]]
Batch = Sequence[tuple[sa.Executable, Sequence[dict[str, Any]]]]

# each called with the SQL of every batch sent (one round-trip each): the commit
# benchmark counts with it, the distribution-key test reads the statements
listeners: list[Callable[[list[str]], None]] = []


class _Statement:
    """One compiled statement: its SQL with $n parameters and a name to prepare it by."""

    def __init__(self, stmt: sa.Executable, names: tuple[str, ...], dialect: Any) -> None:
        target = stmt.inline() if isinstance(stmt, sa.Insert) else stmt  # no RETURNING id
        comp = target.compile(dialect=dialect, column_keys=list(names))  # type: ignore[attr-defined]
        order: list[str] = []

        def number(m: re.Match[str]) -> str:
            if m.group(0) == "%%":
                return "%"
            order.append(m.group(1))
            return f"${len(order)}"

        self.stmt = stmt  # kept alive: the cache is keyed by its id
        self.text = comp.string
        self.sql = re.sub(r"%%|%\((\w+)\)s", number, comp.string).encode()
        self.name = f"lgst_{next(_SERIAL)}".encode()
        self.order = tuple(order)
        self.comp = comp
        self.procs = procs = dict(comp._bind_processors)
        # the values SQLAlchemy bound itself (literals such as kind = 'redeem'), once
        fixed = {
            k: v for k, v in comp.construct_params(_check=False).items() if k not in names
        }
        self.fixed = {k: _text(procs[k](v) if k in procs else v) for k, v in fixed.items()}
        # per parameter: the row's key to read (None: a fixed value) and its processor
        self.slots = [
            (None if n in self.fixed else n, procs.get(n), self.fixed.get(n)) for n in order
        ]
        self.direct = all(n in self.fixed or n in names for n in order)

    def values(self, row: dict[str, Any]) -> list[bytes | None]:
        if not self.direct:  # parameter names SQLAlchemy renamed: let it map them
            params = self.comp.construct_params(row)
            return [
                _text(self.procs[n](params[n]) if n in self.procs else params[n])
                for n in self.order
            ]
        return [
            fixed if key is None else _text(proc(row[key]) if proc else row[key])
            for key, proc, fixed in self.slots
        ]


_SERIAL = itertools.count(1)
_COMPILED: dict[tuple[int, tuple[str, ...]], _Statement] = {}
_LOCK = threading.Lock()
# the statement names prepared on each connection (forgotten with the connection)
_PREPARED: weakref.WeakKeyDictionary[Any, set[bytes]] = weakref.WeakKeyDictionary()


def _text(v: Any) -> bytes | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return b"t" if v else b"f"
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, dt.date):
        return v.isoformat().encode()
    return str(v).encode()  # int, Decimal


_INT = {20, 21, 23, 26}  # int8, int2, int4, oid
_LOAD: dict[int, Callable[[bytes], Any]] = {
    **{oid: int for oid in _INT},
    1700: lambda b: Decimal(b.decode()),  # numeric (a SUM of bigint)
    1082: lambda b: dt.date.fromisoformat(b.decode()),
    16: lambda b: b == b"t",
}


def usable(conn: sa.Connection) -> bool:
    """Whether `conn` runs on psycopg 3 (PostgreSQL), which can pipeline."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def _compiled(stmt: sa.Executable, names: tuple[str, ...], dialect: Any) -> _Statement:
    found = _COMPILED.get((id(stmt), names))
    if found is None:
        found = _Statement(stmt, names, dialect)
        with _LOCK:
            _COMPILED[(id(stmt), names)] = found
    return found


def run(conn: sa.Connection, batch: Batch, *, commit: bool = False) -> list[Rows]:
    """Send `batch` (statement, parameter rows) in one round-trip, then COMMIT with it
    when `commit`; the rows each statement returned, in order. Within the caller's
    transaction (BEGIN goes first in the batch when none is open)."""
    raw: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    pgc = raw.pgconn
    prepared = _PREPARED.setdefault(raw, set())
    sent: list[str] = []
    plan: list[tuple[str, Any]] = []  # per command: ("begin"|"prepare"|"run"|"commit", x)
    try:
        pgc.enter_pipeline_mode()
        try:
            if pgc.transaction_status == pq.TransactionStatus.IDLE:
                pgc.send_query_params(b"BEGIN", None)
                plan.append(("begin", None))
            for stmt, rows in batch:
                st = _compiled(stmt, tuple(rows[0]), conn.dialect)
                if st.name not in prepared and ("prepare", st.name) not in plan:
                    pgc.send_prepare(st.name, st.sql)
                    plan.append(("prepare", st.name))
                for row in rows:
                    pgc.send_query_prepared(st.name, st.values(row))
                    plan.append(("run", len(sent)))
                sent.append(st.text)
            if commit:
                pgc.send_query_params(b"COMMIT", None)
                plan.append(("commit", None))
                sent.append("COMMIT")
            pgc.pipeline_sync()
            results = _collect(pgc, len(plan))
        finally:
            if pgc.status == pq.ConnStatus.OK:
                pgc.exit_pipeline_mode()
        out: list[Rows] = [[] for _ in batch]
        error = None
        for (what, x), res in zip(plan, results, strict=True):
            if res.status == pq.ExecStatus.FATAL_ERROR and error is None:
                error = psycopg.errors.error_from_result(res, encoding=raw.info.encoding)
            elif what == "prepare" and res.status == pq.ExecStatus.COMMAND_OK:
                prepared.add(x)
            elif what == "run" and res.status == pq.ExecStatus.TUPLES_OK:
                out[x].extend(_rows(res))
        if error is not None:
            raise error
    except psycopg.Error as exc:
        if isinstance(exc, psycopg.errors.InvalidSqlStatementName):
            prepared.clear()  # dropped behind our back (DEALLOCATE ALL): prepare again
        conn._handle_dbapi_exception(exc, "; ".join(sent), None, None, None)
    for listener in listeners:
        listener(sent)
    return out


def _wait(pgc: pq.abc.PGconn, *, write: bool = False) -> None:
    """Block (the GIL released) until the server's socket can be read (or written);
    poll, not select: a busy server process may hold descriptors past 1024."""
    poller = select.poll()
    poller.register(pgc.socket, select.POLLOUT if write else select.POLLIN)
    poller.poll()


def _collect(pgc: pq.abc.PGconn, count: int) -> list[pq.abc.PGresult]:
    """The first result of each of `count` pipelined commands, then the Sync's."""
    while pgc.flush() == 1:  # the rest of the batch once the socket takes it
        _wait(pgc, write=True)

    def next_result() -> pq.abc.PGresult | None:
        while pgc.is_busy():
            _wait(pgc)
            pgc.consume_input()
        return pgc.get_result()

    results = []
    for _ in range(count):
        res = next_result()
        if res is None:
            raise psycopg.OperationalError("the server ended a pipelined batch early")
        results.append(res)
        while next_result() is not None:  # each command's results end with a None
            pass
    sync = next_result()
    if sync is None or sync.status != pq.ExecStatus.PIPELINE_SYNC:
        raise psycopg.OperationalError("the server did not answer a pipelined batch's Sync")
    return results


def _rows(res: pq.abc.PGresult) -> Rows:
    loads = [_LOAD.get(res.ftype(c), bytes.decode) for c in range(res.nfields)]
    return [
        tuple(
            None if (v := res.get_value(r, c)) is None else load(v)
            for c, load in enumerate(loads)
        )
        for r in range(res.ntuples)
    ]
