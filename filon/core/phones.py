"""Phone numbers, stored in E.164 and shown in the national format."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """A phone number that cannot be read as a valid number."""


class UnassignedPhone(InvalidPhone):
    """A number of a possible shape whose range is not (yet) assigned: ``e164`` says which."""

    def __init__(self, raw: str, e164: str) -> None:
        super().__init__(f"not an assigned phone number: {raw!r}")
        self.e164 = e164


def read_phone(raw: str, *, region: str = "FR") -> str:
    """The one phone rule of Filon: a number in E.164 if it is valid (assigned).

    Raises :class:`UnassignedPhone` (carrying its E.164 form) for a number of a possible length
    and shape in a range not assigned yet (``07 12 70 91 08``), :class:`InvalidPhone` for what
    is no phone number at all (too short, too long, letters). Importers keep the row of an
    unassigned number and drop the number with a warning; an impossible one is an error for the
    association's own files and a warning for address books.

    >>> read_phone("06 12 34 56 78")
    '+33612345678'
    >>> read_phone("07 12 70 91 08")
    Traceback (most recent call last):
    ...
    filon.core.phones.UnassignedPhone: not an assigned phone number: '07 12 70 91 08'
    >>> read_phone("12")
    Traceback (most recent call last):
    ...
    filon.core.phones.InvalidPhone: not a valid phone number: '12'
    """
    text = str(raw).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"not a valid phone number: {raw!r}") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number):
        return e164
    if phonenumbers.is_possible_number(number):
        raise UnassignedPhone(raw, e164)
    raise InvalidPhone(f"not a valid phone number: {raw!r}")


def to_e164(raw: str, *, region: str = "FR") -> str:
    """Normalise a phone number written any usual way into E.164.

    >>> to_e164("06 12 34 56 78")
    '+33612345678'
    >>> to_e164("0033612345678")
    '+33612345678'
    >>> to_e164("+33 6 12 34 56 78")
    '+33612345678'
    >>> to_e164("12")
    Traceback (most recent call last):
    ...
    filon.core.phones.InvalidPhone: not a valid phone number: '12'
    """
    try:
        return read_phone(raw, region=region)
    except UnassignedPhone:
        raise InvalidPhone(f"not a valid phone number: {raw!r}") from None


def display_phone(e164: str, *, viewer_region: str = "FR") -> str:
    """A stored number as a reader expects it: national format at home, international abroad.

    >>> display_phone("+33612345678")
    '06 12 34 56 78'
    >>> display_phone("+4722334455")
    '+47 22 33 44 55'
    """
    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) == viewer_region:
        fmt = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)
