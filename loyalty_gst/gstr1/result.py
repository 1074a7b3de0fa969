"""A built GSTR-1: the portal JSON (streamed out), its summary, reconciliation and warnings.

`write(fh)` streams the JSON: small sections from memory, per-invoice sections from
the builder's spill. Empty sections are left out (as the offline tool does).
`to_dict()` reads the JSON back with Decimal numbers (for tests and small months).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from loyalty_gst.errors import Problem
from loyalty_gst.gstr1 import b2b, b2cl, cdn, exp
from loyalty_gst.gstr1.amounts import decimal
from loyalty_gst.gstr1.jsonout import dumps

if TYPE_CHECKING:
    from loyalty_gst.gstr1.builder import Builder

# per-invoice sections: (key, group key name, list key name) as the portal nests them
NESTED = {
    b2b.SECTION: ("ctin", "inv"),
    b2cl.SECTION: ("pos", "inv"),
    cdn.CDNR: ("ctin", "nt"),
    exp.SECTION: ("exp_typ", "inv"),
}
ORDER = ("b2b", "b2cl", "b2cs", "cdnr", "cdnur", "exp", "nil", "hsn", "doc_issue")


@dataclass
class Tally:
    """Documents and [taxable, igst, cgst, sgst, cess] in paise."""

    documents: int = 0
    amounts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def add_amounts(self, a: Sequence[int], sign: int) -> None:
        m = self.amounts
        m[0] += sign * a[0]
        m[1] += sign * a[1]
        m[2] += sign * a[2]
        m[3] += sign * a[3]
        m[4] += sign * a[4]


@dataclass(frozen=True)
class Figures:
    """Taxable value and taxes in ₹ (2 dp)."""

    taxable: Decimal
    igst: Decimal
    cgst: Decimal
    sgst: Decimal
    cess: Decimal

    @property
    def tax(self) -> Decimal:
        return self.igst + self.cgst + self.sgst + self.cess

    @classmethod
    def of(cls, paise: Sequence[int]) -> Figures:
        return cls(*(decimal(p) for p in paise))


@dataclass(frozen=True)
class SummaryRow:
    section: str
    documents: int
    figures: Figures


@dataclass(frozen=True)
class Reconciliation:
    """Σ sections (notes subtracting, nil included) and Σ HSN against the books."""

    sections: Figures
    hsn: Figures
    books: Figures
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        mark = "agree to the paisa" if self.ok else f"DIFFER ({len(self.problems)} problems)"
        s, b = self.sections, self.books
        return (
            f"sections {s.taxable} taxable + {s.tax} tax; HSN {self.hsn.taxable} + {self.hsn.tax};"
            f" books {b.taxable} + {b.tax}: {mark}"
        )


@dataclass
class Gstr1Result:
    gstin: str
    fp: str
    small: dict[str, Any]
    builder: Builder
    summary: tuple[SummaryRow, ...]
    reconciliation: Reconciliation
    warnings: tuple[Problem, ...]
    skipped: dict[str, int]

    @classmethod
    def of(cls, builder: Builder) -> Gstr1Result:
        from loyalty_gst.gstr1 import checks

        small = {
            "b2cs": builder.b2cs.render(),
            "nil": builder.nil.render(),
            "hsn": builder.hsn.render(builder.period.split_hsn),
            "doc_issue": builder.docs.render(),
        }
        return cls(
            gstin=builder.gstin,
            fp=builder.period.fp,
            small={k: v for k, v in small.items() if v},
            builder=builder,
            summary=checks.summary(builder),
            reconciliation=checks.reconcile(builder),
            warnings=tuple(checks.warnings(builder)),
            skipped=dict(builder.skipped),
        )

    def write(self, fh: IO[str]) -> None:
        """The portal JSON, streamed: per-invoice sections come from the spill."""
        fh.write(f'{{"gstin":{dumps(self.gstin)},"fp":"{self.fp}"')
        spill = self.builder.spill
        for key in ORDER:
            if key in self.small:
                fh.write(f',"{key}":{dumps(self.small[key])}')
                continue
            if key not in NESTED and key != cdn.CDNUR:
                continue
            opened = False
            for grp, rows in spill.groups(key):
                fh.write("," if opened else f',"{key}":[')
                opened = True
                if key in NESTED:
                    gkey, lkey = NESTED[key]
                    fh.write(f'{{"{gkey}":{dumps(grp)},"{lkey}":[')
                first = True
                for r in rows:
                    if not first:
                        fh.write(",")
                    fh.write(r)
                    first = False
                if key in NESTED:
                    fh.write("]}")
            if opened:
                fh.write("]")
        fh.write("}")

    def to_json(self) -> str:
        buf = io.StringIO()
        self.write(buf)
        return buf.getvalue()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.to_json(), parse_float=Decimal)
        return data

    def close(self) -> None:
        """Delete the spill file (if any). Write first."""
        self.builder.spill.close()
