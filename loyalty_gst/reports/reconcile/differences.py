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


@dataclass
class Differences:
    items: list[Difference] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # source -> documents compared

    def add(self, source: str, document: str, name: str, store: object, other: object) -> None:
        self.items.append(Difference(source, document, name, _text(store), _text(other)))

    def __iter__(self) -> Iterator[Difference]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def by_source(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.items:
            out[d.source] = out.get(d.source, 0) + 1
        return out


def _text(value: object) -> str:
    if value is None:
        return NONE
    return str(value)
