"""The built wheel, installed in a fresh venv, runs from a folder outside the repository:
setup → serve → a till sells → the invoice prints, and `loyalty-gst demo` (its company
ships inside the package). Nothing reads the source tree.

The venv gets the wheel alone (no dependencies resolved from an index: the test venv's
site-packages is made visible through a .pth, so no network is needed); the package it
imports must be the installed one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import requests

from loyalty_gst.api.testing import free_port

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (cmd, r.stdout[-2000:], r.stderr[-2000:])
    return r.stdout


def test_wheel_in_a_fresh_venv_sets_up_sells_and_prints(tmp_path: Path) -> None:
    src = tmp_path / "src"  # a copy: building in the checkout would leave build/ there
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")
    for name in ("loyalty_gst", "einvoice", "tally_export"):
        shutil.copytree(REPO / name, src / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
          "-w", str(dist), str(src)], cwd=tmp_path)  # fmt: skip
    wheel = next(dist.glob("loyalty_gst-*.whl"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
          str(wheel)], cwd=tmp_path)  # fmt: skip
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).strip())  # fmt: skip
    deps = Path(_run([sys.executable, "-c", "import sqlalchemy, os; "
                      "print(os.path.dirname(os.path.dirname(sqlalchemy.__file__)))"],
                     cwd=tmp_path).strip())  # fmt: skip
    (site / "zz_test_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    work = tmp_path / "shop"  # outside the repository, nothing beside it but the file
    work.mkdir()
    shutil.copy(HERE / "kaveri.yaml", work / "company.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALTY_GST", "PYTHON"))}
    where = _run([str(py), "-c", "import loyalty_gst; print(loyalty_gst.__file__)"], work, env)
    assert where.startswith(str(site)), where  # the installed package, not the source tree
    cli = str(venv / "bin" / "loyalty-gst")
    db = f"sqlite:///{work / 'shop.sqlite'}"
    assert "revision 1" in _run([cli, "setup", "company.yaml", "--db", db], work, env)
    till = _run([cli, "tokens", "--db", db, "issue", "--kind", "terminal", "--store", "CHN-TN",
                 "--terminal", "A"], work, env).strip()  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [cli, "serve", "--db", db, "--port", str(port), "--no-access-log"],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        sold = json.loads(
            _run(
                [
                    cli,
                    "pos",
                    "--server",
                    base,
                    "--db",
                    "till.sqlite",
                    "--store",
                    "CHN-TN",
                    "--terminal",
                    "A",
                    "sell",
                    "MIXER:1",
                    "--json",
                    "--pdf",
                    "receipt.pdf",
                ],
                work,
                {**env, "LOYALTY_GST_POS_TOKEN": till},
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    # ₹3,200 + 18% = ₹3,776.00 (intra-state Tamil Nadu: CGST 288 + SGST 288)
    assert sold["grand_total"] == "3776.00" and sold["invoice"]["totals"]["cgst"] == "288.00"
    _run([cli, "print", sold["number"], "--db", db, "--gstin", "33AAKCK2468M1Z4",
          "-o", "invoice.pdf"], work, env)  # fmt: skip
    text = "".join(p.extract_text() for p in pypdf.PdfReader(work / "invoice.pdf").pages)
    assert sold["number"] in text and "Kaveri Home Stores Pvt Ltd" in text
    assert (work / "receipt.pdf").read_bytes().startswith(b"%PDF")

    # the demo, from the same folder: its company is package data, set up the same way
    demo = work / "demo"
    demo.mkdir()
    r = subprocess.run([cli, "demo", "--out", "out", "--sales", "20"], cwd=demo, env=env,
                       capture_output=True, text=True, timeout=900)  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads((demo / "out" / "summary.json").read_text(encoding="utf-8"))
    # 20 sales less the one the demo cancels (the 2nd) = 19, the 1st returned: 1 note
    assert (summary["invoices"], summary["credit_notes"]) == (19, 1)
    assert (demo / "out" / "index.html").exists() and "where to look" in r.stderr
    assert sorted(p.name for p in demo.iterdir()) == ["out"]  # nothing beside its output
