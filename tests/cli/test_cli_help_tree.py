"""`--help` works on every command and subcommand, without its required options and
without touching anything: the whole click tree is walked, so commands added later are
covered the day they appear."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from loyalty_gst.cli import main


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group, info_name="loyalty-gst")
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, f"{' '.join((*prefix, name))} is listed but does not load"
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from command_paths(cmd, (*prefix, name))


PATHS = [(), *command_paths(main)]


def test_the_tree_is_walked() -> None:
    # the commands of the README at least; new ones join by themselves
    names = {" ".join(p) for p in PATHS}
    assert {"invoice", "ledger balance", "ledger expire", "pos lookup", "pos sync", "gstr1",
            "tally vouchers", "einvoice build", "standin"} <= names  # fmt: skip
    assert len(PATHS) >= 30


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "loyalty-gst")
def test_help_everywhere(path: tuple[str, ...], tmp_path: Path) -> None:
    os.chdir(tmp_path)
    env = {"LOYALTY_GST_DB": "", "LOYALTY_GST_POS_TOKEN": ""}
    r = CliRunner().invoke(main, [*path, "--help"], env=env)
    assert r.exit_code == 0, (path, r.output)
    assert r.stdout.startswith(f"Usage: loyalty-gst {' '.join(path)}".rstrip())
    assert "Traceback" not in r.output and r.stderr == ""
    assert list(tmp_path.iterdir()) == []  # no database, no file: help only reads


def test_help_after_group_options_too(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    for args in (["pos", "--store", "MUM-BAN", "lookup", "--help"],
                 ["ledger", "--db", "sqlite:///x.sqlite", "balance", "--help"],
                 ["tokens", "--db", "sqlite:///x.sqlite", "issue", "--help"]):  # fmt: skip
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0 and r.stdout.startswith("Usage: loyalty-gst " + args[0]), args
    assert list(tmp_path.iterdir()) == []
