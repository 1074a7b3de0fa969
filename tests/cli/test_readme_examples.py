"""Every example in the README runs and does what it says.

The fenced blocks are read from README.md (`readme_blocks`), in order, into one scratch
folder where the demo has been run (`loyalty-gst demo --out out`, as `./dev demo` does):

- `json` blocks that are Sales are priced by `loyalty-gst invoice` (exit 0);
- `yaml` blocks that are a company file are checked by `loyalty-gst setup --check`;
- `sh` blocks run line by line as a person would type them (an `export` carries over to
  the next lines and blocks); each must exit 0 — or the code its comment promises
  ("exit 1 if …" is a promise about a failure, not this run);
- `text` blocks that show a session (`$ command` then its output) must print exactly that;
- a block preceded by `<!-- readme-test: file NAME -->` is written to NAME for the next
  ones; one preceded by `<!-- readme-test: skip (why) -->` is an illustration only (a
  session with a server, a placeholder such as `IRN` or `…`) and is not run.

`./dev demo` is the demo this folder already holds; `./dev test` is this test suite.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from readme_blocks import Block, blocks

BIN = Path(sys.executable).parent
RUNNABLE = ("sh", "json", "yaml", "text", "csv")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("readme")
    r = subprocess.run([str(BIN / "loyalty-gst"), "demo", "--out", "out"], cwd=folder,
                       capture_output=True, text=True, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    yield folder


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_GST_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    return {**env, **extra}


def split_comment(line: str) -> tuple[str, str]:
    """A shell line's command and its trailing comment (a # outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i:]
    return line, ""


def commands(body: str) -> Iterator[tuple[str, str]]:
    """(command, comment) per line; a trailing backslash joins lines."""
    for raw in body.replace("\\\n", " ").splitlines():
        command, comment = split_comment(raw.strip())
        if command:
            yield command, comment


def run_sh(block: Block, work: Path, env: dict[str, str]) -> None:
    for command, comment in commands(block.body):
        if command.startswith("./dev "):
            assert command.split()[1] in ("demo", "test"), command
            continue  # the demo is what `work` holds; the tests are these
        if command.startswith("export "):
            for assignment in shlex.split(command)[1:]:
                name, _, value = assignment.partition("=")
                env[name] = value
            continue
        r = subprocess.run(["bash", "-c", command], cwd=work, env=_env(env),
                           capture_output=True, text=True, timeout=300)  # fmt: skip
        promise = re.search(r"exit (\d)", comment)
        ok = {0} | ({int(promise[1])} if promise else set())
        assert r.returncode in ok, (
            f"README line {block.line}: `{command}` exited {r.returncode}\n{r.stdout[-1500:]}\n"
            f"{r.stderr[-1500:]}\n(mark an illustration with <!-- readme-test: skip (why) -->)"
        )
        assert "Traceback" not in r.stdout + r.stderr, command


def run_session(block: Block, work: Path, env: dict[str, str]) -> None:
    """`$ command` followed by the lines it prints."""
    lines = block.body.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        command = lines[i][2:]
        want = []
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            want.append(lines[i])
            i += 1
        r = subprocess.run(["bash", "-c", command], cwd=work, env=_env(env),
                           capture_output=True, text=True, timeout=300)  # fmt: skip
        got = (r.stdout + r.stderr).splitlines()
        assert got == want, f"README line {block.line}: `{command}` printed\n" + "\n".join(got)


def test_the_readme_has_examples_and_each_is_runnable_or_marked() -> None:
    found = blocks()
    assert sum(b.lang == "sh" and not b.skipped for b in found) >= 4
    for b in found:
        assert b.lang in RUNNABLE or b.skipped, (
            f"README line {b.line}: a ```{b.lang} block; mark it <!-- readme-test: skip (why) -->"
        )


def test_every_readme_example_works(work: Path, tmp_path: Path) -> None:
    """Each block runs in a fresh copy of the demo's folder (a section is followed on its
    own: one section's `ledger cancel` must not make the next one's reconciliation differ),
    with the files of the blocks before it; an `export` carries over, as in one shell."""
    env: dict[str, str] = {}
    files: dict[str, str] = {}
    ran = 0
    for n, b in enumerate(blocks()):
        if b.skipped:
            continue
        if b.file:
            files[b.file] = b.body
            continue
        here = tmp_path / f"block{n}"
        shutil.copytree(work, here)
        for name, body in files.items():
            (here / name).write_text(body, encoding="utf-8")
        ran += 1
        if b.lang == "sh":
            run_sh(b, here, env)
        elif b.lang == "text" and b.body.startswith("$ "):
            run_session(b, here, env)
        elif b.lang == "json":
            data = json.loads(b.body)
            if isinstance(data, dict) and "lines" in data and "seller" in data:
                (here / "readme-sale.json").write_text(b.body, encoding="utf-8")
                r = subprocess.run([str(BIN / "loyalty-gst"), "invoice", "readme-sale.json"],
                                   cwd=here, capture_output=True, text=True)  # fmt: skip
                assert r.returncode == 0, f"README line {b.line}: {r.stderr}"
        elif b.lang == "yaml" and b.body.lstrip().startswith("company:"):
            (here / "readme-company.yaml").write_text(b.body, encoding="utf-8")
            logo = (yaml.safe_load(b.body).get("company") or {}).get("logo")
            if logo:  # the file names a logo beside it: a small one for the check
                from PIL import Image

                Image.new("RGB", (40, 20), "navy").save(here / logo)
            r = subprocess.run([str(BIN / "loyalty-gst"), "setup", "readme-company.yaml",
                                "--check", "--db", "sqlite:///readme-setup.sqlite"],
                               cwd=here, capture_output=True, text=True)  # fmt: skip
            assert r.returncode == 0, f"README line {b.line}: {r.stdout}{r.stderr}"
        shutil.rmtree(here)
    assert ran >= 6


def test_the_worked_example_has_the_readmes_numbers(work: Path) -> None:
    """The prose under the Sale: ₹300 split 200 + 100, taxable 1800.00 and 900.00, CGST =
    SGST = 45.00 + 81.00 = 126.00, grand total 2952.00."""
    sale = next(b for b in blocks() if b.file == "sale.json")
    (work / "worked.json").write_text(sale.body, encoding="utf-8")
    r = subprocess.run([str(BIN / "loyalty-gst"), "invoice", "worked.json"], cwd=work,
                       capture_output=True, text=True)  # fmt: skip
    inv = json.loads(r.stdout)
    lines = inv["lines"]
    assert [ln["loyalty_discount"] for ln in lines] == ["200.00", "100.00"]
    assert [ln["taxable_value"] for ln in lines] == ["1800.00", "900.00"]
    # 1800 × 2.5 % = 45.00, 900 × 9 % = 81.00
    assert [ln["cgst"] for ln in lines] == ["45.00", "81.00"]
    assert inv["totals"]["cgst"] == inv["totals"]["sgst"] == "126.00"
    assert inv["totals"]["grand_total"] == "2952.00"  # 2700 + 126 + 126
