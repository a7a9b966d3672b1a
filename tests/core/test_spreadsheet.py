"""The spreadsheet-safe cell pair: escaped cells never start a formula; unescaping is exact."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from filon.core.spreadsheet import FORMULA_STARTS, escape_cell, unescape_cell

# Text rich in the characters the rule looks at, plus anything else.
cells = st.text(alphabet=st.sampled_from("=+-@\t\r'0123456789,. aé\"")) | st.text()


@given(cells)
@example('=HYPERLINK("http://evil.example/","Versailles")')
@example("+33612345678")
@example("'=x")
@example("''-1")
@example("-12")
@example("'")
@example("")
def test_unescape_gives_back_what_escape_was_given(value: str) -> None:
    assert unescape_cell(escape_cell(value)) == value


@given(cells)
def test_an_escaped_cell_never_starts_a_formula(value: str) -> None:
    out = escape_cell(value)
    if out[:1] in FORMULA_STARTS:
        # Only a plain negative number goes out as it is: the spreadsheet reads a number.
        assert out == value
        assert re.fullmatch(r"-[0-9]+(?:[.,][0-9]+)?", value)


@given(cells)
def test_escape_only_ever_adds_one_apostrophe(value: str) -> None:
    out = escape_cell(value)
    assert out in (value, "'" + value)


def test_the_cases_of_the_issue() -> None:
    assert escape_cell('=HYPERLINK("http://evil.example/","Versailles")') == (
        '\'=HYPERLINK("http://evil.example/","Versailles")'
    )
    assert escape_cell("+33 6 12 34 56 78") == "'+33 6 12 34 56 78"
    assert escape_cell("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell("\tx") == "'\tx"
    assert escape_cell("\rx") == "'\rx"
    assert escape_cell("- chargée de mission") == "'- chargée de mission"
    assert escape_cell("-3,5") == "-3,5"
    assert escape_cell("Versailles") == "Versailles"
    assert unescape_cell("'Versailles") == "'Versailles"  # not added by an export: kept
