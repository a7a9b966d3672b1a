"""Writes of the association: dues payments, one at a time or by import.

Each action runs in one transaction and writes one audit row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory, DuesPayment
from filon.audit.actions import record
from filon.directory.models import Person

if TYPE_CHECKING:
    from filon.association.importers import DuesImportPlan


class DuplicatePayment(ValueError):
    """The person already has a payment for that year (one payment per person and year)."""

    def __init__(self, person: Person, year: int) -> None:
        self.person = person
        self.year = year
        super().__init__(
            _("Une cotisation %(year)s est déjà enregistrée pour %(name)s.")
            % {"year": year, "name": person.full_name}
        )


class ImportRefused(ValueError):
    """An import plan with invalid rows, or one that the database contradicts: nothing written."""


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


def import_dues_payments(actor: Any, plan: DuesImportPlan, *, source: str = "web") -> int:
    """Write the payments of a valid import plan, all or nothing; return how many were created.

    A plan with errors is refused. The payments are checked again inside the transaction, so
    that a payment recorded since the plan was made turns the import into a refusal instead of
    a partial write.
    """
    if plan.errors:
        raise ImportRefused(
            _("%(n)s ligne(s) invalide(s) : rien n'a été enregistré.") % {"n": len(plan.errors)}
        )
    try:
        with transaction.atomic():
            keys = {(p.person_id, p.year) for p in plan.to_create}
            years = sorted({y for _pid, y in keys})
            people = sorted({pid for pid, _y in keys})
            clash = 0
            for i in range(0, len(people), 1000):
                taken = DuesPayment.objects.filter(
                    person_id__in=people[i : i + 1000], year__in=years
                ).values_list("person_id", "year")
                clash += sum(1 for k in taken if k in keys)
            if clash:
                raise ImportRefused(
                    _("%(n)s cotisation(s) enregistrée(s) entre-temps : rien n'a été écrit.")
                    % {"n": clash}
                )
            DuesPayment.objects.bulk_create(
                [
                    DuesPayment(
                        person_id=p.person_id,
                        year=p.year,
                        amount=p.amount,
                        currency="EUR",
                        category=p.category,
                        paid_on=p.paid_on,
                    )
                    for p in plan.to_create
                ],
                batch_size=1000,
            )
            record(
                "dues.import",
                actor=actor,
                source=source,
                file=plan.filename,
                sha256=plan.sha256,
                rows=plan.rows,
                created=len(plan.to_create),
                unchanged=len(plan.unchanged),
            )
    except IntegrityError:
        raise ImportRefused(
            _("Une cotisation importée existe déjà : rien n'a été enregistré.")
        ) from None
    return len(plan.to_create)
