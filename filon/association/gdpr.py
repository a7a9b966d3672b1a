"""The dues part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`."""

from __future__ import annotations

from typing import Any

from filon.association.models import DuesPayment
from filon.directory.gdpr import Part, Subject, iso, register


def export(subject: Subject) -> list[dict[str, Any]]:
    if subject.person is None:
        return []
    return [
        {
            "year": d.year,
            "amount": None if d.amount is None else str(d.amount),
            "currency": d.currency,
            "category": d.category,
            "paid_on": iso(d.paid_on),
        }
        for d in DuesPayment.objects.filter(person=subject.person).order_by("year")
    ]


def erase(subject: Subject) -> dict[str, int]:
    """Dues are kept: they are the association's accounts, tied to an anonymous person."""
    return {}


register(
    Part(
        key="dues",
        models=("association.DuesPayment",),
        export=export,
        erase=erase,
        kept="Les cotisations (année, montant) : la comptabilité de l'association les garde.",
    )
)
