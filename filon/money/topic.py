"""« Qui paie pour mon sujet ? »: the funded projects closest to a member's subject, the
organisations paid most for it, the alumni the member can reach there, and an offer scenario
made from one of them.

- The ranking is :mod:`filon.core.topic` (the directory search's words: folding, French and
  English stems; BM25F over a project's title, acronym, topic, objective, programme and call).
  Each server process builds the index once, at its first question, and checks before each
  one a fingerprint of the projects (how many, the last id, the last change — every write of
  the money importer moves it, `updated_at` being indexed): when it moved, the index is built
  again reusing the analysis of every unchanged project, so a write costs what it changes.
- The subject is the member's own: thesis (title, discipline, abstract), headline, skills,
  competences and desires (:mod:`filon.projects`). Nobody else's.
- Projects of the member's own funders, or of the programme behind her thesis, get a bonus
  and say so.
- People appear only through :func:`filon.money.queries.alumni_at` (the directory's privacy
  rules), each with the member's best introduction path (:func:`filon.network.queries.best_paths`).
- Amounts are exact decimals per currency (:mod:`filon.core.money`), never added across
  currencies.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from filon.core import money as core
from filon.core.topic import Match, ProjectDoc, Subject, TopicIndex
from filon.directory.models import Person, Thesis
from filon.directory.privacy import Viewer
from filon.money.models import Participation, Programme, Project, Role
from filon.money.queries import (
    ALUMNI_PER_ORG,
    alumni_at,
    my_funders,
    programme_nodes,
    subtree,
)
from filon.orgs.models import Organisation

#: Projects listed, organisations listed, and how many of the closest projects the
#: organisations' sums are taken over (those at least POOL_SHARE as close as the first).
TOP = 20
ORGANISATIONS = 15
POOL = 60
POOL_SHARE = 0.25
#: Score bonus for a project of one of the member's funders, or of her thesis's programme.
FUNDER_BONUS = 0.25
PROGRAMME_BONUS = 0.5
#: Hypotheses and buyers a scenario made from a programme starts with.
SCENARIO_BUYERS = 5
SCENARIO_PROJECTS = 5


class NoSubject(LookupError):
    """The account has no directory entry, so no thesis, competences or desires."""


# -- the index, once per process ---------------------------------------------------------------

_lock = threading.Lock()
_state: dict[str, Any] = {"key": None, "index": None}


def _fingerprint() -> tuple[Any, ...]:
    projects = Project.objects.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    programmes = Programme.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (
        projects["n"],
        projects["last"],
        projects["changed"],
        programmes["n"],
        programmes["last"],
    )


def project_docs() -> Iterator[ProjectDoc]:
    """Every funded project as the ranking reads it."""
    labels = {
        pk: " ".join(p for p in (short, name, name_fr) if p)
        for pk, short, name, name_fr in Programme.objects.values_list(
            "pk", "short_name", "name", "name_fr"
        )
    }
    rows = Project.objects.order_by().values_list(
        "pk", "acronym", "title", "topic", "objective", "call", "programme_id"
    )
    for pk, acronym, title, topic, objective, call, programme_id in rows.iterator(chunk_size=5000):
        yield ProjectDoc(
            pk,
            {
                "title": title,
                "acronym": acronym,
                "topic": topic,
                "objective": objective,
                "call": call,
                "programme": labels.get(programme_id, ""),
            },
        )


def topic_index() -> TopicIndex:
    """This process's index, brought up to date with the projects first if they changed."""
    key = _fingerprint()
    with _lock:
        if _state["key"] != key or _state["index"] is None:
            _state["index"] = TopicIndex.build(project_docs(), previous=_state["index"])
            _state["key"] = key
        index: TopicIndex = _state["index"]
        return index


def forget_index() -> None:
    """Drop this process's index (tests, benchmarks)."""
    with _lock:
        _state.update(key=None, index=None)


# -- the member's subject ----------------------------------------------------------------------


def subject_of(person_id: int) -> Subject:
    """What a member works on, from her own records."""
    from filon.projects.models import Competence, Desire, DesireKind

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NoSubject
    theses = list(Thesis.objects.filter(person_id=person_id).order_by("-defence_year", "pk"))
    skills = list(person.skills.values_list("name", flat=True))
    competences = list(
        Competence.objects.filter(person_id=person_id).values_list("statement", flat=True)
    )
    desires = list(
        Desire.objects.filter(
            person_id=person_id, kind__in=[DesireKind.ACTIVITY, DesireKind.SECTOR]
        ).values_list("text", flat=True)
    )
    parts = {
        "thesis": " · ".join(t.title for t in theses),
        "discipline": " · ".join(t.discipline for t in theses if t.discipline),
        "abstract": "\n".join(t.abstract for t in theses if t.abstract),
        "headline": person.headline,
        "competences": " · ".join([*skills, *competences]),
        "desires": " · ".join(desires),
    }
    return Subject({k: v for k, v in parts.items() if v})


def _bonuses(viewer: Viewer) -> tuple[dict[int, float], dict[int, list[str]]]:
    """Bonuses and their reasons for projects of the member's funders and thesis programmes."""
    funders = my_funders(viewer)
    funder_names = {e["org"].pk: e["org"].short_name or e["org"].name for e in funders}
    programme_ids = {h["programme_id"] for e in funders for h in e["how"] if h["programme_id"]}
    bonus: dict[int, float] = defaultdict(float)
    why: dict[int, list[str]] = defaultdict(list)
    if not funder_names and not programme_ids:
        return {}, {}
    nodes = programme_nodes()
    under: dict[int, int] = {}
    for pid in programme_ids:
        for child in subtree(pid, nodes):
            under[child] = pid
    for pk, funder_id in Project.objects.filter(funder_id__in=list(funder_names)).values_list(
        "pk", "funder_id"
    ):
        bonus[pk] += FUNDER_BONUS
        why[pk].append(_("même financeur que votre thèse : %(f)s") % {"f": funder_names[funder_id]})
    for pk, programme_id in Project.objects.filter(programme_id__in=list(under)).values_list(
        "pk", "programme_id"
    ):
        bonus[pk] += PROGRAMME_BONUS
        why[pk].append(
            _("même programme que votre financement : %(p)s")
            % {"p": nodes[under[programme_id]].label}
        )
    return dict(bonus), dict(why)


def rank(
    viewer: Viewer, *, top: int = TOP, only: Iterable[int] | None = None
) -> tuple[list[Match], dict[int, list[str]]]:
    """The member's closest projects, and the funding reasons of each."""
    if viewer.person_id is None:
        raise NoSubject
    subject = subject_of(viewer.person_id)
    bonus, why = _bonuses(viewer)
    return topic_index().rank(subject, top=top, bonus=bonus, only=only), why


# -- the answer --------------------------------------------------------------------------------


def _people(
    viewer: Viewer, org_ids: Iterable[int], *, per_org: int = ALUMNI_PER_ORG
) -> dict[int, dict[str, Any]]:
    """The alumni at each organisation as the viewer may see them, each with the viewer's best
    introduction path (one search for all of them)."""
    from filon.network.queries import best_paths

    alumni = alumni_at(viewer, org_ids, per_org=per_org)
    people = {p["id"] for a in alumni.values() for p in a["people"]}
    paths = best_paths(viewer, people) if people else {}
    for entry in alumni.values():
        for p in entry["people"]:
            path = paths.get(p["id"])
            p["path"] = path
            p["via"] = path["intermediaries"] if path else []
        entry["people"].sort(
            key=lambda p: (p["path"] is None, p["path"]["cost"] if p["path"] else 0)
        )
    return alumni


def _reasons(match: Match, funding: list[str]) -> list[str]:
    out = []
    if match.words:
        out.append(_("mots en commun : %(w)s") % {"w": ", ".join(match.words)})
    return out + funding


def my_topic(
    viewer: Viewer, *, top: int = TOP, organisations: int = ORGANISATIONS, people: bool = True
) -> dict[str, Any]:
    """« Qui paie pour mon sujet ? »: the closest funded projects with their money and
    organisations, and the organisations paid most for the subject, with the alumni there."""
    pool, why = rank(viewer, top=max(top, POOL))
    if pool:
        floor = pool[0].score * POOL_SHARE
        pool = [m for i, m in enumerate(pool) if i < top or m.score >= floor]
    shown = pool[:top]
    ids = [m.id for m in pool]
    nodes = programme_nodes()
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in=[m.id for m in shown]).select_related("funder")
    }
    parts = list(
        Participation.objects.filter(project_id__in=ids)
        .select_related("organisation")
        .order_by("project_id", "number", "pk")
    )
    by_project: dict[int, list[Participation]] = defaultdict(list)
    for part in parts:
        by_project[part.project_id].append(part)
    org_rows = [(p.organisation_id, p.contribution, p.currency) for p in parts]
    org_names = {p.organisation_id: p.organisation.name for p in parts}
    org_projects: dict[int, list[int]] = defaultdict(list)
    for p in parts:
        if p.project_id not in org_projects[p.organisation_id]:
            org_projects[p.organisation_id].append(p.project_id)
    ranked_orgs = core.rank(core.group_totals(org_rows).items(), limit=organisations)
    acronyms = dict(Project.objects.filter(pk__in=ids).values_list("pk", "acronym"))
    shown_orgs = {k for k, _t in ranked_orgs} | {
        p.organisation_id for m in shown for p in by_project[m.id]
    }
    alumni = _people(viewer, shown_orgs) if people else {}
    empty: dict[str, Any] = {"people": [], "count": 0}

    def alumni_of(org_id: int) -> dict[str, Any]:
        return alumni.get(org_id, empty)

    out_projects = []
    for m in shown:
        project = projects[m.id]
        node = nodes.get(project.programme_id) if project.programme_id else None
        rows = by_project[m.id]
        out_projects.append(
            {
                "id": project.identifier,
                "pk": project.pk,
                "acronym": project.acronym,
                "title": project.title,
                "programme": node.label if node else "",
                "programme_id": project.programme_id,
                "funder": project.funder.name if project.funder else "",
                "funder_id": project.funder_id,
                "year": project.year,
                "score": round(m.score, 2),
                "words": list(m.words),
                "reasons": _reasons(m, why.get(m.id, [])),
                "amounts": core.totals((p.contribution, p.currency) for p in rows),
                "url": reverse("money:project", args=[project.pk]),
                "organisations": [
                    {
                        "id": p.organisation_id,
                        "name": p.organisation.name,
                        "role": p.role,
                        "role_label": str(p.get_role_display()),
                        "coordinator": p.role == Role.COORDINATOR,
                        "amounts": core.totals([(p.contribution, p.currency)]),
                        "url": reverse("money:organisation", args=[p.organisation_id]),
                        "alumni": alumni_of(p.organisation_id)["people"],
                        "alumni_count": alumni_of(p.organisation_id)["count"],
                    }
                    for p in rows
                ],
            }
        )
    out_orgs = [
        {
            "id": k,
            "name": org_names[k],
            "amounts": totals,
            "projects": len(org_projects[k]),
            "project_acronyms": [acronyms.get(pk, "") for pk in org_projects[k][:8]],
            "url": reverse("money:organisation", args=[k]),
            "alumni": alumni_of(k)["people"],
            "alumni_count": alumni_of(k)["count"],
        }
        for k, totals in ranked_orgs
    ]
    return {
        "person_id": viewer.person_id,
        "pool": len(pool),
        "projects": out_projects,
        "organisations": out_orgs,
    }


# -- « Créer un scénario » ---------------------------------------------------------------------


def _amount_text(totals: dict[str, Decimal]) -> str:
    return " + ".join(core.format_amount(totals[c], c) for c in core.currency_order(totals))


def create_scenario(
    user: Any,
    viewer: Viewer,
    *,
    organisation: Organisation | None = None,
    programme: Programme | None = None,
) -> Any:
    """A new offer scenario of the member from an organisation or a programme of her topic:
    who buys, why, the money trail (links to the projects) and three hypotheses to test, all
    through :mod:`filon.projects.actions` (so: her own, audited), in one transaction."""
    from filon.projects import actions
    from filon.projects.models import Dimension, OfferType

    if (organisation is None) == (programme is None):
        raise ValueError("an organisation or a programme")
    if organisation is not None:
        theirs = set(
            Participation.objects.filter(organisation=organisation).values_list(
                "project_id", flat=True
            )
        )
        who = organisation.name
    else:
        assert programme is not None
        theirs = set(
            Project.objects.filter(programme_id__in=subtree(programme.pk)).values_list(
                "pk", flat=True
            )
        )
        who = programme.label
    matches, _why = rank(viewer, top=SCENARIO_PROJECTS, only=theirs)
    project_ids = [m.id for m in matches] or sorted(theirs)[:SCENARIO_PROJECTS]
    projects = {
        p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("funder")
    }
    ordered = [projects[i] for i in project_ids if i in projects]
    words: list[str] = []
    for m in matches:
        for w in m.words:
            if w.casefold() not in {x.casefold() for x in words}:
                words.append(w)
    topic = ", ".join(words[:5]) or _("votre sujet")
    short = ", ".join(words[:3]) or topic
    parts = Participation.objects.filter(project_id__in=project_ids)
    if organisation is not None:
        buyers = [organisation]
        received = core.totals(
            parts.filter(organisation=organisation).values_list("contribution", "currency")
        )
    else:
        sums = core.group_totals(parts.values_list("organisation_id", "contribution", "currency"))
        top_ids = [k for k, _t in core.rank(sums.items(), limit=SCENARIO_BUYERS)]
        found = Organisation.objects.in_bulk(top_ids)
        buyers = [found[k] for k in top_ids if k in found]
        received = core.totals(parts.values_list("contribution", "currency"))
    funders = list(
        Organisation.objects.filter(pk__in={p.funder_id for p in ordered if p.funder_id})
    )
    thesis = (
        Thesis.objects.filter(person_id=viewer.person_id or 0).order_by("-defence_year").first()
    )
    names = ", ".join(p.acronym or p.identifier for p in ordered)
    trail = "\n".join(
        f"{p.acronym or p.identifier} — {p.title[:120]} : "
        f"{settings.SITE_URL}{reverse('money:project', args=[p.pk])}"
        for p in ordered
    )
    amount = _amount_text(received) if received else _("montant non renseigné")
    values = {
        "title": (_("%(who)s : %(topic)s") % {"who": who, "topic": short})[:200],
        "one_liner": (
            _("Mon expertise sur %(topic)s pour les projets que %(who)s mène sur ce sujet")
            % {"topic": topic, "who": who}
        )[:300],
        "offer_type": OfferType.RND,
        "expertise_link": (
            _("Ma thèse « %(thesis)s » partage avec leurs projets financés : %(topic)s.")
            % {"thesis": thesis.title, "topic": topic}
            if thesis
            else _("Mots en commun avec leurs projets financés : %(topic)s.") % {"topic": topic}
        ),
        "segment": (
            who if organisation is not None else _("Organisations financées par %(p)s") % {"p": who}
        )[:200],
        "problem": _("Ils sont payés pour travailler sur ce sujet : %(projects)s.")
        % {"projects": names or "—"},
        "money_note": _("Qui paie pour mon sujet ? %(amount)s reçus dans ces projets :")
        % {"amount": amount}
        + ("\n" + trail if trail else ""),
    }
    hypotheses = [
        (
            Dimension.WHO,
            _("%(who)s achète de l'expertise extérieure sur %(topic)s")
            % {"who": who, "topic": topic},
            _("deux interlocuteurs sur trois y décrivent un besoin et qui le paie"),
            5,
        ),
        (
            Dimension.WHY,
            _("Leurs projets (%(projects)s) demandent une compétence qu'ils n'ont pas en interne")
            % {"projects": names or "—"},
            _("la moitié des personnes rencontrées décrivent ce manque"),
            4,
        ),
        (
            Dimension.PRICE,
            _("Une part de leur financement (%(amount)s) peut payer une prestation extérieure")
            % {"amount": amount},
            _("un budget de sous-traitance cité, ou un devis demandé"),
            3,
        ),
    ]
    with transaction.atomic():
        scenario = actions.save_scenario(user, values, buyers=buyers, funders=funders)
        for dimension, statement, criterion, criticality in hypotheses:
            actions.add_hypothesis(user, scenario, dimension, statement, criterion, criticality)
    return scenario
