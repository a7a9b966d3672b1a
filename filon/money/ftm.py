"""The funding graph as FollowTheMoney entities, for Aleph and the other FtM tools.

One JSON object per line (``{"id", "schema", "properties": {name: [values]}}``), as
``ftm`` and ``alephclient write-entities`` read them:

- organisations: ``PublicBody`` (funders and agencies), ``Company`` (companies, start-ups),
  ``Organization`` (labs, universities, associations);
- each funded project: ``Project`` (``projectId``, dates, total cost, topic as keyword);
- each participation: ``ProjectParticipant`` (participant → project, role), and, when it has an
  amount and the project a funder, a ``Payment`` (payer = funder → beneficiary = organisation,
  project, programme as ``Payment.programme``, amount and currency). FtM has no programme
  schema: the programme travels as that string (code — name).

People leave Filon only when asked by the association's staff (``people=True``) and then only
what :func:`filon.directory.privacy.can_export_person` allows: a ``Person`` with their name,
their thesis as a ``Project`` with its funders, and their current jobs at exported
organisations as ``Employment``. Never a contact detail.

:func:`validate` checks every entity with the ``followthemoney`` library itself: known schema
and properties, values valid for their type, required properties present, references to
entities of the right schema present in the export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from filon.core.money import to_cents
from filon.directory.models import Person, Position, ThesisFunding
from filon.directory.privacy import Viewer, can_export_person
from filon.money.models import Participation, Programme, Project, ThesisGrant
from filon.money.queries import path_of, programme_nodes
from filon.orgs.models import Organisation, OrgKind

PUBLISHER = "Filon"
REGISTRATION_SCHEMES = {"orgnr", "siren", "siret"}
Entity = dict[str, Any]


def _entity(id_: str, schema: str, **properties: Any) -> Entity:
    props: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = value if isinstance(value, list | tuple | set) else [value]
        cleaned = [_text(v) for v in values if v not in (None, "")]
        if cleaned:
            props[name] = sorted(set(cleaned)) if len(cleaned) > 1 else cleaned
    return {"id": id_, "schema": schema, "properties": props}


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(to_cents(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def org_id(pk: int) -> str:
    return f"filon-org-{pk}"


def org_schema(kind: str) -> str:
    if kind in (OrgKind.FUNDER, OrgKind.AGENCY):
        return "PublicBody"
    if kind in (OrgKind.COMPANY, OrgKind.STARTUP):
        return "Company"
    return "Organization"


def organisation_entities(org_ids: Iterable[int]) -> Iterator[Entity]:
    orgs = Organisation.objects.filter(pk__in=list(org_ids)).prefetch_related(
        "identifiers", "aliases"
    )
    for org in orgs.order_by("pk"):
        registration = [i.value for i in org.identifiers.all() if i.scheme in REGISTRATION_SCHEMES]
        other_ids = [
            f"{i.scheme}:{i.value}"
            for i in org.identifiers.all()
            if i.scheme not in REGISTRATION_SCHEMES
        ]
        yield _entity(
            org_id(org.pk),
            org_schema(org.kind),
            name=org.name,
            alias=[a.name for a in org.aliases.all()],
            abbreviation=org.short_name,
            country=org.country.lower(),
            registrationNumber=registration,
            idNumber=other_ids,
            website=org.website,
            publisher=PUBLISHER,
        )


def funding_entities() -> tuple[list[Entity], set[int]]:
    """Projects, participants and payments; and the organisations they name."""
    nodes = programme_nodes()
    out: list[Entity] = []
    orgs: set[int] = set()
    projects = Project.objects.order_by("pk")
    for p in projects:
        path = path_of(p.programme_id, nodes)
        out.append(
            _entity(
                f"filon-project-{p.pk}",
                "Project",
                name=p.acronym or p.title or p.identifier,
                projectId=p.identifier,
                description=p.title,
                startDate=p.start,
                endDate=p.end,
                status=p.status,
                keywords=[p.topic_code, p.action_type, *(n.code for n in path)],
                amount=p.total_cost,
                currency=p.currency if p.total_cost is not None else "",
                amountEur=p.total_cost if p.currency == "EUR" else None,
                publisher=PUBLISHER,
            )
        )
        if p.funder_id:
            orgs.add(p.funder_id)
    funders = dict(Project.objects.values_list("pk", "funder_id"))
    programme_of = dict(Project.objects.values_list("pk", "programme_id"))
    meta = {
        pk: (identifier, acronym, start, end)
        for pk, identifier, acronym, start, end in Project.objects.values_list(
            "pk", "identifier", "acronym", "start", "end"
        )
    }
    for part in Participation.objects.order_by("pk").values(
        "pk", "project_id", "organisation_id", "role", "contribution", "currency"
    ):
        orgs.add(part["organisation_id"])
        project = f"filon-project-{part['project_id']}"
        out.append(
            _entity(
                f"filon-participant-{part['pk']}",
                "ProjectParticipant",
                participant=org_id(part["organisation_id"]),
                project=project,
                role=part["role"],
                publisher=PUBLISHER,
            )
        )
        payer = funders.get(part["project_id"])
        if part["contribution"] is None or payer is None:
            continue
        identifier, acronym, start, end = meta[part["project_id"]]
        programme = programme_of.get(part["project_id"])
        label = f"{nodes[programme].code} — {nodes[programme].label}" if programme in nodes else ""
        out.append(
            _entity(
                f"filon-payment-{part['pk']}",
                "Payment",
                payer=org_id(payer),
                beneficiary=org_id(part["organisation_id"]),
                project=project,
                programme=label,
                purpose=f"{acronym or identifier} ({identifier})",
                transactionNumber=identifier,
                amount=part["contribution"],
                currency=part["currency"],
                amountEur=part["contribution"] if part["currency"] == "EUR" else None,
                startDate=start,
                endDate=end,
                publisher=PUBLISHER,
            )
        )
    return out, orgs


def people_entities(viewer: Viewer, org_ids: set[int]) -> tuple[list[Entity], set[int]]:
    """Theses with their funders, and jobs at exported organisations, of people who allow it."""
    out: list[Entity] = []
    orgs: set[int] = set()
    people: dict[int, Person] = {}
    grants = {g.funding_id: g for g in ThesisGrant.objects.select_related("programme")}
    fundings = ThesisFunding.objects.select_related("thesis__person").order_by("pk")
    theses_done: set[int] = set()
    for f in fundings:
        thesis, person = f.thesis, f.thesis.person
        if not can_export_person(viewer, person, "thesis"):
            continue
        people[person.pk] = person
        tid = f"filon-thesis-{thesis.pk}"
        if thesis.pk not in theses_done:
            theses_done.add(thesis.pk)
            out.append(
                _entity(
                    tid,
                    "Project",
                    name=thesis.title[:500],
                    projectId=thesis.nnt,
                    endDate=str(thesis.defence_year),
                    keywords=["thèse", thesis.discipline],
                    publisher=PUBLISHER,
                )
            )
            out.append(
                _entity(
                    f"filon-thesis-{thesis.pk}-author",
                    "ProjectParticipant",
                    participant=f"filon-person-{person.pk}",
                    project=tid,
                    role="doctorant",
                    publisher=PUBLISHER,
                )
            )
            if thesis.lab_id:
                orgs.add(thesis.lab_id)
                out.append(
                    _entity(
                        f"filon-thesis-{thesis.pk}-lab",
                        "ProjectParticipant",
                        participant=org_id(thesis.lab_id),
                        project=tid,
                        role="laboratoire",
                        publisher=PUBLISHER,
                    )
                )
        orgs.add(f.funder_id)
        out.append(
            _entity(
                f"filon-thesis-funding-{f.pk}",
                "ProjectParticipant",
                participant=org_id(f.funder_id),
                project=tid,
                role=f"financeur ({f.get_kind_display()})",
                publisher=PUBLISHER,
            )
        )
        grant = grants.get(f.pk)
        if grant is not None and grant.amount is not None:
            out.append(
                _entity(
                    f"filon-thesis-payment-{f.pk}",
                    "Payment",
                    payer=org_id(f.funder_id),
                    beneficiary=org_id(thesis.lab_id)
                    if thesis.lab_id
                    else f"filon-person-{person.pk}",
                    project=tid,
                    programme=grant.programme.label if grant.programme else "",
                    amount=grant.amount,
                    currency=grant.currency,
                    amountEur=grant.amount if grant.currency == "EUR" else None,
                    publisher=PUBLISHER,
                )
            )
    positions = (
        Position.objects.filter(organisation_id__in=org_ids | orgs, end__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    for pos in positions:
        if not can_export_person(viewer, pos.person, "positions"):
            continue
        people[pos.person_id] = pos.person
        out.append(
            _entity(
                f"filon-employment-{pos.pk}",
                "Employment",
                employee=f"filon-person-{pos.person_id}",
                employer=org_id(pos.organisation_id),
                role=pos.title,
                startDate=pos.start,
                publisher=PUBLISHER,
            )
        )
    for person in people.values():
        out.append(
            _entity(
                f"filon-person-{person.pk}",
                "Person",
                name=person.full_name,
                firstName=person.first_name,
                lastName=person.last_name,
                publisher=PUBLISHER,
            )
        )
    return out, orgs


def build(*, viewer: Viewer | None = None, people: bool = False) -> list[Entity]:
    """Every entity of the export. ``people`` needs a staff ``viewer`` (else ValueError)."""
    entities, orgs = funding_entities()
    if people:
        if viewer is None or not viewer.is_staff:
            raise ValueError("people leave Filon only at the request of the association's staff")
        more, more_orgs = people_entities(viewer, orgs)
        entities += more
        orgs |= more_orgs
    orgs |= set(
        Programme.objects.exclude(funder=None).values_list("funder_id", flat=True).distinct()
    )
    return [*organisation_entities(orgs), *entities]


def validate(entities: list[Entity]) -> list[str]:
    """What is wrong with these entities, as the ``followthemoney`` library sees it ([] if
    nothing): schema, properties, values, required properties, and references."""
    from followthemoney import model
    from followthemoney.exc import InvalidData

    errors: list[str] = []
    schemata: dict[str, Any] = {}
    for e in entities:
        schema = model.get(e.get("schema", ""))
        if schema is None:
            errors.append(f"{e.get('id')}: unknown schema {e.get('schema')!r}")
            continue
        if not e.get("id") or e["id"] in schemata:
            errors.append(f"{e.get('id')}: missing or repeated id")
        schemata[e["id"]] = schema
    for e in entities:
        schema = schemata.get(e.get("id", ""))
        if schema is None:
            continue
        props = e.get("properties", {})
        for name, values in props.items():
            prop = schema.get(name)
            if prop is None:
                errors.append(f"{e['id']}: {schema.name} has no property {name!r}")
                continue
            if prop.stub:
                errors.append(f"{e['id']}: {name!r} is a reverse property")
            for value in values:
                if not _valid(prop.type, value):
                    errors.append(f"{e['id']}: {name}={value!r} is no valid {prop.type.name}")
            if prop.type.name == "entity":
                for value in values:
                    target = schemata.get(value)
                    if target is None:
                        errors.append(f"{e['id']}: {name} points to {value!r}, not in the export")
                    elif prop.range is not None and not target.is_a(prop.range):
                        errors.append(
                            f"{e['id']}: {name} points to a {target.name}, not a {prop.range.name}"
                        )
        for name in schema.required:
            if not props.get(name):
                errors.append(f"{e['id']}: {schema.name} requires {name!r}")
        try:
            schema.validate(e)
            proxy = model.get_proxy(e, cleaned=False)
        except InvalidData as exc:
            errors.append(f"{e['id']}: {exc}")
            continue
        for name, values in props.items():
            if schema.get(name) is not None and len(proxy.get(name)) != len(values):
                errors.append(f"{e['id']}: {name} loses values once cleaned: {values!r}")
    return errors


def _valid(kind: Any, value: str) -> bool:
    """The library's own check of a value, made strict where it is lenient (numbers, countries)."""
    if not isinstance(value, str) or not value.strip() or not kind.validate(value):
        return False
    if kind.name == "number":
        try:
            Decimal(value)
        except ArithmeticError:
            return False
    if kind.name == "country":
        return value in kind.names and value != "zz"
    return True


def write(path: Path, entities: list[Entity]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for e in entities:
            handle.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
