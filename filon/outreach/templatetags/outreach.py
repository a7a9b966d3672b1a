"""Template helpers of the outreach app: promos, and the sections it adds to other pages
(the profile's "entraide" section, the home page's prompts) with a one-line include."""

from __future__ import annotations

from typing import Any

from django import template

from filon.directory.models import Affiliation, Person
from filon.directory.privacy import Viewer, is_owner, viewer_for

register = template.Library()


@register.filter
def promos(person: Person) -> str:
    """A person's promos, "P19 · E05" (identity: shown to every member, as in the directory)."""
    labels = [
        a.promo
        for a in Affiliation.objects.filter(person=person).select_related("school").order_by("year")
    ]
    return " · ".join(labels)


@register.inclusion_tag("outreach/_profile_section.html", takes_context=True)
def outreach_profile(context: dict[str, Any], person: Person) -> dict[str, Any]:
    """The asks, offers and help counts of a profile, and the ways to get in touch."""
    from filon.outreach.queries import profile_outreach

    request = context["request"]
    viewer = _member_viewer(request.user)
    found = profile_outreach(viewer, request.user, person)
    return {
        "request": request,
        "person": person,
        "outreach": found,
        "is_owner": is_owner(viewer, person),
        "can_reach": viewer.person_id is not None and not is_owner(viewer, person),
    }


def _member_viewer(user: Any) -> Viewer:
    """The viewer, without the dues lookup: what the profile section shows (asks, offers,
    help counts, the ways to get in touch) is for every signed-in member, paying or not."""
    return viewer_for(user, with_dues=False)


@register.inclusion_tag("outreach/_home_placeholder.html")
def outreach_home() -> dict[str, Any]:
    """Where the home page's outreach panel goes: loaded by htmx once the page is shown, so
    that the home page itself costs no query more (a link stands in for it without JS)."""
    return {}


def home_context(request: Any) -> dict[str, Any]:
    """What waits for the member: answers to give, meetings to log, events to recall."""
    from filon.events.queries import met_prompts, upcoming
    from filon.outreach.matching import asks_for_member
    from filon.outreach.models import Ask, AskStatus
    from filon.outreach.queries import follow_ups, to_answer_count

    person_id = getattr(request.user, "person_id", None)
    data: dict[str, Any] = {"request": request, "has_person": person_id is not None}
    if person_id is not None:
        person = Person.objects.filter(pk=person_id).first()
        data.update(
            to_answer=to_answer_count(person_id),
            follow_ups=follow_ups(person_id),
            met_prompts=met_prompts(person_id),
            my_open_asks=Ask.objects.filter(person_id=person_id, status=AskStatus.OPEN).count(),
            for_me=asks_for_member(request.user, person, limit=3) if person else [],
        )
    data["next_events"] = list(upcoming()[:3])
    return data
