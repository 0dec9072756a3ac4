"""The one helper every CSV export uses to keep spreadsheets from running cells."""

from __future__ import annotations

import pytest

from saas.csv_cells import safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "+", "=", "-1e5+1", "- 5"],
)
def test_formula_cells_get_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Acme", "-12.50", "+44", "-3", "1e5", "-1e-5", "a=b"])
def test_other_cells_are_left_alone(text):
    assert safe_cell(text) == text
