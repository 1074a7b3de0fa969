"""Terminal commands with the server down say so in one line and keep every sale; the
stand-in servers start from the command line and answer the real clients."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from loyalty_gst.cli import main
from loyalty_gst.pos import Terminal
from loyalty_gst.pos import local as db

sys.path.insert(0, str(Path(__file__).parent))
from readme_blocks import readme_sale


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sync_with_the_server_down_keeps_the_outbox(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    dead = f"http://127.0.0.1:{free_port()}"
    till = Terminal(server=dead, token="t", db_path="till.sqlite", store_code="MUM-BAN",
                    terminal_id="T1")  # fmt: skip
    with till.engine.begin() as conn:
        for seq in (1, 2, 3):
            conn.execute(db.outbox.insert().values(
                seq=seq, event_id=f"T1:{seq}", kind="sale", status="queued",
                event=json.dumps({"event_id": f"T1:{seq}", "seq": seq}), created_at="x",
            ))  # fmt: skip
    till.close()
    args = ["pos", "--server", dead, "--store", "MUM-BAN", "--terminal", "T1", "--db",
            "till.sqlite", "sync"]  # fmt: skip
    r = CliRunner().invoke(main, args, env={"LOYALTY_GST_POS_TOKEN": "lgst_test"})
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines == [
        f"server {dead} unreachable; 3 sale(s) kept in the outbox (nothing lost: run "
        "`pos sync` again when it is back)"
    ]
    assert "Traceback" not in r.output
    engine = db.open_local("till.sqlite")
    with engine.connect() as conn:
        kept = conn.scalars(sa.select(db.outbox.c.status).order_by(db.outbox.c.seq)).all()
    engine.dispose()
    assert kept == ["queued", "queued", "queued"]  # nothing lost, nothing marked


def test_pos_without_store_or_terminal_names_them(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    r = CliRunner().invoke(main, ["pos", "status"], env={"LOYALTY_GST_POS_TOKEN": "x"})
    assert r.exit_code == 2 and "--store and --terminal" in r.stderr
    r = CliRunner().invoke(main, ["pos", "--store", "MUM-BAN", "--terminal", "T/9", "status"],
                           env={"LOYALTY_GST_POS_TOKEN": "x"})  # fmt: skip
    assert r.exit_code == 2 and "--terminal: a till name is 1–2 letters or digits" in r.stderr


def start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], list[str]]:
    """`loyalty-gst standin …` in its own process; its printed lines up to the URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "loyalty_gst.cli", "standin", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip()]
    return proc, lines


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def test_standin_tally_takes_masters_and_vouchers(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    port = free_port()
    proc, lines = start("tally", "--port", str(port))
    try:
        url = f"http://127.0.0.1:{port}"
        assert lines[0].startswith(f"stand-in Tally on {url}")
        jsonl = tmp_path / "inv.jsonl"
        from loyalty_gst import gst
        from loyalty_gst.validation import parse_sale

        sale = readme_sale()
        jsonl.write_text(gst.compute(parse_sale(sale)).model_dump_json() + "\n")
        for what in ("masters", "vouchers"):
            r = CliRunner().invoke(main, ["tally", what, "--company", "Lakshmi Lifestyle",
                                          str(jsonl), "-o", "tally", "--post", url])  # fmt: skip
            assert r.exit_code == 0, r.output
        assert "read back 1 of 1 vouchers" in r.output and "₹2,952.00" in r.output
    finally:
        stop(proc)


def test_standin_irp_registers_an_einvoice(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    port = free_port()
    proc, _ = start("irp", "--port", str(port))
    try:
        assert proc.stdout is not None
        env = {}
        while len(env) < 8:
            name, _, value = proc.stdout.readline().strip().removeprefix("export ").partition("=")
            env[name] = value
        assert env["LOYALTY_GST_IRP_BASE_URL"] == f"http://127.0.0.1:{port}"
        sale = tmp_path / "sale.json"
        sale.write_text(json.dumps(readme_sale()), encoding="utf-8")
        r = CliRunner().invoke(main, ["einvoice", "submit", str(sale), "--db",
                                      "sqlite:///einvoice-log.sqlite"], env=env)  # fmt: skip
        assert r.exit_code == 0, r.output
        reply = json.loads(r.stdout)
        assert len(reply["irn"]) == 64 and reply["ack_no"]
    finally:
        stop(proc)


def test_standin_whatsapp_checks_the_token(tmp_path: Path) -> None:
    import requests

    port = free_port()
    proc, lines = start("whatsapp", "--port", str(port),
                        env={"LOYALTY_GST_WHATSAPP_TOKEN": "try-me"})  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        assert lines[0] == f"stand-in WhatsApp Cloud API on {url}"
        msg = {"messaging_product": "whatsapp", "to": "919812345678", "type": "template",
               "template": {"name": "otp", "language": {"code": "en"},
                            "components": [{"type": "body",
                                            "parameters": [{"type": "text", "text": "123456"}]}]}}
        ok = requests.post(f"{url}/v19.0/1234567890/messages", json=msg, timeout=5,
                           headers={"Authorization": "Bearer try-me"})  # fmt: skip
        bad = requests.post(f"{url}/v19.0/1234567890/messages", json=msg, timeout=5,
                            headers={"Authorization": "Bearer wrong"})  # fmt: skip
        assert ok.status_code == 200 and ok.json()["messages"][0]["id"].startswith("wamid.")
        assert bad.status_code == 401
        assert proc.stdout is not None
        for _ in range(3):
            got = proc.stdout.readline()
            if got.startswith("message to"):
                break
        assert got.strip() == "message to +91******5678: template otp"  # no code, no number
    finally:
        stop(proc)
