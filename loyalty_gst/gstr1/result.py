"""A built GSTR-1: the portal JSON (streamed out), its summary, reconciliation and warnings.

`write(fh)` streams the JSON: small sections from memory, per-invoice sections from
the builder's spill. Empty sections are left out (as the offline tool does).
`to_dict()` reads the JSON back with Decimal numbers (for tests and small months).
The builder makes it (`Builder.result()`); it holds the figures and the spill, not
the builder.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from loyalty_gst.errors import Problem
from loyalty_gst.gstr1 import b2b, b2cl, cdn, exp
from loyalty_gst.gstr1.figures import Figures, Reconciliation, SummaryRow, Tally
from loyalty_gst.gstr1.jsonout import dumps
from loyalty_gst.gstr1.spill import Spill

# per-invoice sections: (key, group key name, list key name) as the portal nests them
NESTED = {
    b2b.SECTION: ("ctin", "inv"),
    b2cl.SECTION: ("pos", "inv"),
    cdn.CDNR: ("ctin", "nt"),
    exp.SECTION: ("exp_typ", "inv"),
}
ORDER = ("b2b", "b2cl", "b2cs", "cdnr", "cdnur", "exp", "nil", "hsn", "doc_issue")


@dataclass
class Gstr1Result:
    gstin: str
    fp: str
    small: dict[str, Any]
    spill: Spill
    summary: tuple[SummaryRow, ...]
    reconciliation: Reconciliation
    warnings: tuple[Problem, ...]
    skipped: dict[str, int]

    def write(self, fh: IO[str]) -> None:
        """The portal JSON, streamed: per-invoice sections come from the spill."""
        fh.write(f'{{"gstin":{dumps(self.gstin)},"fp":"{self.fp}"')
        spill = self.spill
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
        self.spill.close()


__all__ = ["Figures", "Gstr1Result", "Reconciliation", "SummaryRow", "Tally"]
