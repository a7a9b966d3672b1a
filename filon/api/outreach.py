"""Outreach in the API: asks, offers, contact requests and introductions.

The same rules, queries and actions as the pages (:mod:`filon.outreach.queries`,
:mod:`filon.outreach.actions`): what the caller may not see answers 404, and the other party's
contact details (``contact``) are present only for the two people a completed exchange put in
touch — null for everyone else, the connector and staff included.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, Field

from filon.api.schemas import Id, Text, answers
from filon.directory.models import Person, Skill
from filon.directory.privacy import viewer_for
from filon.directory.queries import find_person
from filon.orgs.models import Organisation, Sector
from filon.outreach import actions, matching, queries
from filon.outreach.models import (
    Answer,
    Ask,
    AskKind,
    ContactRequest,
    Introduction,
    Offer,
    OfferKind,
)

router = Router(tags=["entraide"])

NOT_FOUND = "Introuvable."
MAX_PAGE = 100
BLANK_TITLE = "titre vide (empty title)"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(BLANK_TITLE)
    return value


#: A title: text with at least one visible character (longer ones are cut at 200).
Title = Annotated[
    Text,
    AfterValidator(_not_blank),
    Field(min_length=1, json_schema_extra={"pattern": "^[^\\x00]*[^\\s\\x00][^\\x00]*$"}),
]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Capacity = Annotated[int, Field(ge=1, le=50)]


class PersonRefOut(Schema):
    id: int
    name: str


class TagsOut(Schema):
    sectors: list[str]
    organisations: list[int]
    skills: list[str]


class AskOut(Schema):
    id: int
    person: PersonRefOut
    kind: str
    kind_label: str
    title: str
    text: str
    deadline: date | None
    status: str
    created_at: datetime
    tags: TagsOut


class OfferOut(Schema):
    id: int
    person: PersonRefOut
    kind: str
    kind_label: str
    title: str
    text: str
    capacity_per_month: int
    is_active: bool
    created_at: datetime
    tags: TagsOut


class TagsIn(Schema):
    """Up to 10 of each (more are ignored): NACE codes, organisation ids, skills."""

    sectors: list[Text] = []
    organisations: list[Id] = []
    skills: list[Text] = []


class AskIn(TagsIn):
    kind: AskKind
    title: Title
    text: Text = ""
    deadline: date | None = None


class OfferIn(TagsIn):
    kind: OfferKind
    title: Title
    text: Text = ""
    capacity_per_month: Capacity = 2


class SuggestionOut(Schema):
    id: int
    type: str
    title: str
    score: float
    reasons: list[str]


class MatchesOut(Schema):
    offers: list[SuggestionOut]
    people: list[SuggestionOut]


class SharedContactOut(Schema):
    person_id: int
    name: str
    email: str | None


class ContactRequestIn(Schema):
    recipient_id: Id
    message: Text | None = None
    ask_id: Id | None = None


class ContactRequestOut(Schema):
    id: int
    sender: PersonRefOut
    recipient: PersonRefOut
    role: str
    message: str
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    contact: SharedContactOut | None


class IntroductionIn(Schema):
    connector_id: Id
    target_id: Id
    reason: Text
    ask_id: Id | None = None


class IntroductionOut(Schema):
    id: int
    requester: PersonRefOut
    connector: PersonRefOut
    target: PersonRefOut
    role: str
    reason: str
    connector_note: str
    status: str
    created_at: datetime
    expires_at: datetime
    connected_at: datetime | None
    contact: SharedContactOut | None


class AnswerIn(Schema):
    answer: Answer
    note: Text = ""


def _ref(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "name": person.full_name}


def _tags(obj: Ask | Offer) -> dict[str, Any]:
    return {
        "sectors": [s.code for s in obj.sectors.all()],
        "organisations": [o.pk for o in obj.organisations.all()],
        "skills": [s.name for s in obj.skills.all()],
    }


def ask_json(ask: Ask) -> dict[str, Any]:
    return {
        "id": ask.pk,
        "person": _ref(ask.person),
        "kind": ask.kind,
        "kind_label": str(ask.get_kind_display()),
        "title": ask.title,
        "text": ask.text,
        "deadline": ask.deadline,
        "status": ask.status,
        "created_at": ask.created_at,
        "tags": _tags(ask),
    }


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "person": _ref(offer.person),
        "kind": offer.kind,
        "kind_label": str(offer.get_kind_display()),
        "title": offer.title,
        "text": offer.text,
        "capacity_per_month": offer.capacity_per_month,
        "is_active": offer.is_active,
        "created_at": offer.created_at,
        "tags": _tags(offer),
    }


def _resolve_tags(data: TagsIn) -> dict[str, Any]:
    sectors = list(Sector.objects.filter(code__in=data.sectors[:10]))
    organisations = list(Organisation.objects.filter(pk__in=data.organisations[:10]))
    # Unknown references answer like an unknown recipient: 404.
    if len(sectors) != len(set(data.sectors[:10])):
        raise HttpError(404, "Secteur inconnu (unknown sector).")
    if len(organisations) != len(set(data.organisations[:10])):
        raise HttpError(404, "Organisation inconnue (unknown organisation).")
    skills: list[Skill | str] = [s.strip()[:200] for s in data.skills[:10] if s.strip()]
    return {"sectors": sectors, "organisations": organisations, "skills": skills}


def _need_person(request: HttpRequest) -> None:
    if getattr(request.user, "person_id", None) is None:
        raise HttpError(403, "Votre compte n'est relié à aucune fiche de l'annuaire.")


def _refused(exc: actions.OutreachError) -> HttpError:
    if isinstance(exc, actions.NotAllowed):
        return HttpError(404, NOT_FOUND)
    if isinstance(exc, actions.TooMany):
        return HttpError(429, str(exc.message))
    return HttpError(409, str(exc.message))


# -- asks and offers -----------------------------------------------------------------------


@router.get(
    "/asks",
    response=answers(list[AskOut], 422),
    summary="Les demandes en cours (« je cherche »)",
)
def list_asks(
    request: HttpRequest, kind: Text = "", person_id: Id | None = None, limit: Limit = 50
) -> Any:
    asks = queries.open_asks(request.user)
    if kind:
        asks = asks.filter(kind=kind)
    if person_id is not None:
        asks = asks.filter(person_id=person_id)
    return [ask_json(a) for a in asks[: max(1, min(limit, MAX_PAGE))]]


@router.post(
    "/asks",
    response=answers(AskOut, 400, 403, 404, 422, 429, status=201),
    summary="Publier une demande",
)
def create_ask(request: HttpRequest, data: AskIn) -> Any:
    _need_person(request)
    ask = actions.post_ask(
        request.user,
        kind=data.kind,
        title=data.title[:200],
        text=data.text[:3000],
        deadline=data.deadline,
        **_resolve_tags(data),
    )
    return Status(201, ask_json(ask))


def _ask_or_404(request: HttpRequest, ask_id: int) -> Ask:
    ask = queries.ask_for(request.user, ask_id)
    if ask is None:
        raise HttpError(404, NOT_FOUND)
    return ask


@router.get("/asks/{ask_id}", response=answers(AskOut, 404, 422), summary="Une demande")
def ask_detail(request: HttpRequest, ask_id: Id) -> Any:
    return ask_json(_ask_or_404(request, ask_id))


@router.get(
    "/asks/{ask_id}/matches",
    response=answers(MatchesOut, 404, 422, 429),
    summary="Les offres et les membres les mieux placés pour une de mes demandes",
)
def ask_matches(request: HttpRequest, ask_id: Id) -> Any:
    ask = _ask_or_404(request, ask_id)
    if ask.person_id != getattr(request.user, "person_id", None):
        raise HttpError(404, NOT_FOUND)
    offers = matching.offers_for_ask(request.user, ask)
    people = matching.best_placed(viewer_for(request.user), ask)
    return {
        "offers": [
            {
                "id": s.obj.pk,
                "type": "offer",
                "title": s.obj.title,
                "score": s.score,
                "reasons": list(s.reasons),
            }
            for s in offers
        ],
        "people": [
            {
                "id": s.obj.pk,
                "type": "person",
                "title": s.obj.full_name,
                "score": s.score,
                "reasons": list(s.reasons),
            }
            for s in people
        ],
    }


@router.get(
    "/offers",
    response=answers(list[OfferOut], 422),
    summary="Les offres d'aide (« je peux aider »)",
)
def list_offers(
    request: HttpRequest, kind: Text = "", person_id: Id | None = None, limit: Limit = 50
) -> Any:
    offers = queries.active_offers(request.user)
    if kind:
        offers = offers.filter(kind=kind)
    if person_id is not None:
        offers = offers.filter(person_id=person_id)
    return [offer_json(o) for o in offers[: max(1, min(limit, MAX_PAGE))]]


@router.post(
    "/offers",
    response=answers(OfferOut, 400, 403, 404, 422, 429, status=201),
    summary="Proposer son aide",
)
def create_offer(request: HttpRequest, data: OfferIn) -> Any:
    _need_person(request)
    offer = actions.post_offer(
        request.user,
        kind=data.kind,
        title=data.title[:200],
        text=data.text[:3000],
        capacity_per_month=data.capacity_per_month,
        **_resolve_tags(data),
    )
    return Status(201, offer_json(offer))


@router.get("/offers/{offer_id}", response=answers(OfferOut, 404, 422), summary="Une offre")
def offer_detail(request: HttpRequest, offer_id: Id) -> Any:
    offer = queries.offer_for(request.user, offer_id)
    if offer is None:
        raise HttpError(404, NOT_FOUND)
    return offer_json(offer)


# -- contact requests ------------------------------------------------------------------------


def contact_request_json(request: HttpRequest, obj: ContactRequest) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    return {
        "id": obj.pk,
        "sender": _ref(obj.sender),
        "recipient": _ref(obj.recipient),
        "role": queries.role_in(viewer, obj) or "",
        "message": obj.message,
        "status": obj.status,
        "created_at": obj.created_at,
        "expires_at": obj.expires_at,
        "answered_at": obj.answered_at,
        "contact": queries.shared_contact(viewer, obj),
    }


@router.get(
    "/contact-requests",
    response=answers(list[ContactRequestOut]),
    summary="Mes demandes de contact, envoyées et reçues",
)
def list_contact_requests(request: HttpRequest) -> Any:
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return []
    mine = queries.contact_requests_of(person_id)
    found = {r.pk: r for key in ("to_answer", "received", "sent") for r in mine[key]}
    for obj in found.values():
        actions.expire_if_due(obj)
    return [contact_request_json(request, r) for r in found.values()]


@router.post(
    "/contact-requests",
    response=answers(ContactRequestOut, 400, 403, 404, 409, 422, 429, status=201),
    summary="Écrire à un membre (ses coordonnées restent cachées tant qu'il n'a pas accepté)",
    description="Sans `message`, le message pré-rempli dans la langue du destinataire est envoyé.",
)
def create_contact_request(request: HttpRequest, data: ContactRequestIn) -> Any:
    _need_person(request)
    from filon.outreach.wording import first_message

    viewer = viewer_for(request.user)
    recipient = find_person(viewer, data.recipient_id)
    if recipient is None:
        raise HttpError(404, NOT_FOUND)
    ask = queries.ask_for(request.user, data.ask_id) if data.ask_id else None
    me = Person.objects.get(pk=request.user.person_id)  # type: ignore[union-attr,misc]
    text, language = first_message(me, recipient, ask=ask)
    try:
        obj = actions.send_contact_request(
            request.user, recipient, message=data.message or text, language=language, ask=ask
        )
    except actions.OutreachError as exc:
        raise _refused(exc) from None
    return Status(201, contact_request_json(request, obj))


def _contact_or_404(request: HttpRequest, pk: int) -> ContactRequest:
    obj = queries.contact_request_for(viewer_for(request.user), pk)
    if obj is None:
        raise HttpError(404, NOT_FOUND)
    actions.expire_if_due(obj)
    return obj


@router.get(
    "/contact-requests/{request_id}",
    response=answers(ContactRequestOut, 404, 422),
    summary="Une demande de contact (l'expéditeur ou le destinataire)",
)
def contact_request_detail(request: HttpRequest, request_id: Id) -> Any:
    return contact_request_json(request, _contact_or_404(request, request_id))


@router.post(
    "/contact-requests/{request_id}/answer",
    response=answers(ContactRequestOut, 400, 403, 404, 409, 422, 429),
    summary="Répondre : accept, decline ou later (« pas maintenant »)",
)
def answer_contact_request(request: HttpRequest, request_id: Id, data: AnswerIn) -> Any:
    obj = _contact_or_404(request, request_id)
    try:
        obj = actions.answer_contact_request(obj, data.answer, user=request.user)
    except actions.OutreachError as exc:
        raise _refused(exc) from None
    return contact_request_json(request, obj)


# -- introductions ---------------------------------------------------------------------------


def introduction_json(request: HttpRequest, obj: Introduction) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    return {
        "id": obj.pk,
        "requester": _ref(obj.requester),
        "connector": _ref(obj.connector),
        "target": _ref(obj.target),
        "role": queries.role_in(viewer, obj) or "",
        "reason": obj.reason,
        "connector_note": obj.connector_note,
        "status": obj.status,
        "created_at": obj.created_at,
        "expires_at": obj.expires_at,
        "connected_at": obj.connected_at,
        "contact": queries.shared_contact(viewer, obj),
    }


@router.get(
    "/introductions", response=answers(list[IntroductionOut]), summary="Mes mises en relation"
)
def list_introductions(request: HttpRequest) -> Any:
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return []
    mine = queries.introductions_of(person_id)
    found = {
        i.pk: i for key in ("to_answer", "requested", "brokered", "received") for i in mine[key]
    }
    for obj in found.values():
        actions.expire_if_due(obj)
    return [introduction_json(request, i) for i in found.values()]


@router.post(
    "/introductions",
    response=answers(IntroductionOut, 400, 403, 404, 409, 422, 429, status=201),
    summary="Demander à B de me présenter à C (double accord)",
    description=(
        "B est sollicité ; s'il accepte, C l'est à son tour ; si C accepte, A et C reçoivent "
        "l'adresse e-mail l'un de l'autre. Personne ne voit de coordonnées avant."
    ),
)
def create_introduction(request: HttpRequest, data: IntroductionIn) -> Any:
    _need_person(request)
    viewer = viewer_for(request.user)
    connector = find_person(viewer, data.connector_id)
    target = find_person(viewer, data.target_id)
    if connector is None or target is None:
        raise HttpError(404, NOT_FOUND)
    ask = queries.ask_for(request.user, data.ask_id) if data.ask_id else None
    if ask is not None and ask.person_id != viewer.person_id:
        ask = None
    try:
        obj = actions.request_introduction(
            request.user, connector=connector, target=target, reason=data.reason, ask=ask
        )
    except actions.OutreachError as exc:
        raise _refused(exc) from None
    return Status(201, introduction_json(request, obj))


def _intro_or_404(request: HttpRequest, pk: int) -> Introduction:
    obj = queries.introduction_for(viewer_for(request.user), pk)
    if obj is None:
        raise HttpError(404, NOT_FOUND)
    actions.expire_if_due(obj)
    return obj


@router.get(
    "/introductions/{introduction_id}",
    response=answers(IntroductionOut, 404, 422),
    summary="Une mise en relation (A, B, ou C une fois sollicité)",
)
def introduction_detail(request: HttpRequest, introduction_id: Id) -> Any:
    return introduction_json(request, _intro_or_404(request, introduction_id))


@router.post(
    "/introductions/{introduction_id}/answer",
    response=answers(IntroductionOut, 400, 403, 404, 409, 422, 429),
    summary="Répondre (l'intermédiaire, puis la personne à rencontrer)",
)
def answer_introduction(request: HttpRequest, introduction_id: Id, data: AnswerIn) -> Any:
    obj = _intro_or_404(request, introduction_id)
    try:
        obj = actions.answer_introduction(obj, data.answer, user=request.user, note=data.note)
    except actions.OutreachError as exc:
        raise _refused(exc) from None
    return introduction_json(request, obj)
