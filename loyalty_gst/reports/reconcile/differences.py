"""A difference between two sources: which pair, which document, which field, both values.

Sources are named `ledger`, `store` (the stored invoices — the books), `gstr1`, `tally`
and `einvoice`; every difference compares the store with one other source. A source that
is missing or empty is itself a difference (document "-"), never agreement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from loyalty_gst.reports.columns import Column

NONE = "(none)"


@dataclass(frozen=True, slots=True)
class Difference:
    source: str  # the other source compared with the store
    document: str
    field: str
    store: str  # the books' value, as text
    other: str  # the other source's value, as text

    def line(self) -> str:
        return (
            f"{self.source}: {self.document} {self.field}: store {self.store}, "
            f"{self.source} {self.other}"
        )


COLUMNS = (
    Column("source", "Source", "text", 9),
    Column("document", "Document", "text", 20),
    Column("field", "Field", "text", 14),
    Column("store", "Store (books)", "text", 16),
    Column("other", "Other source", "text", 16),
)


SOURCES = ("store", "ledger", "gstr1", "tally", "einvoice")  # the order they are listed in


@dataclass
class Differences:
    """Differences kept per source as found (the sorted merge finds them in document
    order, every source at once) and listed source by source."""

    per_source: dict[str, list[Difference]] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)  # source -> documents compared

    def add(self, source: str, document: str, name: str, store: object, other: object) -> None:
        found = Difference(source, document, name, _text(store), _text(other))
        self.per_source.setdefault(source, []).append(found)

    @property
    def items(self) -> list[Difference]:
        order = [*SOURCES, *(s for s in self.per_source if s not in SOURCES)]
        return [d for s in order for d in self.per_source.get(s, ())]

    def __iter__(self) -> Iterator[Difference]:
        return iter(self.items)

    def __len__(self) -> int:
        return sum(len(v) for v in self.per_source.values())

    def by_source(self) -> dict[str, int]:
        return {s: len(v) for s, v in self.per_source.items()}


def _text(value: object) -> str:
    if value is None:
        return NONE
    return str(value)
