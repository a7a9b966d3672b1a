"""``{% provenance_for person as sources %}``: where a person's facts came from, for staff."""

from __future__ import annotations

from typing import Any

from django import template

from filon.directory.privacy import can_see_provenance, viewer_for

register = template.Library()


@register.simple_tag(takes_context=True)
def provenance_for(context: dict[str, Any], person: Any) -> list[Any]:
    """The imported facts of ``person`` with their source, or nothing if the viewer may not
    see them (see :func:`filon.directory.privacy.can_see_provenance`)."""
    request = context.get("request")
    if person is None or request is None:
        return []
    if not can_see_provenance(viewer_for(request.user), person):
        return []
    from filon.imports.queries import provenance_of

    return provenance_of(person)
