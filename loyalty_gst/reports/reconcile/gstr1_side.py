"""Store ↔ GSTR-1: the filed (or to-be-filed) portal JSON against the return the books
imply, row by row, to the paisa.

Both returns are flattened to (row key, {field: value}) — b2b/b2cl/exp invoices and
cdnr/cdnur notes by number (their header fields) and by (number, rate) (their items),
b2cs by (supply type, POS, rate), nil by supply type, HSN by (table, HSN, UQC, rate),
doc_issue by (document kind, first number) — numbers read as Decimal, so 2.5 = 2.50.
A row in one and not the other is a difference; so is every field that differs.

Streamed: each file is read incrementally with ijson (its yajl2 C parser; numbers as
int / Decimal, never float), one section item at a time (a buyer's invoices, a b2cs
row), and the rows of both returns are sorted together by key (`ordered.Sorted`,
bounded memory), so a return of a million invoices is compared with flat memory
whatever order its writer chose. The books' return is written to a temporary file
first (`Gstr1Result.write`, itself streamed) and read back the same way.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import IO, Any

import ijson

from loyalty_gst.gstr1.result import Gstr1Result
from loyalty_gst.reports.reconcile.differences import Differences
from loyalty_gst.reports.reconcile.ordered import Sorted

Row = dict[str, Any]
Key = tuple[str, ...]
SKIP = frozenset(("num", "desc", "itms", "itm_det"))
# per-document sections: (group key, list key, number key)
NESTED = {"b2b": ("ctin", "inv", "inum"), "b2cl": ("pos", "inv", "inum"),
          "exp": ("exp_typ", "inv", "inum"), "cdnr": ("ctin", "nt", "nt_num")}  # fmt: skip
# the prefixes (ijson's dotted paths) whose items are flattened one by one
ITEMS = {f"{s}.item": s for s in (*NESTED, "cdnur", "b2cs")} | {
    "nil.inv.item": "nil", "hsn.data.item": "data", "hsn.hsn_b2b.item": "hsn_b2b",
    "hsn.hsn_b2c.item": "hsn_b2c", "doc_issue.doc_det.item": "doc_issue",
}  # fmt: skip
SEP = "\x00"  # joins a key's parts: sorts as the tuples do


def _scalars(d: Row) -> Row:
    return {k: v for k, v in d.items() if k not in SKIP and not isinstance(v, list | dict)}


def _dicts(v: Any) -> Iterator[Row]:
    """The objects of a list (a file of another shape gives none: its rows go missing)."""
    if isinstance(v, list):
        yield from (x for x in v if isinstance(x, dict))


def _items(section: str, number: str, doc: Row) -> Iterator[tuple[Key, Row]]:
    for it in _dicts(doc.get("itms")):
        det = it.get("itm_det", it)
        if isinstance(det, dict):
            yield (section, number, f"{det.get('rt')}%"), _scalars(det)


def _rows(what: str, item: Any) -> Iterator[tuple[Key, Row]]:
    """The flattened rows of one item of a section (`what`: its ITEMS name)."""
    if not isinstance(item, dict):
        return
    if what in NESTED:
        gkey, lkey, nkey = NESTED[what]
        for doc in _dicts(item.get(lkey)):
            number = str(doc.get(nkey))
            yield (what, number), {gkey: item.get(gkey), **_scalars(doc)}
            yield from _items(what, number, doc)
    elif what == "cdnur":
        number = str(item.get("nt_num"))
        yield ("cdnur", number), _scalars(item)
        yield from _items("cdnur", number, item)
    elif what == "b2cs":
        yield ("b2cs", str(item.get("sply_ty")), str(item.get("pos")), f"{item.get('rt')}%"), \
            _scalars(item)  # fmt: skip
    elif what == "nil":
        yield ("nil", str(item.get("sply_ty"))), _scalars(item)
    elif what == "doc_issue":
        for r in _dicts(item.get("docs")):
            yield ("doc_issue", str(item.get("doc_num")), str(r.get("from"))), _scalars(r)
    else:  # an HSN table
        key = ("hsn", what, str(item.get("hsn_sc")), str(item.get("uqc")), f"{item.get('rt')}%")
        yield key, _scalars(item)


class Return:
    """One return read incrementally: its rows (`rows()`), then its gstin and fp."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.top: Row = {}
        self.is_object = False

    def rows(self) -> Iterator[tuple[Key, Row]]:
        builder: Any = None
        at = ""
        for prefix, event, value in ijson.parse(self.fh, use_float=False):
            if builder is not None:
                builder.event(event, value)
                if prefix == at and event in ("end_map", "end_array"):
                    yield from _rows(ITEMS[at], builder.value)
                    builder = None
                continue
            if prefix in ITEMS:
                if event in ("start_map", "start_array"):
                    builder, at = ijson.ObjectBuilder(), prefix
                    builder.event(event, value)
                continue
            if prefix == "" and event == "start_map":
                self.is_object = True
            elif prefix in ("gstin", "fp") and event not in ("start_map", "start_array"):
                self.top[prefix] = value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return Decimal(a) == Decimal(b)
    return a == b


def _sort(ret: Return, side: int, into: Sorted) -> int:
    n = 0
    for key, row in ret.rows():
        into.add(SEP.join(key), (side, row))
        n += 1
    return n


def compare_file(
    books: Gstr1Result, path: str | Path, diffs: Differences, gstin: str, fp: str
) -> None:
    """The books' return against the file at `path`; a file missing, unreadable or
    without rows is a difference (and nothing else is compared)."""
    p = Path(path)
    if not p.is_file():
        diffs.add("gstr1", "-", "file", "a GSTR-1 JSON", f"missing: {p}")
        return
    rows = Sorted()
    try:
        with tempfile.TemporaryFile() as tmp:
            text = io.TextIOWrapper(tmp, encoding="utf-8")
            books.write(text)
            text.flush()
            tmp.seek(0)
            _sort(Return(tmp), 0, rows)
            text.detach()
        filed = Return(p.open("rb"))
        try:
            found = _sort(filed, 1, rows)
        except ijson.JSONError as exc:
            diffs.add("gstr1", "-", "file", "a GSTR-1 JSON", f"unreadable: {exc}")
            return
        finally:
            filed.fh.close()
        if not filed.is_object or not found:
            diffs.add("gstr1", "-", "file", "a GSTR-1 JSON with rows", "empty")
            return
        for name, want in (("gstin", gstin), ("fp", fp)):
            if filed.top.get(name) != want:
                diffs.add("gstr1", "-", name, want, filed.top.get(name))
        _compare(rows, diffs)
    finally:
        rows.close()


def _compare(rows: Sorted, diffs: Differences) -> None:
    ours = 0
    for joined, run in groupby(rows, key=lambda kv: kv[0]):
        sides: list[Row | None] = [None, None]
        for _k, (side, row) in run:
            sides[side] = row  # a key seen twice in one return: the last one counts
        a, b = sides
        ours += a is not None
        doc = " ".join(joined.split(SEP))
        if b is None:
            diffs.add("gstr1", doc, "row", "present", "missing")
            continue
        if a is None:
            diffs.add("gstr1", doc, "row", "missing", "present")
            continue
        for f in sorted(a.keys() | b.keys()):
            if not _same(a.get(f), b.get(f)):
                diffs.add("gstr1", doc, f, a.get(f), b.get(f))
    diffs.checked["gstr1"] = ours
