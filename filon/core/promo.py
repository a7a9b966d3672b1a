"""Promotion labels ("millésimes"): a school letter and the two last digits of the year.

"P58" is Paris, class of 1958; "E05" Saint-Étienne, 2005; "N12" Nancy, 2012. Two digits are
ambiguous over a century, so a label is read back with a pivot: years up to the current
year's two digits are in this century, the others in the previous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL = re.compile(r"^\s*([A-Za-z])\s*['’]?\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True)
class Promo:
    school_code: str
    year: int

    @property
    def label(self) -> str:
        return promo_label(self.school_code, self.year)


def promo_label(school_code: str, year: int) -> str:
    """The label of a school's class of a given year.

    >>> promo_label("P", 1958)
    'P58'
    >>> promo_label("e", 2005)
    'E05'
    """
    if not (len(school_code) == 1 and school_code.isalpha()):
        raise ValueError(f"school code must be one letter, got {school_code!r}")
    if not 1800 <= year <= 2200:
        raise ValueError(f"implausible graduation year {year}")
    return f"{school_code.upper()}{year % 100:02d}"


def parse_promo(label: str, *, pivot_year: int = 2030) -> Promo:
    """Read a label such as "P58", "E 2005" or "n'12" back into a school code and a year.

    Two-digit years above ``pivot_year % 100`` belong to the previous century.

    >>> parse_promo("P58")
    Promo(school_code='P', year=1958)
    >>> parse_promo("E 2005")
    Promo(school_code='E', year=2005)
    >>> parse_promo("n'12")
    Promo(school_code='N', year=2012)
    >>> parse_promo("58")
    Traceback (most recent call last):
    ...
    ValueError: not a promo label: '58'
    """
    match = _LABEL.match(label)
    if not match:
        raise ValueError(f"not a promo label: {label!r}")
    code, digits = match.group(1).upper(), match.group(2)
    if len(digits) == 4:
        year = int(digits)
    else:
        two = int(digits)
        century = pivot_year // 100 * 100
        year = century + two if two <= pivot_year % 100 else century - 100 + two
    return Promo(code, year)
