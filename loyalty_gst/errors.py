"""One exception hierarchy. Every error names the field, the value and the rule.

Glue translates once: `frappe.throw` in ERPNext, a JSON problem in the API, an exit
code in the CLI. Batch checks return `Problem`s as data instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (dotted field path), what value, which rule, optional code."""

    field: str
    value: object
    rule: str
    code: str | None = None

    def __str__(self) -> str:
        code = f"[{self.code}] " if self.code else ""
        return f"{code}{self.field or '<root>'}: {self.rule} (got {self.value!r})"


class LoyaltyGstError(Exception):
    """Base of every error loyalty-gst raises on purpose."""

    code = "error"


class InvalidInput(LoyaltyGstError):
    """Input broke one or more rules; nothing was computed or written."""

    code = "validation_error"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, field: str, value: object, rule: str, code: str | None = None) -> InvalidInput:
        return cls([Problem(field, value, rule, code)])
