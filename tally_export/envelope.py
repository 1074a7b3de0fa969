"""Tally's XML envelopes: the import envelope and the export (read-back) requests.

Import (GST_RULES §5)::

    ENVELOPE/HEADER(VERSION 1, TALLYREQUEST Import, TYPE Data, ID Vouchers | All Masters)
    ENVELOPE/BODY/DESC/STATICVARIABLES/SVCURRENTCOMPANY
    ENVELOPE/BODY/DATA/TALLYMESSAGE/(VOUCHER | LEDGER | STOCKITEM | UNIT | TAXUNIT)

Export of stored vouchers: a `Collection` request (TYPE Collection) whose inline TDL
collection is of type Voucher, filtered to SVFROMDATE..SVTODATE and fetching what the
read-back compares (number, date, type, REMOTEID, ledger amounts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from lxml import etree

ImportId = Literal["Vouchers", "All Masters"]
READBACK_COLLECTION = "LoyaltyGstReadBack"


def header(parent: etree._Element, request: str, type_: str, id_: str) -> None:
    h = etree.SubElement(parent, "HEADER")
    etree.SubElement(h, "VERSION").text = "1"
    etree.SubElement(h, "TALLYREQUEST").text = request
    etree.SubElement(h, "TYPE").text = type_
    etree.SubElement(h, "ID").text = id_


def header_element(id_: ImportId) -> etree._Element:
    """The HEADER of an import; the writer emits it before streaming the BODY."""
    holder = etree.Element("X")
    header(holder, "Import", "Data", id_)
    return holder[0]


def desc_element(company: str) -> etree._Element:
    desc = etree.Element("DESC")
    sv = etree.SubElement(desc, "STATICVARIABLES")
    etree.SubElement(sv, "SVCURRENTCOMPANY").text = company
    return desc


def import_envelope(company: str, id_: ImportId, objects: Iterable[etree._Element]) -> bytes:
    """A whole import envelope in memory (for one small batch pushed over HTTP)."""
    env = etree.Element("ENVELOPE")
    header(env, "Import", "Data", id_)
    body = etree.SubElement(env, "BODY")
    body.append(desc_element(company))
    data = etree.SubElement(body, "DATA")
    for obj in objects:
        etree.SubElement(data, "TALLYMESSAGE").append(obj)
    return bytes(etree.tostring(env, encoding="utf-8", xml_declaration=True))


def export_vouchers_request(company: str, start: dt.date, end: dt.date) -> bytes:
    """Ask Tally for the vouchers dated start..end with what the read-back compares."""
    env = etree.Element("ENVELOPE")
    header(env, "Export", "Collection", READBACK_COLLECTION)
    body = etree.SubElement(env, "BODY")
    desc = etree.SubElement(body, "DESC")
    sv = etree.SubElement(desc, "STATICVARIABLES")
    etree.SubElement(sv, "SVCURRENTCOMPANY").text = company
    etree.SubElement(sv, "SVFROMDATE").text = f"{start:%Y%m%d}"
    etree.SubElement(sv, "SVTODATE").text = f"{end:%Y%m%d}"
    etree.SubElement(sv, "SVEXPORTFORMAT").text = "$$SysName:XML"
    tdl = etree.SubElement(etree.SubElement(desc, "TDL"), "TDLMESSAGE")
    coll = etree.SubElement(tdl, "COLLECTION", NAME=READBACK_COLLECTION, ISMODIFY="No")
    etree.SubElement(coll, "TYPE").text = "Voucher"
    etree.SubElement(coll, "FETCH").text = (
        "Date, VoucherNumber, VoucherTypeName, RemoteID, PartyLedgerName, "
        "AllLedgerEntries.LedgerName, AllLedgerEntries.Amount, "
        "LedgerEntries.LedgerName, LedgerEntries.Amount"
    )
    return bytes(etree.tostring(env, encoding="utf-8", xml_declaration=True))
