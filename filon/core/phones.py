"""Phone numbers, stored in E.164 and shown in the national format."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """A phone number that cannot be read as a valid number."""


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
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"not a valid phone number: {raw!r}") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
