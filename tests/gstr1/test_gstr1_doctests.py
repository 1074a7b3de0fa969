"""The doctests of the GSTR-1 modules (amount text, item rows, JSON numbers)."""

from __future__ import annotations

import doctest

import pytest

from loyalty_gst.gstr1 import amounts, items, jsonout


@pytest.mark.parametrize("module", [amounts, items, jsonout])
def test_doctests(module: object) -> None:
    failed, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried and not failed
