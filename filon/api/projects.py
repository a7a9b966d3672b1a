"""The project API: a member's own offer scenarios and their targeted contacts.

Private to the member (:mod:`filon.projects.queries`): anyone else's scenario answers 404,
staff included; without a session or token, 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from filon.directory.privacy import viewer_for
from filon.projects import queries
from filon.projects.contacts import targeted_contacts

router = Router(tags=["projet"])

NOT_FOUND = "Scénario introuvable."


@router.get(
    "/projects/scenarios",
    response=dict[str, Any],
    summary="Mes scénarios d'offre",
    description="Chaque scénario du membre connecté : id, titre, état et confiance (0 à 1).",
)
def scenarios(request: HttpRequest) -> Any:
    try:
        return {"scenarios": queries.scenario_list(viewer_for(request.user))}
    except queries.NotFound:
        raise HttpError(404, "Ce compte n'a pas de projet.") from None


@router.get(
    "/projects/scenarios/{scenario_id}/contacts",
    response=dict[str, Any],
    summary="Qui rencontrer pour un scénario",
    description=(
        "Les personnes à rencontrer, classées : score, parts du score, raisons en mots, "
        "meilleur chemin de mise en relation, déjà rencontrée ou non."
    ),
)
def contacts(request: HttpRequest, scenario_id: int, top: int = 20) -> Any:
    try:
        return targeted_contacts(viewer_for(request.user), scenario_id, top=top)
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None
