"""Store ↔ GSTR-1: the filed (or to-be-filed) portal JSON against the return the books
imply, row by row, to the paisa.

Both returns are flattened to {row key: {field: value}} — b2b/b2cl/exp invoices and
cdnr/cdnur notes by number (their header fields) and by (number, rate) (their items),
b2cs by (supply type, POS, rate), nil by supply type, HSN by (table, HSN, UQC, rate),
doc_issue by (document kind, first number) — numbers read as Decimal, so 2.5 = 2.50.
A row in one and not the other is a difference; so is every field that differs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from loyalty_gst.reports.reconcile.differences import Differences

Row = dict[str, Any]
SKIP = frozenset(("num", "desc", "itms", "itm_det"))
# per-document sections: (group key, list key, number key)
NESTED = {"b2b": ("ctin", "inv", "inum"), "b2cl": ("pos", "inv", "inum"),
          "exp": ("exp_typ", "inv", "inum"), "cdnr": ("ctin", "nt", "nt_num")}  # fmt: skip


def _scalars(d: Row) -> Row:
    return {k: v for k, v in d.items() if k not in SKIP and not isinstance(v, list | dict)}


def _items(section: str, number: str, doc: Row) -> Iterator[tuple[tuple[str, ...], Row]]:
    for it in doc.get("itms") or []:
        det = it.get("itm_det", it)
        yield (section, number, f"{det.get('rt')}%"), _scalars(det)


def flatten(ret: Row) -> dict[tuple[str, ...], Row]:
    out: dict[tuple[str, ...], Row] = {}
    for section, (gkey, lkey, nkey) in NESTED.items():
        for group in ret.get(section) or []:
            for doc in group.get(lkey) or []:
                number = str(doc.get(nkey))
                out[(section, number)] = {gkey: group.get(gkey), **_scalars(doc)}
                out.update(_items(section, number, doc))
    for doc in ret.get("cdnur") or []:
        number = str(doc.get("nt_num"))
        out[("cdnur", number)] = _scalars(doc)
        out.update(_items("cdnur", number, doc))
    for r in ret.get("b2cs") or []:
        out[("b2cs", str(r.get("sply_ty")), str(r.get("pos")), f"{r.get('rt')}%")] = _scalars(r)
    for r in (ret.get("nil") or {}).get("inv") or []:
        out[("nil", str(r.get("sply_ty")))] = _scalars(r)
    hsn = ret.get("hsn") or {}
    for table in ("data", "hsn_b2b", "hsn_b2c"):
        for r in hsn.get(table) or []:
            key = ("hsn", table, str(r.get("hsn_sc")), str(r.get("uqc")), f"{r.get('rt')}%")
            out[key] = _scalars(r)
    for det in (ret.get("doc_issue") or {}).get("doc_det") or []:
        for r in det.get("docs") or []:
            out[("doc_issue", str(det.get("doc_num")), str(r.get("from")))] = _scalars(r)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return Decimal(a) == Decimal(b)
    return a == b


def load(path: str | Path, diffs: Differences) -> Row | None:
    """The filed return; None (and a difference) when missing, unreadable or empty."""
    p = Path(path)
    if not p.is_file():
        diffs.add("gstr1", "-", "file", "a GSTR-1 JSON", f"missing: {p}")
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal)
    except ValueError as exc:
        diffs.add("gstr1", "-", "file", "a GSTR-1 JSON", f"unreadable: {exc}")
        return None
    if not isinstance(data, dict) or not flatten(data):
        diffs.add("gstr1", "-", "file", "a GSTR-1 JSON with rows", "empty")
        return None
    return data


def compare(books: Row, filed: Row, diffs: Differences, gstin: str, fp: str) -> None:
    for name, want in (("gstin", gstin), ("fp", fp)):
        if filed.get(name) != want:
            diffs.add("gstr1", "-", name, want, filed.get(name))
    ours, theirs = flatten(books), flatten(filed)
    diffs.checked["gstr1"] = len(ours)
    for key in sorted(ours.keys() | theirs.keys()):
        doc = " ".join(key)
        a, b = ours.get(key), theirs.get(key)
        if b is None:
            diffs.add("gstr1", doc, "row", "present", "missing")
            continue
        if a is None:
            diffs.add("gstr1", doc, "row", "missing", "present")
            continue
        for f in sorted(a.keys() | b.keys()):
            if not _same(a.get(f), b.get(f)):
                diffs.add("gstr1", doc, f, a.get(f), b.get(f))
