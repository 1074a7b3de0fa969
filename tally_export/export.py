"""From TaxedInvoices to Tally import files: the one pipeline the CLI and the demo share.

`read_jsonl` streams one TaxedInvoice per line; `write_masters` collects and writes the
masters; `write_vouchers` streams the vouchers into chunked files and keeps a summary
(count, Σ party amounts, Σ tax copied) so a caller can reconcile the file with the
invoices it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from loyalty_gst.errors import InvalidInput, Problem
from loyalty_gst.models import TaxedInvoice
from loyalty_gst.money import ZERO, format_inr
from tally_export.config import TallySettings
from tally_export.masters import MasterSet
from tally_export.vouchers import Voucher, build
from tally_export.writer import ImportWriter


def read_jsonl(path: str | Path) -> Iterator[TaxedInvoice]:
    """One TaxedInvoice JSON per line (blank lines skipped); a bad line names its number."""
    with Path(path).open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield TaxedInvoice.model_validate_json(line)
            except ValidationError as exc:
                raise InvalidInput(
                    [
                        Problem(
                            f"line {no}: " + ".".join(str(p) for p in e["loc"]),
                            e.get("input"),
                            e["msg"],
                        )
                        for e in exc.errors()[:10]
                    ]
                ) from None


@dataclass
class MastersSummary:
    files: list[Path]
    count: int
    problems: list[Problem] = field(default_factory=list)


def write_masters(
    invoices: Iterable[TaxedInvoice], settings: TallySettings, out_dir: str | Path
) -> tuple[MasterSet, MastersSummary]:
    ms = MasterSet(settings).add_all(invoices)
    with ImportWriter(
        out_dir, settings.company, id_="All Masters", prefix="masters", chunk_size=10**9
    ) as w:
        for el in ms.elements():
            w.write_element(el)
    return ms, MastersSummary(w.files, w.count, ms.problems)


@dataclass
class VouchersSummary:
    files: list[Path] = field(default_factory=list)
    count: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    party_total: Decimal = ZERO  # Σ |party amount|
    tax_total: Decimal = ZERO  # Σ TaxedInvoice.totals.tax written
    loyalty_discount: Decimal = ZERO

    def line(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_type.items()))
        return (
            f"{self.count} vouchers ({kinds}) in {len(self.files)} file(s); "
            f"party {format_inr(self.party_total)}, tax {format_inr(self.tax_total)}, "
            f"loyalty discount {format_inr(self.loyalty_discount)}"
        )


def write_vouchers(
    invoices: Iterable[TaxedInvoice],
    settings: TallySettings,
    out_dir: str | Path,
    *,
    on_voucher: Callable[[Voucher], None] | None = None,
) -> VouchersSummary:
    """Stream every invoice's voucher into chunked files; refuse one that does not sum to 0."""
    summary = VouchersSummary()
    with ImportWriter(out_dir, settings.company, chunk_size=settings.chunk_size) as w:
        for inv in invoices:
            v = build(inv, settings)
            w.write(v)
            # a credit note takes back what its invoice gave: the totals are net of notes
            sign = -1 if inv.kind == "credit_note" else 1
            summary.count += 1
            summary.by_type[v.vchtype] = summary.by_type.get(v.vchtype, 0) + 1
            summary.party_total += sign * abs(v.party_amount)
            summary.tax_total += sign * inv.totals.tax
            summary.loyalty_discount += sign * inv.totals.loyalty_discount
            if on_voucher is not None:
                on_voucher(v)
    summary.files = w.files
    return summary
