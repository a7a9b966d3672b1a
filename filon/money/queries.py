"""Reads of the money app: what an organisation receives, what a funder or a programme gives,
a project's participants, "who funded my thesis", the money trail.

Amounts are summed in Python with :mod:`filon.core.money` (exact decimals, one total per
currency), never with SQL ``SUM`` (SQLite would add them as floats). People appear only
through :func:`alumni_at`, which applies :mod:`filon.directory.privacy`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from filon.core import money as core
from filon.core.text import fold
from filon.directory.models import Position, ThesisFunding
from filon.directory.privacy import Viewer, can_find, can_see_field
from filon.money.models import Participation, Programme, Project, Role, ThesisGrant
from filon.orgs.models import Organisation, OrgIdentifier

#: How many rows the lists of a page or a JSON answer show.
TOP = 15
ALUMNI_PER_ORG = 6
#: Organisations with a longer name appear under their short name on the Sankey diagram.
SANKEY_LABEL = 28


class Ambiguous(LookupError):
    """Several records answer a name: ``choices`` lists them."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(", ".join(choices))
        self.choices = choices


# -- finding things ----------------------------------------------------------------------------


def find_organisation(ref: str) -> Organisation | None:
    """An organisation by identifier (PIC, organisation number…), Filon id, or name."""
    text = ref.strip()
    if not text:
        return None
    ident = OrgIdentifier.objects.filter(value=text).select_related("organisation").first()
    if ident is not None:
        return ident.organisation
    if text.isdigit():
        found = Organisation.objects.filter(pk=int(text)).first()
        if found is not None:
            return found
    from filon.network.queries import find_organisations

    matches = find_organisations(text)
    if len(matches) > 1:
        exact = [o for o in matches if fold(o.name) == fold(text)]
        with_money = [o for o in (exact or matches) if o.participations.exists()]
        pool = exact or with_money
        if len(pool) != 1:
            raise Ambiguous([f"{o.name} (n° {o.pk})" for o in matches[:10]])
        return pool[0]
    return matches[0] if matches else None


def find_project(ref: str) -> Project | None:
    """A project by its number (grant agreement), else by its acronym."""
    text = ref.strip()
    found = Project.objects.filter(identifier=text).first()
    if found is not None or not text:
        return found
    by_acronym = list(Project.objects.filter(acronym__iexact=text)[:10])
    if len(by_acronym) > 1:
        raise Ambiguous([f"{p.acronym} ({p.identifier})" for p in by_acronym])
    return by_acronym[0] if by_acronym else None


def find_programme(ref: str) -> Programme | None:
    """A programme by code ("H2020-EU.2.1.6.", "EU.2.1.6."), short name ("LEIT-SPACE") or name."""
    text = ref.strip()
    if not text:
        return None
    found = Programme.objects.filter(code=text).first()
    if found is not None:
        return found
    for query in (
        Q(code__endswith=f"-{text}"),
        Q(short_name__iexact=text),
        Q(name__iexact=text) | Q(name_fr__iexact=text),
        Q(name_folded__contains=fold(text)),
    ):
        matches = list(Programme.objects.filter(query).order_by("code")[:10])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise Ambiguous([f"{p.code} {p.label}" for p in matches])
    return None


# -- the programme tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeNode:
    id: int
    code: str
    label: str
    parent_id: int | None
    funder_id: int | None


def programme_nodes() -> dict[int, ProgrammeNode]:
    return {
        pk: ProgrammeNode(pk, code, _label(short, name, name_fr), parent, funder)
        for pk, code, short, name, name_fr, parent, funder in Programme.objects.values_list(
            "pk", "code", "short_name", "name", "name_fr", "parent_id", "funder_id"
        )
    }


def _label(short: str, name: str, name_fr: str) -> str:
    shown = name_fr or name
    return f"{short} — {shown}" if short and short != shown else shown


def subtree(programme_id: int, nodes: dict[int, ProgrammeNode] | None = None) -> list[int]:
    nodes = nodes if nodes is not None else programme_nodes()
    children: dict[int, list[int]] = defaultdict(list)
    for node in sorted(nodes.values(), key=lambda n: n.code):
        if node.parent_id is not None:
            children[node.parent_id].append(node.id)
    return core.descendants(children, programme_id)


def path_of(programme_id: int | None, nodes: dict[int, ProgrammeNode]) -> list[ProgrammeNode]:
    """The programme and its parents, root first."""
    if programme_id is None:
        return []
    parent = {n.id: n.parent_id for n in nodes.values()}
    return [nodes[i] for i in reversed(core.ancestors(parent, programme_id)) if i in nodes]


# -- JSON ------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Decimals become exact strings to the cent, dates ISO strings, recursively."""
    if isinstance(value, Decimal):
        return str(core.to_cents(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# -- alumni, with the directory's privacy rules -----------------------------------------------


def alumni_at(
    viewer: Viewer, org_ids: Iterable[int], *, per_org: int = ALUMNI_PER_ORG
) -> dict[int, dict[str, Any]]:
    """Who works at each organisation now, as ``viewer`` may see them.

    People out of the directory never appear (except to staff); a career hidden from the
    viewer hides the person from these lists. The viewer themself is left out.
    Returns ``{org id: {"people": [...up to per_org], "count": n}}``.
    """
    ids = list(set(org_ids))
    out: dict[int, dict[str, Any]] = {i: {"people": [], "count": 0} for i in ids}
    if not ids or not viewer.is_authenticated:
        return out
    seen: set[tuple[int, int]] = set()
    positions = (
        Position.objects.filter(organisation_id__in=ids, end__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    for pos in positions:
        person = pos.person
        key = (pos.organisation_id, person.pk)
        if key in seen or person.pk == viewer.person_id:
            continue
        if not can_find(viewer, person) or not can_see_field(viewer, person, "positions"):
            continue
        seen.add(key)
        entry = out[pos.organisation_id]
        entry["count"] += 1
        if len(entry["people"]) < per_org:
            entry["people"].append(
                {
                    "id": person.pk,
                    "name": person.full_name,
                    "title": pos.title,
                    "url": reverse("directory:profile", args=[person.pk]),
                }
            )
    return out


# -- an organisation ---------------------------------------------------------------------------


def _org_ref(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "country": org.country,
        "url": reverse("money:organisation", args=[org.pk]),
    }


def organisation_money(
    org: Organisation, *, viewer: Viewer | None = None, top: int = TOP
) -> dict[str, Any]:
    """What an organisation receives: by programme, year and funder; its projects and roles,
    its co-participants; with ``viewer``, the alumni who work there and at its partners."""
    nodes = programme_nodes()
    rows = list(
        Participation.objects.filter(organisation=org).values_list(
            "project_id",
            "role",
            "contribution",
            "currency",
            "project__identifier",
            "project__acronym",
            "project__title",
            "project__start",
            "project__signed",
            "project__programme_id",
            "project__funder_id",
            "project__funder__name",
        )
    )
    project_ids = {r[0] for r in rows}
    coordinated = {r[0] for r in rows if r[1] == Role.COORDINATOR}
    roles: dict[str, int] = defaultdict(int)
    for r in rows:
        roles[r[1]] += 1
    by_programme = core.group_totals((r[9], r[2], r[3]) for r in rows)
    programme_projects: dict[int | None, set[int]] = defaultdict(set)
    for r in rows:
        programme_projects[r[9]].add(r[0])
    by_year = core.group_totals((_year(r[7], r[8]), r[2], r[3]) for r in rows)
    by_funder = core.group_totals((r[10], r[2], r[3]) for r in rows)
    funder_names = {r[10]: r[11] for r in rows}
    project_list = sorted(
        (
            {
                "id": r[4],
                "pk": r[0],
                "acronym": r[5],
                "title": r[6],
                "role": r[1],
                "role_label": str(Role(r[1]).label),
                "year": _year(r[7], r[8]),
                "programme": nodes[r[9]].label if r[9] in nodes else "",
                "amount": r[2],
                "currency": r[3],
                "url": reverse("money:project", args=[r[0]]),
            }
            for r in rows
        ),
        key=lambda p: (p["currency"] != "EUR", -_amount(p["amount"]), str(p["id"])),
    )
    partners = co_participants(project_ids, exclude={org.pk}, top=top)
    out: dict[str, Any] = {
        **_org_ref(org),
        "identifiers": dict(org.identifiers.values_list("scheme", "value")),
        "projects": len(project_ids),
        "coordinated": len(coordinated),
        "participations": len(rows),
        "received": core.totals((r[2], r[3]) for r in rows),
        "roles": {str(Role(k).label): v for k, v in sorted(roles.items())},
        "by_programme": [
            {
                "code": nodes[k].code if k in nodes else "",
                "name": nodes[k].label if k in nodes else _("(sans programme)"),
                "projects": len(programme_projects[k]),
                "received": t,
            }
            for k, t in core.rank(by_programme.items())
        ],
        "by_year": [{"year": y, "received": by_year[y]} for y in sorted(by_year, key=_year_key)],
        "funders": [
            {"id": k, "name": funder_names.get(k) or _("(financeur inconnu)"), "received": t}
            for k, t in core.rank(by_funder.items())
        ],
        "project_list": project_list[: top * 4],
        "co_participants": partners,
    }
    if viewer is not None:
        alumni = alumni_at(viewer, [org.pk, *(p["id"] for p in partners)])
        out["alumni"] = alumni[org.pk]
        for p in partners:
            p["alumni"] = alumni.get(p["id"], {"people": [], "count": 0})
    return out


def _year(start: date | None, signed: date | None) -> int | None:
    day = start or signed
    return day.year if day else None


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


def _year_key(year: int | None) -> int:
    return year if year is not None else 0


def co_participants(
    project_ids: Iterable[int], *, exclude: Iterable[int] = (), top: int = TOP
) -> list[dict[str, Any]]:
    """The other organisations of these projects, ranked by what they receive in them."""
    excluded = set(exclude)
    rows = list(
        Participation.objects.filter(project_id__in=list(project_ids))
        .exclude(organisation_id__in=excluded)
        .values_list(
            "organisation_id", "organisation__name", "project_id", "contribution", "currency"
        )
    )
    names = {r[0]: r[1] for r in rows}
    shared: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        shared[r[0]].add(r[2])
    sums = core.group_totals((r[0], r[3], r[4]) for r in rows)
    for org_id in shared:
        sums.setdefault(org_id, {})
    ranked = core.rank(sums.items(), limit=top)
    return [
        {
            "id": k,
            "name": names[k],
            "projects": len(shared[k]),
            "received": t,
            "url": reverse("money:organisation", args=[k]),
        }
        for k, t in ranked
    ]


# -- a project ---------------------------------------------------------------------------------


def project_money(project: Project, *, viewer: Viewer | None = None) -> dict[str, Any]:
    nodes = programme_nodes()
    parts = list(project.participations.select_related("organisation").order_by("number", "pk"))
    coordinator = next((p for p in parts if p.role == Role.COORDINATOR), None)
    out: dict[str, Any] = {
        "id": project.identifier,
        "pk": project.pk,
        "acronym": project.acronym,
        "title": project.title,
        "programme": (
            {"code": nodes[project.programme_id].code, "name": nodes[project.programme_id].label}
            if project.programme_id in nodes
            else None
        ),
        "programme_path": [
            {"id": n.id, "code": n.code, "name": n.label}
            for n in path_of(project.programme_id, nodes)
        ],
        "funder": project.funder.name if project.funder_id and project.funder else None,
        "funder_id": project.funder_id,
        "topic_code": project.topic_code,
        "topic": project.topic,
        "call": project.call,
        "action_type": project.action_type,
        "status": project.status,
        "start": project.start,
        "end": project.end,
        "total_cost": project.total_cost,
        "currency": project.currency,
        "coordinator": coordinator.organisation.name if coordinator else None,
        "participants": [
            {
                "id": p.organisation_id,
                "name": p.organisation.name,
                "role": p.role,
                "role_label": str(p.get_role_display()),
                "number": p.number,
                "amount": p.contribution,
                "currency": p.currency,
                "country": p.organisation.country,
                "url": reverse("money:organisation", args=[p.organisation_id]),
            }
            for p in parts
        ],
        "participations": len(parts),
        "total": core.totals((p.contribution, p.currency) for p in parts),
    }
    if viewer is not None:
        alumni = alumni_at(viewer, [p.organisation_id for p in parts])
        for p in out["participants"]:
            p["alumni"] = alumni[p["id"]]
    return out


# -- a programme, a funder ---------------------------------------------------------------------

_FLOW_FIELDS = (
    "organisation_id",
    "organisation__name",
    "project_id",
    "contribution",
    "currency",
    "project__topic_code",
    "project__topic",
    "project__start",
    "project__signed",
    "project__programme_id",
)


def _flows(rows: list[tuple[Any, ...]], *, top: int, viewer: Viewer | None) -> dict[str, Any]:
    """The common part of a programme's and a funder's page: who receives, topics, years."""
    names = {r[0]: r[1] for r in rows}
    org_projects: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        org_projects[r[0]].add(r[2])
    recipients = core.rank(core.group_totals((r[0], r[3], r[4]) for r in rows).items(), limit=top)
    topic_projects: dict[str, set[int]] = defaultdict(set)
    topic_labels: dict[str, str] = {}
    for r in rows:
        code = r[5] or ""
        topic_projects[code].add(r[2])
        topic_labels.setdefault(code, r[6] or "")
    topics = core.rank(core.group_totals((r[5] or "", r[3], r[4]) for r in rows).items(), limit=top)
    by_year = core.group_totals((_year(r[7], r[8]), r[3], r[4]) for r in rows)
    out: dict[str, Any] = {
        "participations": len(rows),
        "projects": len({r[2] for r in rows}),
        "organisations": len(names),
        "total": core.totals((r[3], r[4]) for r in rows),
        "top_recipients": [
            {
                "id": k,
                "name": names[k],
                "projects": len(org_projects[k]),
                "received": t,
                "url": reverse("money:organisation", args=[k]),
            }
            for k, t in recipients
        ],
        "topics": [
            {
                "code": k,
                "label": topic_labels.get(k, ""),
                "projects": len(topic_projects[k]),
                "total": t,
            }
            for k, t in topics
        ],
        "by_year": [{"year": y, "total": by_year[y]} for y in sorted(by_year, key=_year_key)],
    }
    if viewer is not None:
        alumni = alumni_at(viewer, [r["id"] for r in out["top_recipients"]])
        for r in out["top_recipients"]:
            r["alumni"] = alumni[r["id"]]
    return out


def programme_money(
    programme: Programme, *, viewer: Viewer | None = None, top: int = TOP
) -> dict[str, Any]:
    """What a programme (and everything under it) gives: to whom, in which topics, when."""
    nodes = programme_nodes()
    ids = subtree(programme.pk, nodes)
    rows = list(
        Participation.objects.filter(project__programme_id__in=ids).values_list(*_FLOW_FIELDS)
    )
    child_ids = [n.id for n in nodes.values() if n.parent_id == programme.pk]
    per_child: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    owner = {}
    for child in child_ids:
        for i in subtree(child, nodes):
            owner[i] = child
    for r in rows:
        if r[9] in owner:
            per_child[owner[r[9]]].append(r)
    children = [
        {
            "id": c,
            "code": nodes[c].code,
            "name": nodes[c].label,
            "projects": len({r[2] for r in per_child[c]}),
            "total": core.totals((r[3], r[4]) for r in per_child[c]),
            "url": reverse("money:programme", args=[c]),
        }
        for c in sorted(child_ids, key=lambda c: nodes[c].code)
    ]
    funder = programme.funder
    if funder is None:
        for node in reversed(path_of(programme.pk, nodes)):
            if node.funder_id is not None:
                funder = Organisation.objects.filter(pk=node.funder_id).first()
                break
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.label,
        "short_name": programme.short_name,
        "level": programme.level,
        "funder": {"id": funder.pk, "name": funder.name} if funder else None,
        "path": [
            {"id": n.id, "code": n.code, "name": n.label} for n in path_of(programme.pk, nodes)
        ],
        "children": children,
        **_flows(rows, top=top, viewer=viewer),
    }


def funder_money(
    org: Organisation, *, viewer: Viewer | None = None, top: int = TOP
) -> dict[str, Any]:
    """What an organisation gives as a funder: its programmes, to whom, topics, over time."""
    nodes = programme_nodes()
    rows = list(Participation.objects.filter(project__funder=org).values_list(*_FLOW_FIELDS))
    own = [n for n in nodes.values() if n.funder_id == org.pk]
    roots = [n for n in own if n.parent_id is None or nodes[n.parent_id].funder_id != org.pk]
    per_programme: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    owner: dict[int, int] = {}
    for root in roots:
        for i in subtree(root.id, nodes):
            owner[i] = root.id
    for r in rows:
        if r[9] in owner:
            per_programme[owner[r[9]]].append(r)
    theses = ThesisFunding.objects.filter(funder=org).count()
    return {
        **_org_ref(org),
        "programmes": [
            {
                "id": n.id,
                "code": n.code,
                "name": n.label,
                "projects": len({r[2] for r in per_programme[n.id]}),
                "total": core.totals((r[3], r[4]) for r in per_programme[n.id]),
                "url": reverse("money:programme", args=[n.id]),
            }
            for n in sorted(roots, key=lambda n: n.code)
        ],
        "theses_funded": theses,
        **_flows(rows, top=top, viewer=viewer),
    }


def is_funder(org: Organisation) -> bool:
    return (
        Project.objects.filter(funder=org).exists() or Programme.objects.filter(funder=org).exists()
    )


def overview(*, top: int = TOP) -> dict[str, Any]:
    """The funders, ranked by what they give, and the totals of everything recorded."""
    rows = list(
        Participation.objects.values_list(
            "project__funder_id", "project__funder__name", "contribution", "currency"
        )
    )
    names = {r[0]: r[1] for r in rows}
    funders = core.rank(core.group_totals((r[0], r[2], r[3]) for r in rows).items(), limit=top)
    programmes = [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.label,
            "url": reverse("money:programme", args=[p.pk]),
        }
        for p in Programme.objects.filter(parent__isnull=True).order_by("code")
    ]
    return {
        "total": core.totals((r[2], r[3]) for r in rows),
        "participations": len(rows),
        "projects": Project.objects.count(),
        "funders": [
            {
                "id": k,
                "name": names[k] or _("(financeur inconnu)"),
                "total": t,
                "url": reverse("money:funder", args=[k]) if k else "",
            }
            for k, t in funders
        ],
        "programmes": programmes,
    }


# -- who funded my thesis ------------------------------------------------------------------------


def my_funders(viewer: Viewer) -> list[dict[str, Any]]:
    """The viewer's funders: those of their theses, and those they declared on ORCID."""
    if viewer.person_id is None:
        return []
    out: dict[int, dict[str, Any]] = {}
    fundings = (
        ThesisFunding.objects.filter(thesis__person_id=viewer.person_id)
        .select_related("funder", "thesis")
        .order_by("pk")
    )
    grants = {
        g.funding_id: g
        for g in ThesisGrant.objects.filter(funding__in=fundings).select_related(
            "programme", "project"
        )
    }
    for f in fundings:
        entry = out.setdefault(f.funder_id, {"org": f.funder, "how": []})
        grant = grants.get(f.pk)
        entry["how"].append(
            {
                "kind": f.kind,
                "label": str(f.get_kind_display()),
                "thesis": f.thesis.title,
                "programme": grant.programme.label if grant and grant.programme else "",
                "programme_id": grant.programme_id if grant else None,
                "project_id": grant.project_id if grant else None,
                "amount": grant.amount if grant else None,
                "currency": grant.currency if grant else "",
            }
        )
    from filon.imports.models import PersonFunding

    declared = PersonFunding.objects.filter(person_id=viewer.person_id).select_related("funder")
    for d in declared:
        entry = out.setdefault(d.funder_id, {"org": d.funder, "how": []})
        project = (
            Project.objects.filter(identifier=d.grant_number).first() if d.grant_number else None
        )
        entry["how"].append(
            {
                "kind": "orcid",
                "label": _("déclaré sur ORCID"),
                "thesis": d.title,
                "programme": project.programme.label if project and project.programme else "",
                "programme_id": project.programme_id if project else None,
                "project_id": project.pk if project else None,
                "amount": d.amount,
                "currency": d.currency,
            }
        )
    return list(out.values())


def who_funded_my_thesis(viewer: Viewer, *, top: int = 10) -> dict[str, Any]:
    """From the viewer's funders to the organisations they fund and their co-participants,
    ranked by amount, each with the alumni who work there; and the other theses they funded.
    """
    funders = my_funders(viewer)
    sections = []
    shown: set[int] = set()
    for entry in funders:
        org: Organisation = entry["org"]
        rows = list(
            Participation.objects.filter(project__funder=org).values_list(
                "organisation_id", "organisation__name", "project_id", "contribution", "currency"
            )
        )
        gives = bool(rows)
        if not gives:
            # A funder that gives nothing recorded here (a CIFRE company): what it takes part in.
            rows = list(
                Participation.objects.filter(organisation=org).values_list(
                    "organisation_id",
                    "organisation__name",
                    "project_id",
                    "contribution",
                    "currency",
                )
            )
        names = {r[0]: r[1] for r in rows}
        org_projects: dict[int, set[int]] = defaultdict(set)
        for r in rows:
            org_projects[r[0]].add(r[2])
        ranked = core.rank(core.group_totals((r[0], r[3], r[4]) for r in rows).items(), limit=top)
        funded: list[dict[str, Any]] = [
            {
                "id": k,
                "name": names[k],
                "projects": len(org_projects[k]),
                "received": t,
                "url": reverse("money:organisation", args=[k]),
            }
            for k, t in ranked
            if gives or k != org.pk
        ]
        project_ids = {r[2] for r in rows}
        partners = co_participants(
            project_ids if not gives else _projects_of([f["id"] for f in funded]),
            exclude={org.pk, *(f["id"] for f in funded)} if gives else {org.pk},
            top=top,
        )
        if not gives:
            partners, funded = funded, []
        shown |= {f["id"] for f in funded} | {p["id"] for p in partners}
        sections.append(
            {
                "funder": _org_ref(org),
                "funder_url": reverse("money:funder", args=[org.pk]) if gives else "",
                "how": entry["how"],
                "gives": gives,
                "total": core.totals((r[3], r[4]) for r in rows) if gives else {},
                "projects": len(project_ids),
                "funded": funded,
                "co_participants": partners,
                "other_theses": other_theses(viewer, org, limit=top),
            }
        )
    alumni = alumni_at(viewer, shown)
    for section in sections:
        for item in (*section["funded"], *section["co_participants"]):
            item["alumni"] = alumni.get(item["id"], {"people": [], "count": 0})
    return {"person_id": viewer.person_id, "funders": sections}


def _projects_of(org_ids: list[int]) -> set[int]:
    return set(
        Participation.objects.filter(organisation_id__in=org_ids).values_list(
            "project_id", flat=True
        )
    )


def other_theses(viewer: Viewer, funder: Organisation, *, limit: int = 10) -> list[dict[str, Any]]:
    """Other docteurs whose thesis this funder funded, as the viewer may see them."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    fundings = (
        ThesisFunding.objects.filter(funder=funder)
        .select_related("thesis__person")
        .order_by("-thesis__defence_year", "pk")
    )
    if viewer.person_id is not None:
        fundings = fundings.exclude(thesis__person_id=viewer.person_id)
    for f in fundings:
        person = f.thesis.person
        if person.pk in seen:
            continue
        if not can_find(viewer, person) or not can_see_field(viewer, person, "thesis"):
            continue
        seen.add(person.pk)
        out.append(
            {
                "id": person.pk,
                "name": person.full_name,
                "thesis": f.thesis.title,
                "year": f.thesis.defence_year,
                "kind": str(f.get_kind_display()),
                "url": reverse("directory:profile", args=[person.pk]),
            }
        )
        if len(out) >= limit:
            break
    return out


# -- the money trail ---------------------------------------------------------------------------


def trail(
    *,
    funder_ids: Iterable[int] = (),
    programme: Programme | None = None,
    currency: str = "",
    max_projects: int = 25,
    max_organisations: int = 25,
) -> dict[str, Any]:
    """Sankey data, funder → programme → project → organisation, in one currency.

    ``currency`` empty: the currency with the most money among the preferred ones, else the
    first. The other currencies present are listed in ``currencies`` (never added up).
    """
    query = Participation.objects.exclude(contribution__isnull=True)
    if programme is not None:
        query = query.filter(project__programme_id__in=subtree(programme.pk))
    else:
        query = query.filter(project__funder_id__in=list(funder_ids))
    rows = list(
        query.values_list(
            "project__funder_id",
            "project__funder__name",
            "project__funder__short_name",
            "project__programme_id",
            "project_id",
            "project__acronym",
            "project__identifier",
            "organisation_id",
            "organisation__name",
            "contribution",
            "currency",
            "organisation__short_name",
        )
    )
    currencies = core.currency_order({r[10] for r in rows})
    chosen = currency if currency in currencies else (currencies[0] if currencies else "")
    nodes = programme_nodes()
    short = dict(Programme.objects.exclude(short_name="").values_list("pk", "short_name"))
    flows = [
        core.Flow(
            (r[0], r[1] or r[2] or _("(financeur inconnu)")),
            (
                r[3],
                short.get(r[3]) or (nodes[r[3]].label if r[3] in nodes else _("(sans programme)")),
            ),
            (r[4], r[5] or r[6]),
            (r[7], r[8] if len(r[8]) <= SANKEY_LABEL or not r[11] else r[11]),
            r[9] or Decimal(0),
        )
        for r in rows
        if r[10] == chosen
    ]
    diagram = core.sankey(
        flows,
        max_projects=max_projects,
        max_organisations=max_organisations,
        other_projects=_("autres projets"),
        other_organisations=_("autres organisations"),
    )
    return {
        "currency": chosen,
        "currencies": currencies,
        "total": diagram.total("funder"),
        "nodes": [
            {"label": label, "kind": kind, "key": _node_key(key)}
            for label, kind, key in zip(diagram.labels, diagram.kinds, diagram.keys, strict=True)
        ],
        "links": [
            {"source": s, "target": t, "value": v}
            for s, t, v in zip(diagram.sources, diagram.targets, diagram.values, strict=True)
        ],
    }


def _node_key(key: Any) -> Any:
    return key if isinstance(key, int | str) or key is None else None
