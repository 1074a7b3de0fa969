"""out/index.html links every file the demo made, each with its one-line explanation."""

from __future__ import annotations

import re
from pathlib import Path

from loyalty_gst.demo import index


def test_index_links_every_file_with_what_it_is(tmp_path: Path) -> None:
    for rel in ("summary.json", "gstr1/27AABCL4321K1ZL_112025.json", "print/27X/A_1.pdf",
                "print/27X/A_1.receipt.pdf", "channels/till1.sqlite", "odd.bin"):  # fmt: skip
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    page = index.write(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r"<a href='([^']*)'>[^<]*</a> <span>— ([^<]*)</span>", page)
    assert dict(links) == {
        "summary.json": "the day in figures: invoices, points redeemed, loyalty discount, tax",
        "gstr1/27AABCL4321K1ZL_112025.json": (
            "GSTR-1 of one GSTIN for the month, portal JSON, loyalty inside taxable"
        ),
        "print/27X/A_1.pdf": "the printed GST document (A4): every Rule 46 particular, points line",
        "print/27X/A_1.receipt.pdf": "an 80 mm till receipt",
        "channels/till1.sqlite": "a till&#x27;s local file: cached customers, outbox, its invoices",
        "odd.bin": "made by the demo",
    }
    assert "6 files" in page
