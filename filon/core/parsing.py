"""Reading one value as spreadsheets and exports write it: dates, amounts, yes/no.

Every importer of Filon reads its cells through these three functions, so that a date, an
amount or a yes/no is understood the same way whatever the file (the annuaire, dues, grants).
Each raises :class:`ParseError` (a :class:`ValueError`) and nothing else, on any text; the
importers turn it into a report line in French.

**Dates** (:func:`parse_date`): ``2020-03-05`` (a time after it is ignored: ``2020-03-05
14:30:00``, ``2020-03-05T00:00:00Z``), ``05/03/2020``, ``5/3/2020``, ``05.03.2020``,
``05-03-2020`` (day first, as in France), ``5 mars 2020``, ``5 March 2020``, ``07 Dec 2025``,
``1er janvier 2020``; ``formats`` (``strptime`` codes) are tried first when given.

**Amounts** (:func:`parse_amount`): ``120``, ``120,50``, ``120.50``, ``1 200,50 €``,
``1.200,50``, ``1,200.50``, ``EUR 1 200``, ``1 200 euros``, ``1.2345E5``; spaces (also no-break
ones) group thousands; with both ``,`` and ``.`` the last one is the decimal separator; a lone
``,`` is the decimal separator (French); several ``.`` or several ``,`` group thousands.
``decimal`` and ``thousands`` say it for a file that writes amounts one way.

**Yes or no** (:func:`parse_bool`): ``oui``, ``o``, ``x``, ``✓``, ``✔``, ``yes``, ``y``,
``vrai``, ``true``, ``1`` — and ``non``, ``n``, ``✗``, ``no``, ``faux``, ``false``, ``0``,
``-`` and the empty cell.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class ParseError(ValueError):
    """The text is not a value of the expected kind (the only exception these functions raise)."""


CENT = Decimal("0.01")
#: Beyond this, an "amount" is a typing accident (or an attempt to exhaust Decimal).
MAX_DIGITS = 18

MONTHS: dict[str, int] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "january": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "mar": 3,
    "march": 3,
    "avril": 4,
    "avr": 4,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "jun": 6,
    "june": 6,
    "juillet": 7,
    "juil": 7,
    "jul": 7,
    "july": 7,
    "aout": 8,
    "aou": 8,
    "aug": 8,
    "august": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "september": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_WORDS = re.compile(r"(\d{1,2})(?:er)?[ -]([a-z]+)\.?[ -](\d{4})")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(f"no such day: {year}-{month}-{day}") from None


def parse_date(raw: str, formats: tuple[str, ...] = ()) -> date:
    """A date written any usual way (see the module); :class:`ParseError` otherwise.

    >>> parse_date("05/03/2020"), parse_date("2020-03-05T00:00:00"), parse_date("5 mars 2020")
    (datetime.date(2020, 3, 5), datetime.date(2020, 3, 5), datetime.date(2020, 3, 5))
    >>> parse_date("01.06.2020 00:00", ("%d.%m.%Y %H:%M",)), parse_date("07 Dec 2025")
    (datetime.date(2020, 6, 1), datetime.date(2025, 12, 7))
    >>> parse_date("31/02/2020")
    Traceback (most recent call last):
    ...
    filon.core.parsing.ParseError: no such day: 2020-2-31
    """
    text = " ".join(str(raw).split())
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if m := _ISO.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(text):
        return _date(int(m[3]), int(m[2]), int(m[1]))
    if (m := _WORDS.fullmatch(_fold(text))) and m[2] in MONTHS:
        return _date(int(m[3]), MONTHS[m[2]], int(m[1]))
    raise ParseError(f"not a date: {text[:40]!r}")


_CURRENCY = re.compile(r"(?i)^(?:eur|euros?|€|\$|£|usd|gbp|chf)|(?:eur|euros?|€|\$|£|usd|gbp|chf)$")
_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "'")


def parse_amount(raw: str, *, decimal: str = "auto", thousands: str = "") -> Decimal | None:
    """The amount written in ``raw``, to the cent (halves away from zero); None for an empty cell.

    ``decimal`` is ``"auto"`` (see the module), ``"."`` or ``","``; ``thousands`` a grouping
    separator the file uses besides spaces. :class:`ParseError` for anything else.

    >>> parse_amount("1 200,50 €"), parse_amount("120.5"), parse_amount("1.200,50")
    (Decimal('1200.50'), Decimal('120.50'), Decimal('1200.50'))
    >>> parse_amount("1,200.50"), parse_amount("1.2345E5"), parse_amount(" "), parse_amount("-3")
    (Decimal('1200.50'), Decimal('123450.00'), None, Decimal('-3.00'))
    >>> parse_amount("1.058.422,50", decimal=",", thousands=".")
    Decimal('1058422.50')
    >>> parse_amount("12,5", decimal=".")
    Traceback (most recent call last):
    ...
    filon.core.parsing.ParseError: not an amount: '12,5'
    """
    text = str(raw).strip()
    cleaned = text
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    cleaned = _CURRENCY.sub("", cleaned).strip()
    if not cleaned:
        if text:
            raise ParseError(f"not an amount: {text[:40]!r}")
        return None
    if thousands:
        cleaned = cleaned.replace(thousands, "")
    if decimal == "auto":
        commas, dots = cleaned.count(","), cleaned.count(".")
        if commas and dots:
            sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
            cleaned = cleaned.replace("." if sep == "," else ",", "")
            if cleaned.count(sep) > 1:
                raise ParseError(f"not an amount: {text[:40]!r}")
            cleaned = cleaned.replace(",", ".")
        elif commas > 1 or dots > 1:
            cleaned = cleaned.replace(",", "").replace(".", "")
        else:
            cleaned = cleaned.replace(",", ".")
    elif decimal == ",":
        if "." in cleaned:
            raise ParseError(f"not an amount: {text[:40]!r}")
        cleaned = cleaned.replace(",", ".")
    elif decimal == ".":
        if "," in cleaned:
            raise ParseError(f"not an amount: {text[:40]!r}")
    else:
        raise ParseError(f"unknown decimal separator: {decimal!r}")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?", cleaned):
        raise ParseError(f"not an amount: {text[:40]!r}")
    try:
        value = Decimal(cleaned)
        if value.adjusted() >= MAX_DIGITS:
            raise ParseError(f"amount too large: {text[:40]!r}")
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ParseError(f"not an amount: {text[:40]!r}") from None


def format_amount_fr(value: Decimal) -> str:
    """An amount as a French spreadsheet writes it, which :func:`parse_amount` reads back.

    >>> format_amount_fr(Decimal("1200.5"))
    '1\\u202f200,50'
    """
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{chr(0x202F).join(groups)},{cents}"


TRUE = frozenset({"oui", "o", "x", "✓", "✔", "☑", "yes", "y", "vrai", "true", "1"})
FALSE = frozenset({"non", "n", "✗", "✘", "☐", "no", "faux", "false", "0", "-", ""})


def parse_bool(raw: str) -> bool:
    """Yes or no, as spreadsheets write it (see the module); :class:`ParseError` otherwise.

    >>> parse_bool("Oui"), parse_bool(" X "), parse_bool("✓"), parse_bool(""), parse_bool("non")
    (True, True, True, False, False)
    """
    key = _fold(str(raw))
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise ParseError(f"not yes or no: {key[:40]!r}")
