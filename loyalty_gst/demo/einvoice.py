"""Demo step: the day's B2B e-invoices — payloads into out/einvoice/*.json, PDFs beside them.

No network: each payload is registered with the stand-in IRP on 127.0.0.1 (a real HTTP
exchange, signed with the stand-in's test key), so the PDFs carry a real signed IRN and
QR — from a test IRP, which the summary says. The exchanges go to an SQLite e-invoice
log in out/einvoice/einvoice_log.sqlite.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from einvoice.builder import NotApplicable, build
from einvoice.client import IrpClient
from einvoice.config import IrpConfig
from einvoice.log import EinvoiceLog
from einvoice.schema import dumps
from einvoice.validator import Settings, validate
from loyalty_gst.demo.context import DemoRun
from loyalty_gst.errors import InvalidInput
from loyalty_gst.printing import PrintJob, render
from loyalty_gst.standins.irp import DEMO_KEYS, Account, StandinIrp


def run_einvoice(run: DemoRun) -> None:
    out = run.out / "einvoice"
    out.mkdir(parents=True, exist_ok=True)
    noon = dt.datetime.combine(run.day, dt.time(18, 0))
    built, skipped, refused = [], 0, []
    for inv in run.invoices:
        try:
            payload = build(inv)
        except NotApplicable:
            skipped += 1
            continue
        except InvalidInput as exc:
            refused.append(f"{inv.number}: {exc}")
            continue
        problems = validate(payload, Settings(today=run.day))
        if problems:
            refused.append(f"{inv.number}: " + "; ".join(map(str, problems)))
            continue
        name = inv.number.replace("/", "_")
        (out / f"{name}.json").write_text(dumps(payload, indent=1), encoding="utf-8")
        built.append((name, inv, payload))

    registered = 0
    by_seller: dict[str, tuple[StandinIrp, IrpClient]] = {}
    db = out / "einvoice_log.sqlite"
    db.unlink(missing_ok=True)
    log_store = EinvoiceLog(sa.create_engine(f"sqlite:///{db}"))
    try:
        for name, inv, payload in built:
            gstin = inv.seller.gstin
            if gstin not in by_seller:
                irp = StandinIrp(
                    Account(gstin=gstin), sandbox=False, clock=lambda: noon,
                    keys=DEMO_KEYS.read_bytes(),
                )  # fmt: skip
                url = irp.start()
                a = irp.account
                cfg = IrpConfig(
                    base_url=url,
                    gstin=gstin,
                    username=a.username,
                    password=a.password,
                    client_id=a.client_id,
                    client_secret=a.client_secret,
                    public_key=irp.public_key_pem.decode(),
                )
                by_seller[gstin] = (irp, IrpClient(cfg, log_store=log_store))
            reg = by_seller[gstin][1].generate(payload)
            registered += 1
            (out / f"{name}.pdf").write_bytes(render(PrintJob(invoice=inv, einvoice=reg.printed())))
    finally:
        for irp, _ in by_seller.values():
            irp.stop()
    (out / "refused.txt").write_text("".join(r + "\n" for r in refused), encoding="utf-8")
    run.notes.append(
        f"e-invoice: {len(built)} B2B payloads valid ({skipped} B2C not applicable, "
        f"{len(refused)} refused, see refused.txt), {registered} registered with the "
        f"stand-in IRP (test key) → {out}/*.json, *.pdf"
    )
