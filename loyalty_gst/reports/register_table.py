"""The register as a table: its columns and each row's cells (paise stay ints here).

Loyalty discount per GST rate has one column per slab in force or still valid for
older documents and their notes (0, 0.25, 1.5, 3, 5, 12, 18, 28, 40) and one for any
other rate of the IRP master set, so a streamed file knows its columns up front.
"""

from __future__ import annotations

from typing import Any

from loyalty_gst.reports.columns import Column
from loyalty_gst.reports.register_row import RegisterRow
from loyalty_gst.reports.totals import FIELDS

SLABS = ("0", "0.25", "1.5", "3", "5", "12", "18", "28", "40")

COLUMNS: tuple[Column, ...] = (
    Column("number", "Document", "text", 20),
    Column("date", "Date", "date", 11),
    Column("kind", "Kind", "text", 10),
    Column("gstin", "GSTIN", "text", 16),
    Column("store", "Store", "text", 8),
    Column("channel", "Channel", "text", 8),
    Column("member", "Member", "text", 15),
    Column("points", "Points", "int", 8),
    Column("point_value", "₹ per point", "rate", 8),
    Column("loyalty_value", "Loyalty ₹", "money", 11),
    Column("loyalty_discount", "Loyalty discount", "money", 12),
    *(Column(f"disc_{r}", f"Discount @{r}%", "money", 11, sparse=True) for r in SLABS),
    Column("disc_other", "Discount @other", "money", 11, sparse=True),
    Column("taxable_before", "Taxable before", "money", 13),
    Column("taxable_after", "Taxable after", "money", 13),
    Column("cgst", "CGST", "money", 11),
    Column("sgst", "SGST", "money", 11),
    Column("igst", "IGST", "money", 11),
    Column("cess", "Cess", "money", 10),
    Column("foregone_cgst", "CGST foregone", "money", 11, sparse=True),
    Column("foregone_sgst", "SGST foregone", "money", 11, sparse=True),
    Column("foregone_igst", "IGST foregone", "money", 11, sparse=True),
    Column("foregone_cess", "Cess foregone", "money", 10, sparse=True),
    Column("gst_foregone", "GST foregone", "money", 11),
    Column("points_restored", "Points restored", "int", 9, sparse=True),
    Column("gst_reversed", "GST reversed", "money", 11, sparse=True),
    Column("against", "Original invoice", "text", 18),
    Column("against_date", "Original date", "date", 11),
)
INDEX = {c.name: i for i, c in enumerate(COLUMNS)}


def cells(r: RegisterRow) -> list[Any]:
    disc = {rate: a[0] for rate, a in r.by_rate.items()}
    other = sum(v for rate, v in disc.items() if rate not in SLABS)
    return [
        r.number, r.date, r.kind, r.gstin, r.store, r.channel, r.member, r.points,
        r.point_value, r.loyalty_value, r.loyalty_discount,
        *(disc.get(rate, 0) for rate in SLABS), other,
        r.taxable_before, r.taxable_after, r.cgst, r.sgst, r.igst, r.cess,
        r.foregone_cgst, r.foregone_sgst, r.foregone_igst, r.foregone_cess, r.gst_foregone,
        r.points_restored, r.gst_reversed, r.against, r.against_date,
    ]  # fmt: skip


def totals_line(label: str, figures: list[int]) -> list[Any]:
    """A row under the register's columns carrying a totals figure set."""
    out: list[Any] = [None] * len(COLUMNS)
    out[0] = label
    for name, v in zip(FIELDS, figures, strict=True):
        if name == "documents":
            out[INDEX["kind"]] = f"{v} docs"
        else:
            out[INDEX[name]] = v
    return out


TOTALS_COLUMNS: tuple[Column, ...] = (
    Column("group", "Group", "text", 10),
    Column("key", "Key", "text", 18),
    Column("documents", "Documents", "int", 10),
    Column("points", "Points", "int", 10),
    *(Column(n, COLUMNS[INDEX[n]].header, "money", 14) for n in FIELDS[2:]),
)
