"""`loyalty-gst standin irp|tally|whatsapp [--port N]`: a stand-in server on 127.0.0.1 for
trying the clients by hand — `einvoice submit|get|cancel`, `tally … --post`, OTPs from
`serve`. Each prints its URL and the settings to export, then serves until Ctrl-C.
They speak the real protocols (NIC's IRP API with test keys, Tally's XML port, the
WhatsApp Cloud API) and keep everything in memory: nothing leaves the machine.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from loyalty_gst.errors import InvalidInput
from loyalty_gst.ids.mobile import mask


def _port_option(default: int) -> Callable[..., Any]:
    return click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=default,
        show_default=True,
        help="Port on 127.0.0.1 (0: any free port).",
    )


def _bind(start: Callable[[], str], port: int) -> str:
    try:
        return start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInput.one("--port", port, "that port is in use; pick another") from None
        raise


def _serve_until_interrupted(stop: Callable[[], None], tick: Callable[[], None] | None) -> None:
    click.echo("serving; Ctrl-C stops it", err=True)
    try:
        while True:
            time.sleep(0.2)
            if tick is not None:
                tick()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        click.echo("stopped", err=True)


@click.group()
def standin() -> None:
    """Stand-in IRP, Tally and WhatsApp servers on 127.0.0.1, for trying the clients."""


@standin.command()
@_port_option(8701)
@click.option("--gstin", default="27AABCL4321K1ZL", show_default=True,
              help="The registration the stand-in IRP accepts.")  # fmt: skip
@click.option("--keys", "keys_dir", default="standin-irp", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for its public key and signing certificate (test keys).")  # fmt: skip
def irp(port: int, gstin: str, keys_dir: Path) -> None:
    """A stand-in IRP (NIC e-invoice API v1.03/1.04) signing with throw-away test keys."""
    from loyalty_gst.ids import gstin as gstin_ids
    from loyalty_gst.standins.irp import Account, StandinIrp

    try:
        gstin = gstin_ids.validate(gstin)
    except gstin_ids.InvalidGstin as exc:
        raise InvalidInput.one("--gstin", gstin, str(exc)) from None
    account = Account(gstin=gstin)
    server = StandinIrp(account, sandbox=False)
    url = _bind(lambda: server.start(port), port)
    keys_dir.mkdir(parents=True, exist_ok=True)
    (keys_dir / "public_key.pem").write_bytes(server.public_key_pem)
    (keys_dir / "signing_cert.pem").write_bytes(server.certificate_pem)
    click.echo(f"stand-in IRP on {url} (test keys: its signatures prove nothing)")
    settings = {
        "BASE_URL": url, "GSTIN": gstin, "USERNAME": account.username,
        "PASSWORD": account.password, "CLIENT_ID": account.client_id,
        "CLIENT_SECRET": account.client_secret,
        "PUBLIC_KEY": str(keys_dir / "public_key.pem"),
        "SIGN_CERT": str(keys_dir / "signing_cert.pem"),
    }  # fmt: skip
    for name, value in settings.items():
        click.echo(f"export LOYALTY_GST_IRP_{name}={value}")
    _serve_until_interrupted(server.stop, None)


@standin.command()
@_port_option(9000)
def tally(port: int) -> None:
    """A stand-in Tally Prime XML server (import envelopes, voucher read-back)."""
    from loyalty_gst.standins.tally import StandInTally

    server = StandInTally(port)
    _bind(lambda: server.start().url, port)
    click.echo(f"stand-in Tally on {server.url} (post with: tally … --post {server.url})")
    seen = [0]

    def tick() -> None:
        if server.requests != seen[0]:
            seen[0] = server.requests
            click.echo(
                f"{server.requests} request(s); holds {len(server.masters)} master(s), "
                f"{len(server.vouchers)} voucher(s)",
                err=True,
            )

    _serve_until_interrupted(server.stop, tick)


@standin.command()
@_port_option(8702)
@click.option("--phone-id", default="1234567890", show_default=True,
              help="The phone number id it answers for.")  # fmt: skip
@click.option("--show-codes", is_flag=True,
              help="Print the one-time codes it receives (a stand-in's codes only).")  # fmt: skip
def whatsapp(port: int, phone_id: str, show_codes: bool) -> None:
    """A stand-in WhatsApp Cloud API: checks the bearer token ($LOYALTY_GST_WHATSAPP_TOKEN,
    which `serve` sends too) and the message shape, and shows what arrives."""
    import os

    from loyalty_gst.standins.whatsapp import WhatsAppStandIn

    token = os.environ.get("LOYALTY_GST_WHATSAPP_TOKEN")
    if not token:
        raise InvalidInput.one(
            "$LOYALTY_GST_WHATSAPP_TOKEN", None, "set it (any test value); serve sends the same"
        )
    server = _bind_whatsapp(WhatsAppStandIn, token, phone_id, port)
    server.__enter__()
    click.echo(f"stand-in WhatsApp Cloud API on {server.url}")
    click.echo(f"export LOYALTY_GST_WHATSAPP_URL={server.url}")
    click.echo(f"export LOYALTY_GST_WHATSAPP_PHONE_ID={phone_id}")
    shown = [0]

    def tick() -> None:
        with server._lock:
            new = server.messages[shown[0] :]
            shown[0] += len(new)
        for m in new:
            to = mask("+" + str(m.get("to", "")))
            name = m.get("template", {}).get("name", "?")
            code = ""
            if show_codes:
                code = " code " + str(m["template"]["components"][0]["parameters"][0]["text"])
            click.echo(f"message to {to}: template {name}{code}")

    _serve_until_interrupted(lambda: server.__exit__(None, None, None), tick)


def _bind_whatsapp(cls: Any, token: str, phone_id: str, port: int) -> Any:
    try:
        return cls(token=token, phone_number_id=phone_id, port=port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInput.one("--port", port, "that port is in use; pick another") from None
        raise
