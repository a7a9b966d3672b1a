"""The site's own pages: home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from filon.association.models import DuesPayment
from filon.directory.models import Person, Position
from filon.directory.queries import current_positions, with_profile
from filon.groups.queries import my_groups, my_groups_events
from filon.opportunities.matching import for_person as matching_opportunities


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in member's own summary, and links to what Filon offers."""
    person_id: int | None = getattr(request.user, "person_id", None)
    person = None
    positions: list[Position] = []
    dues: list[DuesPayment] = []
    if person_id is not None:
        person = (
            with_profile(Person.objects.filter(pk=person_id))
            .prefetch_related("contact_points")
            .first()
        )
        if person is not None:
            positions = current_positions(person)
            dues = list(DuesPayment.objects.filter(person=person).order_by("-year")[:5])
    return render(
        request,
        "web/home.html",
        {
            "person": person,
            "positions": positions,
            "dues": dues,
            "groups": my_groups(person_id),
            "group_events": my_groups_events(person_id),
            "opportunities": matching_opportunities(person_id, limit=3),
        },
    )
