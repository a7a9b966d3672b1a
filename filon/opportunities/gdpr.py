"""The opportunities part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`:
what they posted, answered and reported. Erasure deletes all three (the answers' contact
requests are the outreach part's)."""

from __future__ import annotations

from typing import Any

from filon.directory.gdpr import Part, Subject, iso, register
from filon.opportunities.models import Interest, Opportunity, Report


def export(subject: Subject) -> dict[str, Any]:
    person = subject.person
    if person is None:
        return {}
    return {
        "posted": [
            {
                "title": o.title,
                "kind": o.kind,
                "organisation": o.organisation_name,
                "location": o.location,
                "closes_on": iso(o.closes_on),
                "description": o.description,
                "status": o.status,
                "created_at": iso(o.created_at),
            }
            for o in Opportunity.objects.filter(poster=person)
        ],
        "answered": [
            {"opportunity": a.opportunity.title, "created_at": iso(a.created_at)}
            for a in Interest.objects.filter(person=person).select_related("opportunity")
        ],
        "reported": [
            {
                "opportunity": r.opportunity.title,
                "reason": r.reason,
                "created_at": iso(r.created_at),
            }
            for r in Report.objects.filter(reporter=person).select_related("opportunity")
        ],
    }


def erase(subject: Subject) -> dict[str, int]:
    person = subject.person
    if person is None:
        return {}
    return {
        "answered": Interest.objects.filter(person=person).delete()[0],
        "reported": Report.objects.filter(reporter=person).delete()[0],
        "posted": Opportunity.objects.filter(poster=person).delete()[0],
    }


register(
    Part(
        key="opportunities",
        models=("opportunities.Opportunity", "opportunities.Interest", "opportunities.Report"),
        export=export,
        erase=erase,
        kept="Rien : les opportunités publiées, les réponses et les signalements sont effacés.",
    )
)
