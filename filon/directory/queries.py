"""Read helpers for the directory: what a viewer may see, with the related rows prefetched."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from filon.directory.models import Affiliation, Person, Position, Thesis, ThesisFunding


def visible_people(viewer: Any) -> QuerySet[Person]:
    """The people a signed-in viewer may find: staff see everyone, members not the opted-out."""
    people = Person.objects.all()
    if getattr(viewer, "is_association_staff", False):
        return people
    own_id = getattr(viewer, "person_id", None)
    if own_id:
        from django.db.models import Q

        return people.filter(Q(directory_opt_out=False) | Q(pk=own_id))
    return people.filter(directory_opt_out=False)


def with_profile(people: QuerySet[Person]) -> QuerySet[Person]:
    """Prefetch what a profile summary shows, in a fixed number of queries."""
    return people.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("school")),
        Prefetch(
            "positions",
            queryset=Position.objects.select_related("organisation").order_by("-start"),
        ),
        Prefetch(
            "theses",
            queryset=Thesis.objects.select_related("lab", "institution").prefetch_related(
                "advisors",
                Prefetch("fundings", queryset=ThesisFunding.objects.select_related("funder")),
            ),
        ),
    )


def profile_for(viewer: Any, person_id: int) -> Person | None:
    """One person as the viewer may see them, or None when they may not."""
    return with_profile(visible_people(viewer)).filter(pk=person_id).first()


def current_positions(person: Person) -> list[Position]:
    return [p for p in person.positions.all() if p.end is None]
