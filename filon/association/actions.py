"""Writes of the association: dues payments, one at a time (a dues file is an import of
:mod:`filon.imports`, :mod:`filon.imports.dues`).

Each action runs in one transaction and writes one audit row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory, DuesPayment
from filon.audit.actions import record
from filon.directory.models import Person


class DuplicatePayment(ValueError):
    """The person already has a payment for that year (one payment per person and year)."""

    def __init__(self, person: Person, year: int) -> None:
        self.person = person
        self.year = year
        super().__init__(
            _("Une cotisation %(year)s est déjà enregistrée pour %(name)s.")
            % {"year": year, "name": person.full_name}
        )


def record_dues_payment(
    actor: Any,
    *,
    person: Person,
    year: int,
    amount: Decimal,
    paid_on: date,
    category: str = DuesCategory.FULL,
    currency: str = "EUR",
) -> DuesPayment:
    """Record one year's dues for one member; refuse a second payment for the same year."""
    try:
        with transaction.atomic():
            if DuesPayment.objects.filter(person=person, year=year).exists():
                raise DuplicatePayment(person, year)
            payment = DuesPayment.objects.create(
                person=person,
                year=year,
                amount=amount,
                currency=currency,
                category=category,
                paid_on=paid_on,
            )
            record(
                "dues.record",
                actor=actor,
                target=payment,
                person=person.pk,
                year=year,
                amount=str(amount),
                category=category,
            )
    except IntegrityError:
        # Another request recorded the same year between our check and our insert.
        raise DuplicatePayment(person, year) from None
    return payment
