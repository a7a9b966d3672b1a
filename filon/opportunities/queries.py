"""Reads of the opportunities board: search and facets (kind, sector, place, closing soon).

Opportunities are made to be read by every signed-in member (like asks and offers of help);
the poster's name is shown only if the viewer may find them in the directory. The answers to
an opportunity are its poster's (and staff's) to see.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from filon.core.text import fold
from filon.directory.privacy import Viewer, can_find
from filon.opportunities.models import (
    Interest,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Report,
)
from filon.orgs.models import Sector

#: « closing soon »: within this many days.
SOON_DAYS = 14


def _open(today: date) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(status=OpportunityStatus.OPEN, closes_on__gte=today)


def board(
    *,
    query: str = "",
    kind: str = "",
    sector: str = "",
    place: str = "",
    soon: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """The open opportunities matching the filters, and each facet's counts over the search."""
    today = today or timezone.localdate()
    found = _open(today).select_related("organisation", "organisation__sector", "poster")
    words = fold(query).split()
    if words:
        ids = [
            pk
            for pk, *text in _open(today).values_list(
                "pk", "title", "description", "organisation_name", "location", "keywords"
            )
            if all(w in fold(" ".join(text)) for w in words)
        ]
        found = found.filter(pk__in=ids)
    facets_base = found
    if kind in OpportunityKind.values:
        found = found.filter(kind=kind)
    if sector:
        found = found.filter(organisation__sector__code__startswith=sector[:2])
    if place:
        found = found.filter(location__iexact=place)
    if soon:
        found = found.filter(closes_on__lte=today + timedelta(days=SOON_DAYS))
    kinds = dict(facets_base.values_list("kind").annotate(n=Count("pk")).order_by())
    divisions: Counter[str] = Counter(
        code[:2] for code in facets_base.values_list("organisation__sector_id", flat=True) if code
    )
    labels = dict(Sector.objects.filter(code__in=list(divisions)).values_list("code", "label"))
    places = Counter(p for p in facets_base.values_list("location", flat=True) if p)
    return {
        "results": found.order_by("closes_on", "pk"),
        "facets": {
            "kind": [
                (value, label, kinds.get(value, 0))
                for value, label in OpportunityKind.choices
                if kinds.get(value)
            ],
            "sector": [(code, labels.get(code, code), n) for code, n in sorted(divisions.items())],
            "place": sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))[:12],
            "soon": facets_base.filter(closes_on__lte=today + timedelta(days=SOON_DAYS)).count(),
        },
    }


def opportunity(pk: int) -> Opportunity | None:
    return (
        Opportunity.objects.select_related("organisation", "organisation__sector", "poster")
        .filter(pk=pk)
        .first()
    )


def visible(viewer: Viewer, opp: Opportunity) -> bool:
    """Open ones to every member; closed or removed ones to their poster and staff."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_staff or viewer.person_id == opp.poster_id:
        return True
    return opp.is_open()


def poster_shown(viewer: Viewer, opp: Opportunity) -> bool:
    return can_find(viewer, opp.poster)


def answers(viewer: Viewer, opp: Opportunity) -> list[Interest]:
    """Who answered: the poster and staff only."""
    if not (viewer.is_staff or viewer.person_id == opp.poster_id):
        return []
    return list(
        Interest.objects.filter(opportunity=opp)
        .select_related("person", "scenario", "contact_request")
        .order_by("-created_at", "pk")
    )


def mine(person_id: int | None) -> list[Opportunity]:
    if person_id is None:
        return []
    return list(
        Opportunity.objects.filter(poster_id=person_id)
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at", "-pk")
    )


def my_answer(opp: Opportunity, person_id: int | None) -> Interest | None:
    if person_id is None:
        return None
    return Interest.objects.filter(opportunity=opp, person_id=person_id).first()


def reported() -> list[Opportunity]:
    """Opportunities with unresolved reports, for the staff's moderation."""
    return list(
        Opportunity.objects.filter(reports__resolved_at__isnull=True)
        .annotate(report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .select_related("poster")
        .order_by("-report_count", "pk")
        .distinct()
    )


def reports_of(opp: Opportunity) -> list[Report]:
    return list(Report.objects.filter(opportunity=opp, resolved_at__isnull=True))
