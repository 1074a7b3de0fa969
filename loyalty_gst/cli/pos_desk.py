"""`loyalty-gst pos sell` and `pos return`: billing from the desk through the till.

`sell SKU|BARCODE[:QTY] …` prices the items as set up (the till's catalogue), the member
by `--mobile`, `--points` to redeem with the customer's presence — `--app-code` (the code
their app shows; also offline) or an OTP sent to their WhatsApp and typed in (`--otp`, or
asked for). The invoice takes the next number of the store's series for this till. The
sale goes to the outbox before any network call; with the line down it is billed
offline within the program's cap and synced later. The receipt prints to the screen,
and as an 80 mm PDF with `--pdf FILE`. `return INVOICE [--line N:QTY …]` makes a credit
note for the whole invoice or the lines given.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from loyalty_gst.cli.show import emit_json, json_option
from loyalty_gst.errors import InvalidInput
from loyalty_gst.ids.mobile import mask
from loyalty_gst.models import ReturnLine, TaxedInvoice


def _picks(specs: tuple[str, ...]) -> list[tuple[str, Decimal]]:
    out = []
    for i, spec in enumerate(specs, start=1):
        code, _, qty = spec.rpartition(":") if ":" in spec else (spec, "", "1")
        try:
            n = Decimal(qty)
        except InvalidOperation:
            raise InvalidInput.one(
                f"item {i}", spec, "SKU or barcode, then :QTY (e.g. RICE-5:2)"
            ) from None
        if not code or n <= 0 or n != n.quantize(Decimal("0.001")):
            raise InvalidInput.one(f"item {i}", spec, "a positive quantity of at most 3 decimals")
        out.append((code, n))
    if not out:
        raise InvalidInput.one("items", None, "at least one item")
    return out


def _lines(t: Any, picks: list[tuple[str, Decimal]]) -> tuple[list[Any], bool]:
    """The picks as sale lines; an item the till does not know is bad input, named."""
    from loyalty_gst.pos import Refused

    for i, (code, _) in enumerate(picks, start=1):
        try:
            t.item(code)
        except Refused as exc:
            why = "no item with that SKU or barcode"
            if exc.code == "not_ready":
                why += " (the till has no catalogue yet: run `pos sync` online once)"
            raise InvalidInput.one(f"item {i}", code, why) from None
    lines, inclusive = t.lines_for(picks)
    return list(lines), bool(inclusive)


def receipt_text(inv: TaxedInvoice, *, balance: int | None, offline: bool) -> str:
    from loyalty_gst.printing.figures import count, inr, qty

    rows = [f"{inv.seller.trade_name or inv.seller.legal_name}", f"GSTIN {inv.seller.gstin}"]
    rows.append(f"{inv.number}   {inv.date:%d/%m/%Y}" + ("   (offline)" if offline else ""))
    for ln in inv.lines:
        rows.append(f"{ln.description or ln.sku}")
        rows.append(f"  {qty(ln.qty)} {ln.unit} × {inr(ln.unit_price)}  {inr(ln.total)}")
    t = inv.totals
    if t.loyalty_discount:
        rows.append(f"loyalty discount (before GST)   -{inr(t.loyalty_discount)}")
    rows.append(f"taxable value   {inr(t.taxable_value)}   GST {inr(t.tax)}")
    rows.append(f"TOTAL   {inr(t.grand_total)}")
    lo = inv.loyalty
    if lo.points_redeemed:
        rows.append(f"points redeemed: {count(lo.points_redeemed)} × {inr(lo.point_value)}")
    if balance is not None:
        rows.append(f"points balance after: {count(balance)}")
    return "\n".join(rows)


def _receipt_pdf(t: Any, inv: TaxedInvoice, path: str, balance: int | None) -> None:
    from loyalty_gst.printing import Letterhead, PrintJob, render

    co = t.catalogue.company
    head = Letterhead.of_seller(inv.seller).model_copy(
        update={
            k: v
            for k, v in {
                "trade_name": inv.seller.trade_name or co.get("trade_name"),
                "phone": co.get("phone"),
                "email": co.get("email"),
                "signatory": co.get("signatory"),
                "upi_vpa": co.get("upi_vpa"),
                "b2c_dynamic_qr": co.get("b2c_dynamic_qr", False),
            }.items()
            if v is not None
        }
    )
    job = PrintJob(invoice=inv, letterhead=head, points_balance_after=balance)
    Path(path).write_bytes(render(job, "receipt"))


@click.command()
@click.argument("items", nargs=-1, metavar="SKU|BARCODE[:QTY]…")
@click.option("--mobile", default=None, help="The member's mobile number.")
@click.option("--points", default=0, type=click.IntRange(min=0), help="Points to redeem.")
@click.option("--app-code", default=None, help="The code the member's app shows.")
@click.option("--otp", "otp", default=None, help="The OTP sent to the member (else asked for).")
@click.option("--pdf", "pdf", default=None, type=click.Path(dir_okay=False), help="Receipt PDF.")
@json_option
@click.pass_context
def sell(
    ctx: click.Context,
    items: tuple[str, ...],
    mobile: str | None,
    points: int,
    app_code: str | None,
    otp: str | None,
    pdf: str | None,
    as_json: bool,
) -> None:
    """Bill a sale: items by SKU or barcode and quantity; print the receipt."""
    from loyalty_gst.cli.pos import terminal_of
    from loyalty_gst.pos import Offline

    picks = _picks(items)
    if points and not mobile:
        raise InvalidInput.one("--points", points, "points are redeemed by a member: give --mobile")
    t = terminal_of(ctx)
    try:
        with contextlib.suppress(Offline):  # offline: bill with what the till cached
            t.refresh_program()
        lines, inclusive = _lines(t, picks)
        proof = None
        if points:
            proof = _presence(t, mobile, app_code, otp)
        rec = t.sale(
            lines,
            customer=mobile,
            points=points,
            presence_proof=proof,
            prices_include_tax=inclusive,
        )
        if pdf:
            _receipt_pdf(t, rec.invoice, pdf, rec.balance)
    finally:
        t.close()
    if as_json:
        emit_json(
            {
                "number": rec.invoice.number,
                "offline": rec.offline,
                "grand_total": str(rec.invoice.totals.grand_total),
                "points_redeemed": rec.invoice.loyalty.points_redeemed,
                "balance": rec.balance,
                "customer": mask(mobile) if mobile else None,
                "invoice": rec.invoice.model_dump(mode="json"),
            }
        )
        return
    click.echo(receipt_text(rec.invoice, balance=rec.balance, offline=rec.offline))
    if pdf:
        click.echo(f"receipt → {pdf}", err=True)


def _presence(t: Any, mobile: str | None, app_code: str | None, otp: str | None) -> dict[str, str]:
    """The member's presence: their app's code, or an OTP sent now and typed in."""
    from loyalty_gst.identity import normal_mobile
    from loyalty_gst.pos import Offline

    if app_code:
        return {"app_code": app_code}
    phone = normal_mobile(mobile or "")
    try:
        sent = t.api.call("POST", "/v1/presence/otp", {"mobile": phone})
    except Offline:
        raise InvalidInput.one(
            "--app-code", None, "offline, points need the code the member's app shows"
        ) from None
    code = otp or click.prompt(f"OTP sent to {mask(phone)}", hide_input=True)
    return {"challenge_id": sent["challenge_id"], "otp": str(code).strip()}


@click.command("return")
@click.argument("invoice_number")
@click.option("--line", "line_specs", multiple=True, help="LINE_NO:QTY returned (default: all).")
@json_option
@click.pass_context
def return_(
    ctx: click.Context, invoice_number: str, line_specs: tuple[str, ...], as_json: bool
) -> None:
    """A credit note for an invoice this till billed: whole, or the lines given."""
    from loyalty_gst.cli.pos import terminal_of

    lines = []
    for spec in line_specs:
        no, _, q = spec.partition(":")
        try:
            lines.append(ReturnLine(line_no=int(no), qty=Decimal(q or "0")))
        except (ValueError, InvalidOperation):
            raise InvalidInput.one("--line", spec, "LINE_NO:QTY, e.g. 2:1") from None
    t = terminal_of(ctx)
    try:
        if t.invoice(invoice_number) is None:
            raise InvalidInput.one("INVOICE", invoice_number, "not an invoice this till billed")
        number = t.return_(invoice_number, lines or None)
        pending = t.pending()
    finally:
        t.close()
    if as_json:
        emit_json({"credit_note": number, "against": invoice_number, "pending": pending})
        return
    click.echo(
        f"credit note {number} against {invoice_number}"
        + (f" ({pending} to sync)" if pending else "")
    )


__all__ = ["receipt_text", "return_", "sell"]
