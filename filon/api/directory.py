"""The directory's API: profiles, contact reveals and the GDPR export.

The same rules, queries and actions as the pages (:mod:`filon.directory.queries`,
:mod:`filon.directory.actions`): a field group hidden on the page is null here, a reveal is
logged and limited the same way.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict

from filon.api.schemas import Id, PersonOut, RevealOut, answers
from filon.audit import throttle
from filon.directory import actions
from filon.directory.privacy import viewer_for
from filon.directory.queries import contact_data, find_person, profile_data

router = Router(tags=["annuaire"])

NOT_FOUND = "Personne introuvable."


class PersonalDataOut(BaseModel):
    """The GDPR export: every app adds its own sections (outreach, project, dues…) beside
    these, so other keys are allowed."""

    model_config = ConfigDict(extra="allow")

    generated_at: str
    account: dict[str, Any]
    person: dict[str, Any] | None


def _person_or_404(request: HttpRequest, person_id: int) -> Any:
    person = find_person(viewer_for(request.user), person_id)
    if person is None:
        # The same answer for "does not exist" and "may not see": no probing.
        raise HttpError(404, NOT_FOUND)
    return person


@router.get(
    "/people/{person_id}",
    response=answers(PersonOut, 404, 422, 429),
    summary="Une fiche de l'annuaire (sans coordonnées)",
    description="Les rubriques que la personne ne montre pas à l'appelant valent null.",
)
def person_detail(request: HttpRequest, person_id: Id) -> Any:
    throttle.spend(request.user, "people")
    person = _person_or_404(request, person_id)
    return profile_data(viewer_for(request.user), person)


@router.post(
    "/people/{person_id}/contacts",
    response=answers(RevealOut, 403, 404, 422, 429),
    summary="Afficher les coordonnées d'une personne (consultation enregistrée)",
    description=(
        "Renvoie les coordonnées que l'appelant a le droit de voir. Chaque appel sur la fiche "
        "d'un autre membre est enregistré (la personne le voit) et compte dans la limite "
        "quotidienne ; au-delà, 429 et rien n'est renvoyé."
    ),
)
def reveal_contacts(request: HttpRequest, person_id: Id) -> Any:
    person = _person_or_404(request, person_id)
    try:
        contacts = actions.reveal_contacts(
            request.user, person, ip=request.META.get("REMOTE_ADDR") or None
        )
    except actions.RevealLimitReached as exc:
        raise HttpError(429, exc.message) from None
    return {"person_id": person.pk, "contacts": contact_data(contacts)}


@router.get(
    "/me/export",
    response=answers(PersonalDataOut),
    summary="Toutes mes données (RGPD), en JSON",
)
def export(request: HttpRequest) -> Any:
    return actions.export_personal_data(request.user)
