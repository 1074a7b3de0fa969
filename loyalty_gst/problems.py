"""What a person reads when an input is refused: one line per problem, the same everywhere.

The CLI prints these lines on stderr (exit 2), the API carries them in its problem+json
(`lines`), so a till operator and a script author see the same words. A line names where
(the JSON path, the option, or the 1-based line of a CSV or JSON Lines file), the value
and the rule:

>>> line(Problem("lines.0.qty", "0", "quantity must be positive"))
'lines.0.qty: quantity must be positive (got \\'0\\')'
>>> line(Problem("customer", "+919812345678", "not a member"))
"customer: not a member (got '+91******5678')"
>>> line(Problem("--as-of", "abc", "expected a date YYYY-MM-DD", None))
"--as-of: expected a date YYYY-MM-DD (got 'abc')"

Pydantic's errors become problems of the same shape (`from_pydantic`): its path joined
with dots, the input value, and its message without the "Value error, " prefix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from loyalty_gst.errors import InvalidInput, Problem


def line(p: Problem) -> str:
    """One problem, one line: `[code] where: rule (got value)`."""
    return str(p)


def lines(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]


# pydantic words some rules differently when it validates a request (FastAPI) and a file
# (model_validate): one wording for both, in the format's terms
_BY_TYPE = {
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "extra_forbidden": "unknown field (not part of the format)",
}
_PLAIN = re.compile(r"^[A-Za-z0-9_-]+$")


def _part(p: object) -> str:
    text = str(p)
    return text if isinstance(p, int) or _PLAIN.match(text) else json.dumps(text)


def path_of(loc: Sequence[object]) -> str:
    """A pydantic location as a dotted path; an odd key is quoted (`lines.0."a b"`)."""
    return ".".join(_part(p) for p in loc)


def _msg(err: Any) -> str:
    if err.get("type") in _BY_TYPE:
        return _BY_TYPE[err["type"]]
    msg = str(err.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def from_pydantic(
    exc: ValidationError | Sequence[Any], prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """Every error pydantic found, as problems (the path joined with dots)."""
    errors = list(exc.errors() if isinstance(exc, ValidationError) else exc)
    paths = [tuple(e.get("loc", ())) for e in errors]
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in errors:
        own = tuple(err.get("loc", ()))
        if err.get("type") == "too_short" and any(
            len(p) > len(own) and p[: len(own)] == own for p in paths
        ):
            continue  # "too few items" only because its items failed: they are named
        loc = [*prefix, *own]
        path = path_of(loc)
        msg = _msg(err)
        if (path, msg) in seen:
            continue
        seen.add((path, msg))
        value = err.get("input")
        if isinstance(value, dict | list) and err.get("type") != "missing":
            value = type(value).__name__  # a whole object is not a value to print
        if err.get("type") == "missing":
            value = None
        out.append(Problem(path, value, msg))
    return out


def invalid(exc: ValidationError, prefix: Sequence[str | int] = ()) -> InvalidInput:
    """`InvalidInput` carrying every pydantic error as a problem."""
    return InvalidInput(from_pydantic(exc, prefix))


def header(count: int) -> str:
    return f"{count} problem(s) in the input"
