"""How a command ends when something goes wrong: one exit code, a few plain lines, never a
traceback.

    2  bad input: every problem, one line each (its JSON path, option, or 1-based line
       of a file; the value; the rule) — also bad options and unreadable files
    1  a refused request or a failed check: the ledger said no, a server is unreachable,
       the books do not agree
    0  success

An error nobody foresaw prints its type and message on one line (exit 1) and asks to be
reported; `LOYALTY_GST_TRACEBACK=1` shows the traceback for whoever debugs it.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass

import click
from pydantic import ValidationError

from loyalty_gst.errors import InvalidInput, LoyaltyGstError, Problem
from loyalty_gst.problems import from_pydantic, header


@dataclass(frozen=True)
class Failure:
    code: int
    lines: tuple[str, ...]


def _usage(exc: click.UsageError) -> Failure:
    where = None
    if isinstance(exc, click.BadParameter):
        where = exc.param_hint
        if where is None and exc.param is not None:
            where = (
                exc.param.get_error_hint(exc.ctx)
                if exc.ctx is not None
                else (exc.param.opts or [exc.param.name or "?"])[0]
            )
        if isinstance(where, list | tuple):
            where = " / ".join(where)
        where = str(where).replace("'", "").replace('"', "") if where else None
    message = exc.format_message() if not where else exc.message
    if isinstance(exc, click.MissingParameter) and where:
        message = f"missing ({exc.param_type or 'value'} required)"
    text = f"{where}: {message}" if where else message
    cmd = exc.ctx.command_path if exc.ctx is not None else "loyalty-gst"
    return Failure(2, (f"error: {' '.join(text.split())}", f"  (see: {cmd} --help)"))


def _problems(problems: tuple[Problem, ...] | list[Problem]) -> Failure:
    return Failure(2, (f"error: {header(len(problems))}:", *(f"  - {p}" for p in problems)))


def _network(exc: BaseException) -> str | None:
    """The server a network error was about, if it is one."""
    names = {type(c).__name__ for c in type(exc).__mro__}
    if names & {"ConnectionError", "ConnectError", "Timeout", "TimeoutException", "Offline"}:
        request = getattr(exc, "request", None)
        url = getattr(request, "url", None)
        return str(url) if url else "the server"
    return None


def failure_of(exc: BaseException) -> Failure:
    """The exit code and lines for an exception that reached the command line."""
    if isinstance(exc, InvalidInput):
        return _problems(exc.problems)
    if isinstance(exc, ValidationError):
        return _problems(from_pydantic(exc))
    if isinstance(exc, click.UsageError):
        return _usage(exc)
    if isinstance(exc, click.ClickException):
        return Failure(exc.exit_code or 1, (f"error: {exc.format_message()}",))
    if isinstance(exc, LoyaltyGstError):
        return Failure(1, (f"error: {' '.join(str(exc).split())}",))
    if isinstance(exc, UnicodeDecodeError):
        return _problems([Problem("<file>", None, "not UTF-8 text")])
    if isinstance(exc, IsADirectoryError | NotADirectoryError | FileNotFoundError):
        return _problems([Problem(str(exc.filename or "<file>"), None, exc.strerror or "")])
    if isinstance(exc, PermissionError):
        return _problems([Problem(str(exc.filename or "<file>"), None, "permission denied")])
    server = _network(exc)
    if server is not None:
        return Failure(1, (f"error: server {server} unreachable ({type(exc).__name__})",))
    if isinstance(exc, KeyboardInterrupt):
        return Failure(130, ("interrupted",))
    detail = " ".join(str(exc).split())[:200]
    return Failure(
        1,
        (
            f"error: internal error ({type(exc).__name__}: {detail}); please report it "
            "(LOYALTY_GST_TRACEBACK=1 shows where)",
        ),
    )


def report(exc: BaseException) -> int:
    """Print the failure on stderr and give its exit code."""
    f = failure_of(exc)
    if (
        os.environ.get("LOYALTY_GST_TRACEBACK")
        and f.code == 1
        and f.lines[0].startswith("error: internal")
    ):
        traceback.print_exception(exc)
    for ln in f.lines:
        click.echo(ln, err=True)
    return f.code
