"""Hand-worked GSTR-1 sections: every amount below is worked out in the comments."""

from __future__ import annotations

from decimal import Decimal as D

from gstr1_factories import (
    ABROAD,
    BUYER_KA,
    BUYER_MH,
    GSTIN,
    OTHER_SELLER,
    books,
    invoice,
    line,
    loyalty,
    sections_total,
)

from loyalty_gst import gst
from loyalty_gst.gstr1 import Settings, build
from loyalty_gst.models import ReturnLine


def ret(fp: str, docs: list, **settings: object) -> dict:
    result = build(GSTIN, fp, docs, Settings(**settings))  # type: ignore[arg-type]
    assert result.reconciliation.ok, result.reconciliation.problems
    return result.to_dict()


# a B2C inter-state sale worth ₹1,00,001: taxable 95,239.05 at 5 % IGST
# IGST = 95,239.05 × 5 / 100 = 4,761.9525 → 4,761.95; value = 95,239.05 + 4,761.95 = 1,00,001.00
BIG = [line("95239.05")]


def test_b2c_inter_state_100001_on_2_aug_2024_is_b2cl() -> None:
    inv = invoice("B/1", "2024-08-02", BIG, place_of_supply="29")
    assert inv.totals.grand_total == D("100001.00")
    r = ret("082024", [inv])
    # from 1 Aug 2024 the limit is ₹1,00,000: 1,00,001 > 1,00,000 → b2cl
    assert r["b2cl"] == [
        {
            "pos": "29",
            "inv": [
                {
                    "inum": "B/1",
                    "idt": "02-08-2024",
                    "val": D("100001.00"),
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "txval": D("95239.05"),
                                "rt": 5,
                                "iamt": D("4761.95"),
                                "csamt": D("0.00"),
                            },
                        }
                    ],
                }
            ],
        }
    ]
    assert "b2cs" not in r


def test_the_same_on_31_jul_2024_is_b2cs() -> None:
    inv = invoice("B/1", "2024-07-31", BIG, place_of_supply="29")
    r = ret("072024", [inv])
    # before 1 Aug 2024 the limit is ₹2,50,000: 1,00,001 ≤ 2,50,000 → b2cs
    assert "b2cl" not in r
    assert r["b2cs"] == [
        {
            "sply_ty": "INTER",
            "pos": "29",
            "typ": "OE",
            "txval": D("95239.05"),
            "rt": 5,
            "iamt": D("4761.95"),
            "csamt": D("0.00"),
        }
    ]


def test_b2c_intra_state_large_invoice_stays_in_b2cs() -> None:
    # intra-state: never b2cl, whatever the value (CGST = SGST = 95,239.05 × 2.5 % = 2,380.98)
    r = ret("082024", [invoice("B/1", "2024-08-02", BIG)])
    assert r["b2cs"][0]["sply_ty"] == "INTRA"
    assert r["b2cs"][0]["camt"] == D("2380.98")


def test_loyalty_discounted_b2b_sale_shows_its_reduced_taxable_value() -> None:
    # 2 shirts @1,000 at 5 % + a belt @1,000 at 18 %; 300 points at ₹1 on the taxable basis:
    # ₹300 split 2,000 : 1,000 → 200 and 100. Shirts 2,000 − 200 = 1,800, CGST = SGST =
    # 1,800 × 2.5 % = 45.00; belt 1,000 − 100 = 900, CGST = SGST = 900 × 9 % = 81.00.
    # value = 1,800 + 45 + 45 + 900 + 81 + 81 = 2,952.00
    inv = invoice(
        "INV/1",
        "2025-11-21",
        [line("1000", qty="2"), line("1000", rate="18", hsn="4203", unit="NOS")],
        buyer=BUYER_MH,
        loyalty=loyalty(300),
    )
    r = ret("112025", [inv])
    assert r["b2b"] == [
        {
            "ctin": "27AAPFU0939F1ZV",
            "inv": [
                {
                    "inum": "INV/1",
                    "idt": "21-11-2025",
                    "val": D("2952.00"),
                    "pos": "27",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "txval": D("1800.00"),
                                "rt": 5,
                                "camt": D("45.00"),
                                "samt": D("45.00"),
                                "csamt": D("0.00"),
                            },
                        },
                        {
                            "num": 2,
                            "itm_det": {
                                "txval": D("900.00"),
                                "rt": 18,
                                "camt": D("81.00"),
                                "samt": D("81.00"),
                                "csamt": D("0.00"),
                            },
                        },
                    ],
                }
            ],
        }
    ]


def test_partial_credit_note_to_unregistered_buyer_nets_into_b2cs() -> None:
    # sale: 2 shirts @1,000 at 5 %, intra → taxable 2,000, CGST = SGST = 50.00
    sale = invoice("S/1", "2025-11-03", [line("1000", qty="2")])
    # note: 1 of 2 back → taxable 1,000, CGST = SGST = 25.00
    note = gst.credit_note(
        sale,
        number="CN/1",
        date=sale.date.replace(day=9),
        returns=[ReturnLine(line_no=1, qty=D(1))],
    )
    r = ret("112025", [sale, note])
    # b2cs: 2,000 − 1,000 = 1,000; 50 − 25 = 25 each
    assert r["b2cs"] == [
        {
            "sply_ty": "INTRA",
            "pos": "27",
            "typ": "OE",
            "txval": D("1000.00"),
            "rt": 5,
            "camt": D("25.00"),
            "samt": D("25.00"),
            "csamt": D("0.00"),
        }
    ]
    assert "cdnur" not in r and "cdnr" not in r
    # HSN nets too: qty 2 − 1 = 1
    assert r["hsn"]["hsn_b2c"][0]["qty"] == 1
    assert r["hsn"]["hsn_b2c"][0]["txval"] == D("1000.00")


def test_credit_note_to_registered_buyer_is_cdnr_with_positive_values() -> None:
    # B2B to Karnataka (inter): 1 belt @1,000 at 18 % → IGST 180; note returns all of it
    sale = invoice("S/1", "2025-11-03", [line("1000", rate="18")], buyer=BUYER_KA)
    note = gst.credit_note(sale, number="CN/1", date=sale.date)
    r = ret("112025", [sale, note])
    assert r["cdnr"] == [
        {
            "ctin": "29AAPFU0939F1ZR",
            "nt": [
                {
                    "ntty": "C",
                    "nt_num": "CN/1",
                    "nt_dt": "03-11-2025",
                    "val": D("1180.00"),
                    "pos": "29",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "txval": D("1000.00"),
                                "rt": 18,
                                "iamt": D("180.00"),
                                "csamt": D("0.00"),
                            },
                        }
                    ],
                }
            ],
        }
    ]
    # sections net to zero: 1,000 − 1,000
    assert sections_total(r)["txval"] == D("0.00")


def test_note_against_b2cl_invoice_and_export_go_to_cdnur() -> None:
    big = invoice("B/1", "2025-11-02", BIG, place_of_supply="29")
    # the whole invoice back: val 1,00,001.00
    big_note = gst.credit_note(big, number="CN/1", date=big.date)
    # export without payment: 1 × ₹5,000 at 0 % (zero-rated stays in exp, not nil)
    ex = invoice("E/1", "2025-11-05", [line("5000", rate="0")], buyer=ABROAD, category="EXPWOP")
    ex_note = gst.credit_note(ex, number="CN/2", date=ex.date)
    r = ret("112025", [big, big_note, ex, ex_note])
    assert [(n["typ"], n["nt_num"], n.get("pos"), n["val"]) for n in r["cdnur"]] == [
        ("B2CL", "CN/1", "29", D("100001.00")),
        ("EXPWOP", "CN/2", None, D("5000.00")),
    ]
    assert r["exp"] == [
        {
            "exp_typ": "WOPAY",
            "inv": [
                {
                    "inum": "E/1",
                    "idt": "05-11-2025",
                    "val": D("5000.00"),
                    "itms": [
                        {"txval": D("5000.00"), "rt": 0, "iamt": D("0.00"), "csamt": D("0.00")}
                    ],
                }
            ],
        }
    ]
    assert "nil" not in r


def test_small_note_against_a_b2cl_invoice_is_cdnur_when_the_original_is_known() -> None:
    # original: 10 × ₹10,000 at 5 % to KA → 1,00,000 + IGST 5,000 = 1,05,000 > 1,00,000: B2CL
    big = invoice("B/1", "2025-10-30", [line("10000", qty="10")], place_of_supply="29")
    # note: 1 of 10 back → 10,000 + 500 = 10,500 (itself below the limit)
    note = gst.credit_note(
        big, number="CN/1", date=big.date.replace(month=11, day=4),
        returns=[ReturnLine(line_no=1, qty=D(1))],
    )  # fmt: skip
    assert note.totals.grand_total == D("10500.00")
    # the original in an earlier period, known through the lookup: cdnur B2CL
    known = Settings(original_value=lambda n: (10500000, "2025-10-30") if n == "B/1" else None)
    r = build(GSTIN, "112025", [note], known).to_dict()
    assert [(n["typ"], n["val"]) for n in r["cdnur"]] == [("B2CL", D("10500.00"))]
    # unknown original and a small note: netted into b2cs (−10,000; IGST −500)
    r = build(GSTIN, "112025", [note]).to_dict()
    assert "cdnur" not in r
    assert (r["b2cs"][0]["txval"], r["b2cs"][0]["iamt"]) == (D("-10000.00"), D("-500.00"))
    # the original in the same stream: remembered as B2CL
    r = build(GSTIN, "112025", [big.model_copy(update={"date": note.date}), note]).to_dict()
    assert [n["typ"] for n in r["cdnur"]] == ["B2CL"]


def test_nil_exempt_and_non_gst_lines() -> None:
    # intra B2C: milk 0 % (nil rated by default) ₹60 × 2, an exempt book ₹300, a non-GST ₹500,
    # and a taxable shirt ₹1,000 at 5 %; inter B2B (to KA): nil-rated rice ₹700
    b2c = invoice(
        "S/1",
        "2025-11-03",
        [
            line("60", rate="0", qty="2", hsn="0401", unit="LTR"),
            line("300", rate="0", hsn="4901", unit="NOS", tax_category="exempt"),
            line("500", rate="0", hsn="2716", unit="NOS", tax_category="non_gst"),
            line("1000"),
        ],
    )
    b2b = invoice(
        "S/2", "2025-11-04", [line("700", rate="0", hsn="1006", unit="KGS")], buyer=BUYER_KA
    )
    r = ret("112025", [b2c, b2b])
    assert r["nil"] == {
        "inv": [
            {"sply_ty": "INTRB2B", "nil_amt": D("700.00"), "expt_amt": D("0.00"),
             "ngsup_amt": D("0.00")},
            {"sply_ty": "INTRAB2C", "nil_amt": D("120.00"), "expt_amt": D("300.00"),
             "ngsup_amt": D("500.00")},
        ]
    }  # fmt: skip
    # only the shirt is in b2cs; the B2B invoice has no taxable line, so no b2b entry
    assert [row["txval"] for row in r["b2cs"]] == [D("1000.00")]
    assert "b2b" not in r


def test_hsn_single_table_in_april_2025_split_from_may_2025() -> None:
    def month(day: str) -> list:
        return [
            # B2B: 2 shirts @500 at 5 % intra → 1,000, CGST = SGST = 25.00
            invoice("S/1", day, [line("500", qty="2")], buyer=BUYER_MH),
            # B2C: 1 shirt @500 → 500, CGST = SGST = 12.50; a service (SAC 9983) ₹2,000 at 18 %
            invoice("S/2", day, [line("500"), line("2000", rate="18", hsn="9983", unit="OTH")]),
        ]

    april = ret("042025", month("2025-04-10"))["hsn"]
    assert list(april) == ["data"]
    # one table: 6105 PCS 5 % = 1,000 + 500 = 1,500 (qty 3); services: UQC NA, qty 0
    assert [(r["hsn_sc"], r["uqc"], r["qty"], r["txval"], r["camt"]) for r in april["data"]] == [
        ("6105", "PCS", 3, D("1500.00"), D("37.50")),
        ("9983", "NA", 0, D("2000.00"), D("180.00")),
    ]
    may = ret("052025", month("2025-05-10"))["hsn"]
    assert list(may) == ["hsn_b2b", "hsn_b2c"]
    assert [(r["num"], r["hsn_sc"], r["qty"], r["txval"]) for r in may["hsn_b2b"]] == [
        (1, "6105", 2, D("1000.00"))
    ]
    assert [(r["num"], r["hsn_sc"], r["uqc"], r["txval"]) for r in may["hsn_b2c"]] == [
        (1, "6105", "PCS", D("500.00")),
        (2, "9983", "NA", D("2000.00")),
    ]


def test_doc_issue_with_a_cancelled_invoice_and_a_gap() -> None:
    docs = [invoice(f"MUMBAN/2511/0000{n}", "2025-11-05", [line("100")]) for n in (1, 2, 3, 5)]
    result = build(GSTIN, "112025", docs, Settings(cancelled={"MUMBAN/2511/00002"}))
    r = result.to_dict()
    # known in the series: 1, 2 (cancelled), 3, 5 → total 4, cancelled 1, net 3; 4 is a gap
    assert r["doc_issue"] == {
        "doc_det": [
            {
                "doc_num": 1,
                "doc_typ": "Invoices for outward supply",
                "docs": [
                    {"num": 1, "from": "MUMBAN/2511/00001", "to": "MUMBAN/2511/00005",
                     "totnum": 4, "cancel": 1, "net_issue": 3},
                ],
            }
        ]
    }  # fmt: skip
    # the cancelled invoice is not a supply: b2cs holds 3 × 100 = 300.00
    assert r["b2cs"][0]["txval"] == D("300.00")
    gaps = [w for w in result.warnings if w.code == "DOC_GAP"]
    assert len(gaps) == 1 and gaps[0].value == ["MUMBAN/2511/00004"]


def test_cancelled_number_not_in_the_stream_extends_its_series() -> None:
    docs = [invoice("CN/9/1", "2025-11-05", [line("100")])]
    docs.append(gst.credit_note(docs[0], number="CR/7", date=docs[0].date))
    r = build(GSTIN, "112025", docs, Settings(cancelled={"CR/8", "X/1"})).to_dict()
    det = {d["doc_num"]: d["docs"] for d in r["doc_issue"]["doc_det"]}
    # CR/8 joins the credit-note series CR/ (7..8); X/1 has no series: an invoice series
    assert det[5] == [{"num": 1, "from": "CR/7", "to": "CR/8", "totnum": 2, "cancel": 1,
                       "net_issue": 1}]  # fmt: skip
    assert {"num": 2, "from": "X/1", "to": "X/1", "totnum": 1, "cancel": 1, "net_issue": 0} in det[
        1
    ]


def test_only_the_filing_gstin_and_the_period_are_taken() -> None:
    mine = invoice("S/1", "2025-11-30", [line("100")])
    other_gstin = invoice("S/2", "2025-11-30", [line("100")], seller=OTHER_SELLER)
    other_month = invoice("S/3", "2025-12-01", [line("100")])
    result = build(GSTIN, "112025", [mine, other_gstin, other_month])
    assert result.skipped == {"other_gstin": 1, "other_period": 1, "cancelled": 0, "duplicate": 0}
    assert result.to_dict()["b2cs"][0]["txval"] == D("100.00")


def test_duplicate_numbers_are_kept_once_and_warned() -> None:
    a = invoice("S/1", "2025-11-02", [line("100")])
    result = build(GSTIN, "112025", [a, a])
    assert result.to_dict()["b2cs"][0]["txval"] == D("100.00")
    assert [w.code for w in result.warnings] == ["DUPLICATE"]
    assert result.reconciliation.ok
    assert books([a]) == sections_total(result.to_dict())


def test_warnings_hsn_digits_uqc_irn_and_negative_b2cs() -> None:
    sale = invoice("S/1", "2025-11-02", [line("100", unit="PIECES")], buyer=BUYER_MH)
    b2c = invoice("S/2", "2025-11-02", [line("100", rate="18", hsn="4203")])
    note = gst.credit_note(b2c, number="CN/1", date=b2c.date)
    prior = gst.credit_note(b2c, number="CN/2", date=b2c.date)  # returns the same again
    result = build(
        GSTIN, "112025", [sale, b2c, note, prior],
        Settings(aato=D("60000000"), irns={"OTHER/1": "x"}),
    )  # fmt: skip
    codes = {w.code: w.value for w in result.warnings}
    assert codes["HSN_DIGITS"] == ["4203", "6105"]  # AATO ₹6 crore > ₹5 crore: 6 digits
    assert codes["UQC"] == "PIECES"
    assert codes["IRN"] == ["S/1"]
    # b2cs at 18 %: 100 − 100 − 100 = −100.00
    assert codes["B2CS_NEGATIVE"] == "-100.00"
    # below ₹5 crore: 4 digits are enough and e-invoicing does not apply
    quiet = build(GSTIN, "112025", [sale], Settings(aato=D("40000000"), irns=set()))
    assert {w.code for w in quiet.warnings} == {"UQC"}
