"""The money API: an organisation's, a project's and a programme's money, who funded my thesis,
and the money trail.

The same queries as the pages (:mod:`filon.money.queries`). Amounts are exact decimal strings,
one per currency (``{"EUR": "1058422.50"}``); currencies are never added up. Alumni lists go
through the directory's privacy rules, and count against the per-minute limit of the pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from filon.api.schemas import Id, Text, answers
from filon.audit import throttle
from filon.directory.privacy import viewer_for
from filon.money import queries
from filon.money.models import Programme

router = Router(tags=["financements"])


#: ``{"EUR": "1058422.50"}``: exact amounts, one per currency, never added up across them.
Amounts = dict[str, str]
#: An organisation, a project or a programme: its number, identifier, code or name.
Ref = Annotated[Text, Field(min_length=1, max_length=500)]


class AlumnusOut(Schema):
    id: int
    name: str
    title: str
    url: str


class AlumniOut(Schema):
    """Who works there now, as the caller may see them (the first few, and how many)."""

    people: list[AlumnusOut]
    count: int


class OrgMoneyOut(Schema):
    """An organisation that receives money, with what it received."""

    id: int
    name: str
    projects: int
    received: Amounts
    url: str
    alumni: AlumniOut | None = None


class OrgRefOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    country: str
    url: str


class ProgrammeTotalOut(Schema):
    code: str
    name: str
    projects: int
    received: Amounts


class YearReceivedOut(Schema):
    year: int | None
    received: Amounts


class FunderReceivedOut(Schema):
    id: int | None
    name: str
    received: Amounts


class ProjectRowOut(Schema):
    id: str  # the grant agreement number
    pk: int
    acronym: str
    title: str
    role: str
    role_label: str
    year: int | None
    programme: str
    amount: str | None
    currency: str
    url: str


class OrganisationOut(OrgRefOut):
    identifiers: dict[str, str]
    projects: int
    coordinated: int
    participations: int
    received: Amounts
    roles: dict[str, int]
    by_programme: list[ProgrammeTotalOut]
    by_year: list[YearReceivedOut]
    funders: list[FunderReceivedOut]
    project_list: list[ProjectRowOut]
    co_participants: list[OrgMoneyOut]
    alumni: AlumniOut | None = None


class ProgrammeRefOut(Schema):
    code: str
    name: str


class ProgrammeStepOut(Schema):
    id: int
    code: str
    name: str


class ParticipantOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    number: int | None
    amount: str | None
    currency: str
    country: str
    url: str
    alumni: AlumniOut | None = None


class ProjectOut(Schema):
    id: str
    pk: int
    acronym: str
    title: str
    programme: ProgrammeRefOut | None
    programme_path: list[ProgrammeStepOut]
    funder: str | None
    funder_id: int | None
    topic_code: str
    topic: str
    call: str
    action_type: str
    status: str
    start: str | None
    end: str | None
    total_cost: str | None
    currency: str
    coordinator: str | None
    participants: list[ParticipantOut]
    participations: int
    total: Amounts


class TopicOut(Schema):
    code: str
    label: str
    projects: int
    total: Amounts


class YearTotalOut(Schema):
    year: int | None
    total: Amounts


class ChildProgrammeOut(Schema):
    id: int
    code: str
    name: str
    projects: int
    total: Amounts
    url: str


class FlowsOut(Schema):
    """Who receives a programme's or a funder's money, in which topics, when."""

    participations: int
    projects: int
    organisations: int
    total: Amounts
    top_recipients: list[OrgMoneyOut]
    topics: list[TopicOut]
    by_year: list[YearTotalOut]


class FunderRefOut(Schema):
    id: int
    name: str


class ProgrammeOut(FlowsOut):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    funder: FunderRefOut | None
    path: list[ProgrammeStepOut]
    children: list[ChildProgrammeOut]


class FunderOut(FlowsOut, OrgRefOut):
    programmes: list[ChildProgrammeOut]
    theses_funded: int


class HowOut(Schema):
    """How a funder funded the caller: a thesis funding, or a grant declared on ORCID."""

    kind: str
    label: str
    thesis: str
    programme: str
    programme_id: int | None
    project_id: int | None
    amount: str | None
    currency: str


class OtherThesisOut(Schema):
    id: int
    name: str
    thesis: str
    year: int
    kind: str
    url: str


class MyFunderOut(Schema):
    funder: OrgRefOut
    funder_url: str
    how: list[HowOut]
    gives: bool
    total: Amounts
    projects: int
    funded: list[OrgMoneyOut]
    co_participants: list[OrgMoneyOut]
    other_theses: list[OtherThesisOut]


class MyThesisOut(Schema):
    person_id: int | None
    funders: list[MyFunderOut]


class TrailNodeOut(Schema):
    label: str
    kind: str  # funder, programme, project, organisation
    key: int | str | None


class TrailLinkOut(Schema):
    source: int
    target: int
    value: str


class TrailOut(Schema):
    """A Sankey diagram's data in one currency (the others present are listed, never added)."""

    currency: str
    currencies: list[str]
    total: str
    nodes: list[TrailNodeOut]
    links: list[TrailLinkOut]


def _check(request: HttpRequest) -> None:
    """Spend one unit of the caller's scraping budget (429 past it, see filon.audit.throttle)."""
    throttle.spend(request.user, "people")


def _one(finder: Any, ref: str, what: str) -> Any:
    try:
        found = finder(ref)
    except queries.Ambiguous as exc:
        raise HttpError(409, f"Plusieurs {what} correspondent : {', '.join(exc.choices)}") from None
    if found is None:
        raise HttpError(404, f"{what.capitalize()} introuvable.")
    return found


@router.get(
    "/money/organisations/{ref}",
    response=answers(OrganisationOut, 404, 409, 422, 429),
    summary="Ce qu'une organisation reçoit",
    description="`ref` : numéro Filon, identifiant (PIC, n° d'organisation…) ou nom. Projets, "
    "projets coordonnés, montants reçus par devise, par programme, par année et par financeur, "
    "co-participants et anciens qui y travaillent.",
)
def organisation(request: HttpRequest, ref: Ref) -> Any:
    _check(request)
    org = _one(queries.find_organisation, ref, "organisation")
    return queries.jsonable(queries.organisation_money(org, viewer=viewer_for(request.user)))


@router.get(
    "/money/projects/{ref}",
    response=answers(ProjectOut, 404, 409, 422, 429),
    summary="Les participants d'un projet et leurs contributions",
    description="`ref` : numéro de convention (821984) ou acronyme.",
)
def project(request: HttpRequest, ref: Ref) -> Any:
    _check(request)
    found = _one(queries.find_project, ref, "projet")
    return queries.jsonable(queries.project_money(found, viewer=viewer_for(request.user)))


@router.get(
    "/money/programmes/{ref}",
    response=answers(ProgrammeOut, 404, 409, 422, 429),
    summary="Ce qu'un programme donne : à qui, dans quels thèmes, quand",
    description="`ref` : code (H2020-EU.2.1.6.), nom court (LEIT-SPACE) ou nom. Le programme et "
    "tout ce qui est en dessous.",
)
def programme(request: HttpRequest, ref: Ref) -> Any:
    _check(request)
    found = _one(queries.find_programme, ref, "programme")
    return queries.jsonable(queries.programme_money(found, viewer=viewer_for(request.user)))


@router.get(
    "/money/funders/{org_id}",
    response=answers(FunderOut, 404, 422, 429),
    summary="Ce qu'un financeur donne : ses programmes, à qui, dans quels thèmes, quand",
)
def funder(request: HttpRequest, org_id: Id) -> Any:
    _check(request)
    org = _one(queries.find_organisation, str(org_id), "financeur")
    return queries.jsonable(queries.funder_money(org, viewer=viewer_for(request.user)))


@router.get(
    "/money/my-thesis",
    response=answers(MyThesisOut, 429),
    summary="Qui a financé ma thèse, et qui d'autre finance-t-il ?",
    description="Les financeurs du compte connecté, les organisations qu'ils financent et leurs "
    "partenaires, classés par montant, avec les anciens qui y travaillent.",
)
def my_thesis(request: HttpRequest) -> Any:
    _check(request)
    return queries.jsonable(queries.who_funded_my_thesis(viewer_for(request.user)))


@router.get(
    "/money/trail",
    response=answers(TrailOut, 404, 422),
    summary="Le parcours de l'argent (données du diagramme de Sankey)",
    description="Financeur → programme → projet → organisation, dans une seule devise "
    "(`currency`, sinon la principale) : l'argent d'un `programme` (et de ce qui est en "
    "dessous), sinon celui des financeurs `funder` (répétable). Sans l'un ni l'autre, un "
    "diagramme vide.",
)
def trail(
    request: HttpRequest,
    funder: list[Id] = Query([]),  # noqa: B008  (ninja's way of declaring list parameters)
    programme: Id | None = None,
    currency: Annotated[Text, Field(max_length=3)] = "",
) -> Any:
    prog = None
    if programme is not None:
        prog = Programme.objects.filter(pk=programme).first()
        if prog is None:
            raise HttpError(404, "Programme introuvable.")
    data = queries.trail(funder_ids=funder, programme=prog, currency=currency.upper())
    return queries.jsonable(data)


class TopicPathOut(Schema):
    """The caller's cheapest introduction path to a person: its cost and the people between."""

    cost: float
    people: int
    intermediaries: list[str]


class TopicAlumnusOut(Schema):
    id: int
    name: str
    title: str
    url: str
    via: list[str]
    path: TopicPathOut | None


class TopicParticipantOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    coordinator: bool
    amounts: Amounts
    url: str
    alumni: list[TopicAlumnusOut]
    alumni_count: int


class TopicProjectOut(Schema):
    id: str
    pk: int
    acronym: str
    title: str
    programme: str
    programme_id: int | None
    funder: str
    funder_id: int | None
    year: int | None
    score: float
    words: list[str]
    reasons: list[str]
    amounts: Amounts
    url: str
    organisations: list[TopicParticipantOut]


class TopicOrganisationOut(Schema):
    id: int
    name: str
    amounts: Amounts
    projects: int
    project_acronyms: list[str]
    url: str
    alumni: list[TopicAlumnusOut]
    alumni_count: int


class MyTopicOut(Schema):
    """The funded projects closest to the caller's subject, and who is paid most for it."""

    person_id: int | None
    pool: int
    projects: list[TopicProjectOut]
    organisations: list[TopicOrganisationOut]


@router.get(
    "/money/my-topic",
    response=answers(MyTopicOut, 404, 422, 429),
    summary="Qui paie pour mon sujet ?",
    description="Les projets financés les plus proches de la thèse, des compétences et des "
    "envies du compte connecté (score, mots en commun, programme, financeur, montants par "
    "devise, organisations et leur rôle), puis les organisations les plus payées pour ce "
    "sujet, avec les anciens que le compte peut joindre (meilleur chemin). 404 : compte sans "
    "fiche dans l'annuaire.",
)
def my_topic(request: HttpRequest, top: Annotated[int, Field(ge=1, le=50)] = 20) -> Any:
    from filon.money import topic

    _check(request)
    viewer = viewer_for(request.user)
    if viewer.person_id is None:
        raise HttpError(404, "Ce compte n'est relié à aucune fiche de l'annuaire.")
    return queries.jsonable(topic.my_topic(viewer, top=top))
