"""The house: the demo is one package with plain imports and the stand-in servers another;
neither sits in an import circle, and only the `demo` command imports the demo."""

from __future__ import annotations

import grimp
import pytest

GRAPH = grimp.build_graph("loyalty_gst", "einvoice", "tally_export")


def _modules(package: str) -> list[str]:
    return sorted(m for m in GRAPH.modules if m == package or m.startswith(package + "."))


@pytest.mark.parametrize("package", ["loyalty_gst.demo", "loyalty_gst.standins"])
def test_no_module_of_the_package_is_in_an_import_circle(package: str) -> None:
    circles = [
        GRAPH.find_shortest_chain(importer=imported, imported=m)
        for m in _modules(package)
        for imported in GRAPH.find_modules_directly_imported_by(m)
        if GRAPH.chain_exists(importer=imported, imported=m)
    ]
    assert circles == []


def test_only_the_demo_command_imports_the_demo() -> None:
    demo = _modules("loyalty_gst.demo")
    users = {
        user
        for m in demo
        for user in GRAPH.find_modules_that_directly_import(m)
        if not user.startswith("loyalty_gst.demo")
    }
    assert users == {"loyalty_gst.cli.demo"}


def test_the_demo_steps_are_plain_functions_in_order() -> None:
    from loyalty_gst.demo import runner

    assert [f"{s.__module__}.{s.__name__}" for s in runner.STEPS] == [
        "loyalty_gst.demo.ledger.run_ledger",
        "loyalty_gst.demo.gstr1.run_gstr1",
        "loyalty_gst.demo.tally.run_tally",
        "loyalty_gst.demo.einvoice.run_einvoice",
        "loyalty_gst.demo.prints.run_print",
        "loyalty_gst.demo.channels.run_channels",
    ]


def test_the_old_places_are_gone() -> None:
    for old in ("loyalty_gst.fixtures", "loyalty_gst.sample_day", "loyalty_gst.demo_ledger",
                "loyalty_gst.pos.demo", "loyalty_gst.gstr1.demo", "loyalty_gst.printing.demo",
                "einvoice.demo", "tally_export.demo", "einvoice.standin", "tally_export.standin",
                "loyalty_gst.notify.standin"):  # fmt: skip
        assert old not in GRAPH.modules
