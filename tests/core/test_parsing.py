"""The one reading of dates, amounts, yes/no and phones: property tests (hypothesis)."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filon.core.parsing import ParseError, format_amount_fr, parse_amount, parse_bool, parse_date
from filon.core.phones import InvalidPhone, UnassignedPhone, read_phone

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
AMOUNTS = st.decimals(
    min_value=Decimal("-999999999.99"),
    max_value=Decimal("999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


@given(DATES)
def test_a_date_written_any_usual_way_reads_back(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.isoformat()}T00:00:00",
        f"{day.isoformat()} 14:30:00",
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d.%m.%Y"),
        day.strftime("%d-%m-%Y"),
        f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {day.strftime('%B')} {day.year}",
        f"{day.day:02d} {day.strftime('%b')} {day.year}",
    ):
        assert parse_date(text) == day, text


@given(DATES)
def test_an_explicit_format_is_tried_first(day: date) -> None:
    assert parse_date(day.strftime("%m/%d/%Y"), ("%m/%d/%Y",)) == day


@given(st.text())
def test_parse_date_raises_only_its_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_date(text)


@given(AMOUNTS)
def test_an_amount_written_any_usual_way_reads_back(value: Decimal) -> None:
    plain = f"{value:.2f}"
    for text in (
        plain,
        plain.replace(".", ","),
        format_amount_fr(value),
        format_amount_fr(value) + " €",
        f"{value:,.2f}",  # 1,234.50
        f"{value:,.2f}".replace(",", " ").replace(".", ",") + " EUR",
        f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),  # 1.234,50
    ):
        assert parse_amount(text) == value, text


@given(AMOUNTS)
def test_parsing_an_amount_is_idempotent(value: Decimal) -> None:
    once = parse_amount(format_amount_fr(value))
    assert once is not None
    assert parse_amount(str(once)) == once == parse_amount(format_amount_fr(once))


@given(st.text(), st.sampled_from(["auto", ".", ","]), st.sampled_from(["", ".", " "]))
def test_parse_amount_raises_only_its_error(text: str, decimal: str, thousands: str) -> None:
    with contextlib.suppress(ParseError):
        parse_amount(text, decimal=decimal, thousands=thousands)


@given(st.sampled_from(["oui", "Oui", " OUI ", "x", "X", "✓", "✔", "yes", "vrai", "1", "o"]))
def test_yes(text: str) -> None:
    assert parse_bool(text) is True


@given(st.sampled_from(["non", "NON", "", " ", "n", "no", "faux", "0", "-", "✗"]))
def test_no(text: str) -> None:
    assert parse_bool(text) is False


@given(st.text())
def test_parse_bool_raises_only_its_error_and_is_stable(text: str) -> None:
    try:
        value = parse_bool(text)
    except ParseError:
        return
    assert parse_bool("oui" if value else "non") is value


MOBILE = st.integers(min_value=0, max_value=99_999_999)


@settings(max_examples=200)
@given(st.sampled_from(["6", "7"]), MOBILE)
def test_the_phone_rule_round_trips_and_is_idempotent(prefix: str, rest: int) -> None:
    national = f"0{prefix}{rest:08d}"
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    try:
        e164 = read_phone(spaced)
    except UnassignedPhone as exc:
        # possible but not assigned: the E.164 form is still known, and read the same way
        assert exc.e164 == f"+33{national[1:]}"
        with pytest.raises(UnassignedPhone):
            read_phone(exc.e164)
        return
    assert e164 == f"+33{national[1:]}"
    assert read_phone(e164) == e164  # idempotent
    number = phonenumbers.parse(e164)
    national_again = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert read_phone(national_again) == e164  # format → parse


@given(st.text(max_size=40))
def test_read_phone_raises_only_its_errors(text: str) -> None:
    with contextlib.suppress(InvalidPhone):  # UnassignedPhone is one
        read_phone(text)


def test_impossible_and_unassigned_are_told_apart() -> None:
    with pytest.raises(UnassignedPhone):
        read_phone("07 12 70 91 08")
    with pytest.raises(InvalidPhone) as info:
        read_phone("06 12")
    assert not isinstance(info.value, UnassignedPhone)
