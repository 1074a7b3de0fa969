"""The XLSX writer's shortcut (out_xlsx.shortcut) replaces a private openpyxl method for
speed. These fail loudly when openpyxl changes it: the method, its signature and its
caller must be as in openpyxl 3.1, and the workbook written with the shortcut must be
byte-for-byte the one openpyxl writes by its own public path."""

from __future__ import annotations

import inspect
import zipfile
from pathlib import Path

import pytest
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from loyalty_gst.reports import out_xlsx
from loyalty_gst.reports.period import span_of
from loyalty_gst.reports.register import write_register
from loyalty_gst.store import Store


def test_openpyxl_still_has_the_method_the_shortcut_replaces() -> None:
    method = WriteOnlyWorksheet._values_to_row
    assert list(inspect.signature(method).parameters) == ["self", "values", "row_idx"]
    # and the writer still sends every appended row through it
    assert "self._values_to_row(row, row_idx)" in inspect.getsource(WriteOnlyWorksheet._write_rows)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # docProps/core.xml holds the time it was written
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_the_shortcut_writes_what_openpyxl_writes(
    month_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = tmp_path / "fast.xlsx"
    write_register(month_store, span_of(period="112025"), str(fast))
    monkeypatch.setattr(out_xlsx, "shortcut", lambda ws: None)  # openpyxl's own path
    plain = tmp_path / "plain.xlsx"
    write_register(month_store, span_of(period="112025"), str(plain))
    got, want = parts(fast), parts(plain)
    assert got.keys() == want.keys()
    for name in want:
        assert got[name] == want[name], name
    assert b"<c r=" in want["xl/worksheets/sheet1.xml"]  # cells were written at all
