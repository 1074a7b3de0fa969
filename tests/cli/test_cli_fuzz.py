"""Junk in, a plain answer out: hypothesis feeds junk files and junk arguments to every
command that reads input — found by walking the click tree, so commands added later are
fuzzed the day they appear — and expects exit 2 with at least one line naming where the
problem is, never a traceback. The same junk sales go to the API, which must answer 4xx
with the same rules the CLI printed."""

from __future__ import annotations

import json
import os
import re
import string
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import requests
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_gst.api import tokens
from loyalty_gst.api.testing import ServerProcess, free_port
from loyalty_gst.cli import main
from loyalty_gst.store import open_store
from loyalty_gst.store.testing import create_temp_database, drop_database

sys.path.insert(0, str(Path(__file__).parent))
from readme_blocks import readme_sale

# servers and generators: they take no input to be junk (serve and standin are tested as
# servers; the demo makes its own data; simulate drives a till against a live server)
NOT_INPUT = {"serve", "demo", "pos simulate", "standin irp", "standin tally", "standin whatsapp"}
OUTPUTS = {"output", "out", "out_dir", "errors_file", "summary", "receipts"}
# a schedule: any good value makes the command run until stopped (its bounds are checked
# by test_checkpoint_schedule_is_bounded)
SCHEDULES = {"every"}
FILE_WORDS = ("file", "json", "jsonl", "csv", "yaml", "mapping", "registration", "cert",
              "logo", "letterhead", "checkpoints")  # fmt: skip
FIELD_LINE = re.compile(r"^(?:error: |  - )(?:\[\w+\] )?(?P<where>[^\s:].*?): \S")
EXAMPLES = int(os.environ.get("LOYALTY_GST_FUZZ_EXAMPLES", "12"))


@dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]
    command: click.Command
    groups: tuple[click.Command, ...]

    @property
    def name(self) -> str:
        return " ".join(self.path)


def leaves(group: click.Group, prefix: tuple[str, ...] = (),
           parents: tuple[click.Command, ...] = ()) -> Iterator[Leaf]:  # fmt: skip
    ctx = click.Context(group, info_name="loyalty-gst")
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        if isinstance(cmd, click.Group):
            yield from leaves(cmd, (*prefix, name), (*parents, cmd))
        else:
            yield Leaf((*prefix, name), cmd, parents)


def is_file(p: click.Parameter) -> bool:
    name = (p.name or "").lower()
    meta = str(getattr(p, "metavar", "") or "").lower()
    return isinstance(p.type, click.Path) or any(w in name or w in meta for w in FILE_WORDS)


def inputs(cmd: click.Command) -> list[click.Parameter]:
    """The parameters a person types a value into (not flags, not outputs)."""
    return [
        p for p in cmd.params
        if not (isinstance(p, click.Option) and (p.is_flag or p.count or p.hidden))
        and p.name not in OUTPUTS and p.name not in SCHEDULES
        and p.name not in ("db", "url", "help")
    ]  # fmt: skip


ALL = list(leaves(main))
FUZZED = [leaf for leaf in ALL if leaf.name not in NOT_INPUT and inputs(leaf.command)]

# --- junk ---

ODD = "§¤½ µ€\u0663\uff11\t\u200b'\"/\\;,.:#@!?{}[]()<>=+*&^%$~`|"
junk_text = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + ODD), min_size=1, max_size=24
).filter(lambda s: not s.startswith("-") and s.strip() != "")
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False), junk_text,
)  # fmt: skip
json_junk = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(junk_text, inner, max_size=4),
    max_leaves=12,
)


def _paths(data: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*at, i))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, value)}
    out = list(data)
    out[head] = _replace(out[head], rest, value)
    return out


@st.composite
def broken_sale(draw: st.DrawFn) -> dict[str, Any]:
    """The README's good sale with one to three values replaced by junk (never all fine)."""
    from loyalty_gst.errors import InvalidInput
    from loyalty_gst.validation import parse_sale

    sale: Any = readme_sale()
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(sale) if p]
        sale = _replace(sale, draw(st.sampled_from(paths)), draw(json_junk))
    try:
        parse_sale(json.dumps(sale))
    except InvalidInput:
        return sale  # broken, as wanted
    sale = {**sale, "lines": "junk"}  # the junk happened to be valid: break it for sure
    return sale


file_junk = st.one_of(
    st.binary(min_size=1, max_size=64),
    junk_text.map(str.encode),
    json_junk.map(lambda d: json.dumps(d).encode()),
    broken_sale().map(lambda d: json.dumps(d).encode()),
    st.lists(broken_sale().map(json.dumps), min_size=1, max_size=3).map(
        lambda ls: "\n".join(ls).encode()
    ),
    st.lists(st.lists(junk_text, min_size=1, max_size=4).map(",".join), min_size=1,
             max_size=4).map(lambda rows: "\n".join(["phone,points,expiry", *rows]).encode()),
)  # fmt: skip


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real, empty ledger: junk must reach the command's own checks, not stop at --db."""
    from loyalty_gst.demo import company as demo_company

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ledger.sqlite'}"
    store = open_store(url)
    demo_company.set_up(store)  # the demo's company: setup done, as a retailer's would be
    store.dispose()
    return url


def group_args(leaf: Leaf, url: str, dead: str) -> list[str]:
    """Good values for the groups' options (the store's --db, a till's name)."""
    args: list[str] = []
    for name, group in zip(leaf.path, leaf.groups, strict=False):
        args.append(name)
        for p in group.params:
            if p.name in ("db", "url") and name != "pos":
                args += ["--db", url]
            elif name == "pos" and p.name == "store_code":
                args += ["--store", "MUM-BAN"]
            elif name == "pos" and p.name == "terminal_id":
                args += ["--terminal", "T1"]
            elif name == "pos" and p.name == "server":
                args += ["--server", dead]
    return [*args, leaf.path[-1]]


def run_junk(leaf: Leaf, url: str, draw: st.DrawFn, folder: Path) -> tuple[list[str], Any]:
    args = group_args(leaf, url, f"http://127.0.0.1:{free_port()}")
    params = inputs(leaf.command)
    required = [p for p in params if p.required]
    optional = [p for p in params if not p.required]
    chosen = required + [p for p in optional if draw(st.booleans())]
    if not chosen:
        chosen = [draw(st.sampled_from(optional))]  # at least one junk value, always
    positional: list[str] = []
    for i, p in enumerate(chosen):
        if is_file(p):
            path = folder / f"junk{i}{draw(st.sampled_from(['.json', '.jsonl', '.csv', '.yaml']))}"
            path.write_bytes(draw(file_junk))
            value = str(path)
        else:
            value = draw(junk_text)
        if isinstance(p, click.Argument):
            positional += [value] * (p.nargs if p.nargs > 0 else 1)
        else:
            assert isinstance(p, click.Option)
            flag = max(p.opts, key=len)
            args += [flag, *([value] * p.nargs)]
    for p in leaf.command.params:  # outputs go to the scratch folder
        if p.name in OUTPUTS and isinstance(p, click.Option):
            args += [max(p.opts, key=len), str(folder / f"out-{p.name}")]
    env = {"LOYALTY_GST_DB": url, "LOYALTY_GST_POS_TOKEN": "lgst_0_x",
           "LOYALTY_GST_TRACEBACK": None}  # fmt: skip
    result = CliRunner().invoke(main, [*args, *positional], env=env)
    return [*args, *positional], result


@pytest.mark.parametrize("leaf", FUZZED, ids=lambda leaf: leaf.name)
def test_junk_gets_exit_2_and_a_line_naming_the_field(leaf: Leaf, ledger_url: str) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def check(data: st.DataObject) -> None:
        home = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)
            try:
                argv, r = run_junk(leaf, ledger_url, data.draw, Path(tmp))
            finally:
                os.chdir(home)
        said = r.output
        assert "Traceback" not in said and "internal error" not in said, (argv, said)
        assert r.exit_code == 2, (argv, r.exit_code, said)
        named = [m["where"] for ln in r.stderr.splitlines() if (m := FIELD_LINE.match(ln))]
        assert named, (argv, r.stderr)

    check()


def test_every_command_that_reads_input_is_fuzzed() -> None:
    names = {leaf.name for leaf in FUZZED}
    assert {"invoice", "credit-note", "gstr1", "ledger import", "ledger balance",
            "tally vouchers", "einvoice build", "pos lookup"} <= names  # fmt: skip
    skipped = {leaf.name for leaf in ALL} - names
    no_input = {"tokens list", "pos status", "pos sync"}  # nothing typed but the group's options
    assert skipped <= NOT_INPUT | no_input, skipped


# --- the same junk to the API ---


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    from loyalty_gst.demo import company as demo_company

    url = create_temp_database("sqlite", prefix="lgst_fuzz")
    store = open_store(url)
    demo_company.set_up(store)
    till = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    server = ServerProcess.start(url, log_path=tmp_path_factory.mktemp("api") / "server.log")
    try:
        yield server.base, till
    finally:
        server.stop()
        store.dispose()
        drop_database(url)


def rules(lines: list[str]) -> list[str]:
    """`where: rule (got value)` → rule; the where differs (the API's is inside `sale.`)."""
    out = []
    for ln in lines:
        rule = ln.removeprefix("  - ").split(": ", 1)[-1]
        out.append(re.sub(r" \(got .*\)$", "", rule))
    return sorted(out)


@settings(max_examples=max(EXAMPLES * 4, 40), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(sale=broken_sale(), path=st.sampled_from(["/v1/quote", "/v1/commit"]))
def test_the_api_answers_junk_sales_with_the_clis_rules(
    api: tuple[str, str], sale: dict[str, Any], path: str
) -> None:
    base, till = api
    body = {"sale": sale, "key": "fuzz-1"} if path == "/v1/commit" else {"sale": sale}
    r = requests.post(base + path, json=body, timeout=30,
                      headers={"Authorization": f"Bearer {till}"})  # fmt: skip
    assert 400 <= r.status_code < 500, (sale, r.status_code, r.text)
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json" and problem["lines"]
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "sale.json"
        f.write_text(json.dumps(sale), encoding="utf-8")
        cli = CliRunner().invoke(main, ["invoice", str(f)])
    assert cli.exit_code == 2, cli.output
    if r.status_code == 422:  # refused for what it holds: the same rules as the CLI's
        assert rules(problem["lines"]) == rules(cli.stderr.splitlines()[1:]), (sale, problem)


@settings(max_examples=max(EXAMPLES * 3, 30), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(body=json_junk, path=st.sampled_from(
    ["/v1/quote", "/v1/commit", "/v1/customers/lookup", "/v1/returns", "/v1/sync",
     "/v1/presence/otp", "/v1/tokens"]))  # fmt: skip
def test_the_api_answers_any_junk_body_with_a_4xx_problem(
    api: tuple[str, str], body: Any, path: str
) -> None:
    base, till = api
    r = requests.post(base + path, json=body, timeout=30,
                      headers={"Authorization": f"Bearer {till}"})  # fmt: skip
    assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
    problem = r.json()
    assert problem["code"] and problem["status"] == r.status_code
    if r.status_code == 422:
        assert problem["lines"] and all(FIELD_LINE.match("  - " + ln) for ln in problem["lines"])


@pytest.mark.parametrize("every", ["0", "-5", "nan", "inf", "1.5", "2678401"])
def test_checkpoint_schedule_is_bounded(every: str, ledger_url: str, tmp_path: Path) -> None:
    """--every takes whole seconds from 1 s to 31 days: 0 would spin, inf or nan would
    crash in sleep."""
    r = CliRunner().invoke(
        main,
        ["ledger", "--db", ledger_url, "checkpoint", "--out", str(tmp_path / "c.jsonl"),
         "--every", every, "--times", "1"],
        env={"LOYALTY_GST_KEYS": str(tmp_path / "keys")},
    )  # fmt: skip
    assert r.exit_code == 2 and "--every" in r.output, r.output
    assert not (tmp_path / "c.jsonl").exists()


def test_verify_refuses_a_broken_checkpoint_file_and_a_bad_key(
    ledger_url: str, tmp_path: Path
) -> None:
    """A checkpoint file that is not one is bad input naming its 1-based line, never an
    internal error; a trusted key must be 32 bytes of base64, and only with --checkpoints."""
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"at": "x", "accounts": [], "key": "k", "signature": "s"}\nnot json\n')
    args = ["ledger", "--db", ledger_url, "verify", "--checkpoints", str(bad)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "--checkpoints line 2" in r.output, r.output
    for args in (["--public-key", "0"], ["--public-key", "AAAA", "--checkpoints", str(bad)]):
        r = CliRunner().invoke(main, ["ledger", "--db", ledger_url, "verify", *args])
        assert r.exit_code == 2 and "--public-key" in r.output, (args, r.output)
