"""Spreadsheet-safe CSV cells: what a member typed is shown as text, never run as a formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage
return, which some of them skip before looking) as a formula: a city set to
``=HYPERLINK("http://evil.example/","Versailles")`` would become a live link in the staff's
spreadsheet. Every CSV writer of Filon passes its cells through :func:`escape_cell`, which puts an
apostrophe in front of such a cell (the spreadsheet shows the text, without the apostrophe), and
every reader of Filon's own exports passes them through :func:`unescape_cell`, which takes it
off again, so that an export read back is exactly what was written.

The rule, exact both ways (``unescape_cell(escape_cell(v)) == v`` for every string ``v``):

- a cell is *formula-like* when, once its leading apostrophes are set aside, it starts with one of
  ``= + - @ TAB CR``;
- :func:`escape_cell` adds one apostrophe in front of a formula-like cell, so a cell that already
  started with an apostrophe (``'=x``) gains a second one (``''=x``);
- :func:`unescape_cell` removes one apostrophe from a formula-like cell that starts with one.

A negative number (``-12``, ``-3,5``) is left as it is: the spreadsheet reads it as a number,
there is no formula in it, and the dashboard's changes stay numbers.

>>> escape_cell('=HYPERLINK("http://evil.example/","x")')
'\\'=HYPERLINK("http://evil.example/","x")'
>>> escape_cell("+33612345678"), escape_cell("-12"), escape_cell("Versailles")
("'+33612345678", '-12', 'Versailles')
>>> unescape_cell("'+33612345678"), unescape_cell("'rien"), unescape_cell("''=x")
('+33612345678', "'rien", "'=x")
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")

_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)?")


def _formula_like(value: str) -> bool:
    head = value.lstrip("'")[:1]
    return head in FORMULA_STARTS and not _NEGATIVE_NUMBER.fullmatch(value)


def escape_cell(value: str) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text (see the module's rule)."""
    return "'" + value if _formula_like(value) else value


def unescape_cell(value: str) -> str:
    """The value :func:`escape_cell` was given, from the cell it wrote."""
    if value.startswith("'") and _formula_like(value):
        return value[1:]
    return value


def escape_row(row: Iterable[str]) -> list[str]:
    """Every cell of a row through :func:`escape_cell`."""
    return [escape_cell(cell) for cell in row]
