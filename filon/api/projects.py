"""The project API: a member's own offer scenarios and their targeted contacts.

Private to the member (:mod:`filon.projects.queries`): anyone else's scenario answers 404,
staff included; without a session or token, 401.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from filon.api.network import PathOut
from filon.api.schemas import Id, answers
from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.projects import queries
from filon.projects.contacts import targeted_contacts

router = Router(tags=["projet"])

NOT_FOUND = "Scénario introuvable."

Top = Annotated[int, Field(ge=1, le=100)]


class ScenarioOut(Schema):
    id: int
    title: str
    status: str
    confidence: float  # 0 to 1
    offer_type: str
    hypotheses: int


class ScenariosOut(Schema):
    scenarios: list[ScenarioOut]


class ScenarioRefOut(Schema):
    id: int
    title: str


class TargetOut(Schema):
    """A person to meet: the score, its parts, the reasons in words, the best path."""

    person_id: int
    name: str
    promos: list[str]
    position: str | None
    score: float
    parts: dict[str, float]
    reasons: list[str]
    met: bool
    path: PathOut | None


class ContactsOut(Schema):
    scenario: ScenarioRefOut
    weights: dict[str, float]
    words: list[str]
    contacts: list[TargetOut]


@router.get(
    "/projects/scenarios",
    response=answers(ScenariosOut, 404),
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
    response=answers(ContactsOut, 404, 422, 429),
    by_alias=True,
    summary="Qui rencontrer pour un scénario",
    description=(
        "Les personnes à rencontrer, classées : score, parts du score, raisons en mots, "
        "meilleur chemin de mise en relation, déjà rencontrée ou non."
    ),
)
def contacts(request: HttpRequest, scenario_id: Id, top: Top = 20) -> Any:
    throttle.spend(request.user, "people")  # the ranked contacts name people
    try:
        return targeted_contacts(viewer_for(request.user), scenario_id, top=top)
    except queries.NotFound:
        raise HttpError(404, NOT_FOUND) from None
