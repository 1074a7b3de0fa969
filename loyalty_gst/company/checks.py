"""Every rule of a company file that crosses fields, as problems with their paths.

GSTIN: format, state code and check character (python-stdnum's Luhn, in `ids.gstin`);
its first two digits are the registration's state and characters 3–12 the company's PAN;
a PIN within its state. A store bills under a registration of the file and its PIN lies
in that registration's state. SKUs and barcodes are unique. A document number is at most
16 characters (the IRP's limit): the longest number a series can make — prefix with the
financial year (4) and the longest till, then its digits — must fit, with letters,
digits, '/' and '-' only, not starting with 0. A store with more than one till needs
{till} in each prefix (each till numbers its own documents, also offline). Items: HSN
4/6/8 digits, a UQC unit, a GST rate of the master set, one of price or MRP.
"""

from __future__ import annotations

import datetime as dt
import re

from loyalty_gst.company.model import CompanyFile, SeriesSpec, StoreSpec, render_prefix
from loyalty_gst.errors import Problem
from loyalty_gst.gst import RATES
from loyalty_gst.ids import codes, gstin
from loyalty_gst.ids import pan as pan_id
from loyalty_gst.states import is_state_code, pin_belongs, state_name

_PREFIX = re.compile(r"^[A-Za-z1-9][A-Za-z0-9/\-]*$")
MAX_NUMBER = 16


def check(cf: CompanyFile) -> list[Problem]:
    """Every broken rule of the file (empty: the file may be set up)."""
    out: list[Problem] = []
    pan = cf.company.pan.upper()
    if not pan_id.is_valid(pan):
        out.append(Problem("company.pan", cf.company.pan, "not a valid PAN (AAAAA9999A)"))
    gstins: dict[str, str] = {}
    for i, r in enumerate(cf.registrations):
        path = f"registrations.{i}"
        try:
            g = gstin.validate(r.gstin)
        except gstin.InvalidGstin as exc:
            out.append(Problem(f"{path}.gstin", r.gstin, str(exc)))
            g = gstin.compact(r.gstin)
        if not is_state_code(r.state_code) or r.state_code == "96":
            out.append(Problem(f"{path}.state_code", r.state_code, "not a GST state code"))
        elif g[:2] != r.state_code:
            out.append(
                Problem(
                    f"{path}.state_code",
                    r.state_code,
                    f"the GSTIN {g} is of state {g[:2]}, not {r.state_code} "
                    f"({state_name(r.state_code)})",
                )
            )
        if g[2:12] != pan:
            out.append(
                Problem(f"{path}.gstin", r.gstin, f"its PAN {g[2:12]} is not the company's {pan}")
            )
        if is_state_code(r.state_code) and not pin_belongs(r.pincode, r.state_code):
            out.append(Problem(f"{path}.pincode", r.pincode, f"PIN not in state {r.state_code}"))
        if g in gstins:
            out.append(Problem(f"{path}.gstin", r.gstin, f"registered twice (also {gstins[g]})"))
        gstins.setdefault(g, path)
    codes_seen: dict[str, str] = {}
    for i, st in enumerate(cf.stores):
        path = f"stores.{i}"
        if st.code in codes_seen:
            out.append(
                Problem(
                    f"{path}.code", st.code, f"store code used twice (also {codes_seen[st.code]})"
                )
            )
        codes_seen.setdefault(st.code, path)
        reg = gstin.compact(st.registration)
        if reg not in gstins:
            out.append(
                Problem(f"{path}.registration", st.registration, "not a registration of this file")
            )
        elif not pin_belongs(st.pincode, reg[:2]):
            out.append(
                Problem(
                    f"{path}.pincode", st.pincode, f"PIN not in the registration's state {reg[:2]}"
                )
            )
        if st.channel != "store" and st.tills:
            out.append(Problem(f"{path}.tills", list(st.tills), "only a store has tills"))
        if len(set(st.tills)) != len(st.tills):
            out.append(Problem(f"{path}.tills", list(st.tills), "a till is named twice"))
        out += _series(f"{path}.series", st, st.series)
    out += _shared_prefixes(cf)
    out += _items(cf)
    efforts = [p.effective for p in cf.program]
    if len(set(efforts)) != len(efforts):
        out.append(
            Problem("program", [str(d) for d in efforts], "two versions take effect on one day")
        )
    return out


def _series(path: str, st: StoreSpec, spec: SeriesSpec) -> list[Problem]:
    out: list[Problem] = []
    longest = max(st.tills, key=len) if st.tills else ""
    prefixes: dict[str, str] = {}
    for kind in ("invoice", "credit_note", "debit_note"):
        template = spec.prefix(kind)  # type: ignore[arg-type]
        if template is None:
            continue
        sample = render_prefix(template, day=dt.date(2025, 4, 1), till=longest)
        number = sample + "9" * spec.digits
        if len(number) > MAX_NUMBER:
            out.append(
                Problem(
                    f"{path}.{kind}",
                    template,
                    f"makes numbers of {len(number)} characters ({number}); at most {MAX_NUMBER}",
                )
            )
        rest = template.replace("{fy}", "").replace("{till}", "")
        if "{" in rest or "}" in rest:
            out.append(Problem(f"{path}.{kind}", template, "only {fy} and {till} may be filled in"))
        elif not _PREFIX.match(sample):
            out.append(
                Problem(
                    f"{path}.{kind}",
                    template,
                    "letters, digits, '/' and '-' only, not starting with 0",
                )
            )
        if len(st.tills) > 1 and "{till}" not in template:
            out.append(
                Problem(f"{path}.{kind}", template, "a store with several tills needs {till} in it")
            )
        if template in prefixes:
            out.append(
                Problem(f"{path}.{kind}", template, f"the same prefix as {prefixes[template]}")
            )
        prefixes.setdefault(template, kind)
    return out


def _shared_prefixes(cf: CompanyFile) -> list[Problem]:
    """Two series of one GSTIN with one prefix would issue the same numbers."""
    out: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for i, st in enumerate(cf.stores):
        for kind in ("invoice", "credit_note", "debit_note"):
            template = st.series.prefix(kind)  # type: ignore[arg-type]
            if template is None:
                continue
            key = (gstin.compact(st.registration), template)
            path = f"stores.{i}.series.{kind}"
            if key in seen and not seen[key].startswith(f"stores.{i}."):
                out.append(
                    Problem(path, template, f"{seen[key]} of the same GSTIN has this prefix")
                )
            seen.setdefault(key, path)
    return out


def _items(cf: CompanyFile) -> list[Problem]:
    out: list[Problem] = []
    skus: dict[str, str] = {}
    barcodes: dict[str, str] = {}
    for i, it in enumerate(cf.items):
        path = f"items.{i}"
        if it.sku in skus:
            out.append(Problem(f"{path}.sku", it.sku, f"SKU used twice (also {skus[it.sku]})"))
        skus.setdefault(it.sku, path)
        if it.barcode is not None:
            if it.barcode in barcodes:
                out.append(
                    Problem(
                        f"{path}.barcode",
                        it.barcode,
                        f"barcode used twice (also {barcodes[it.barcode]})",
                    )
                )
            barcodes.setdefault(it.barcode, path)
        if not codes.hsn_ok(it.hsn):
            out.append(Problem(f"{path}.hsn", it.hsn, "HSN/SAC of 4, 6 or 8 digits"))
        if not codes.uqc_ok(it.unit):
            out.append(Problem(f"{path}.unit", it.unit, "a GST unit quantity code (UQC)"))
        if it.gst_rate not in RATES:
            out.append(
                Problem(f"{path}.gst_rate", str(it.gst_rate), "a GST rate of the master set")
            )
        if (it.price is None) == (it.mrp is None):
            out.append(
                Problem(f"{path}.price", None, "give exactly one of price (before tax) or mrp")
            )
    for i, p in enumerate(cf.program):
        for j, sku in enumerate(p.excluded_skus):
            if sku not in skus:
                out.append(Problem(f"program.{i}.excluded_skus.{j}", sku, "no such item"))
    return out
