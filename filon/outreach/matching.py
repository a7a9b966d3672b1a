"""Matching, adapted from the database: offers for an ask, asks for an offer or a member, and
the members best placed to help with an ask — each explained in words.

Privacy comes first: candidates are only the asks and offers the viewer may see
(:mod:`filon.outreach.queries`), and "best placed" people come from the directory's search
documents of the viewer's audience level (:func:`filon.directory.search.run`), which only
hold what that audience may see. The scoring itself is :mod:`filon.core.matching`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from filon.core.matching import Match, Profile, Reason, merge_reasons, rank, text_terms
from filon.directory.models import Affiliation, Person, School
from filon.directory.privacy import Viewer
from filon.orgs.models import Organisation, Sector
from filon.outreach.models import SERVES, Ask, Offer, OfferKind
from filon.outreach.queries import active_offers, open_asks

CANDIDATES = 500
#: How many of an ask's words are looked up in the directory, and how common a word may be.
SEARCH_WORDS = 8
MAX_WORD_SHARE = 0.05
PER_SEARCH = 30
#: Directory fields that say someone knows a subject (a name or a city says nothing).
KNOWLEDGE_FIELDS = frozenset({"organisations", "titles", "thesis", "labs"})


@dataclass(frozen=True)
class Suggestion:
    """An ask, an offer or a person proposed, with why, in words."""

    obj: Any
    score: float
    reasons: tuple[str, ...]
    via: dict[str, Any] | None = None


# -- database → core profiles --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _sector_parents() -> dict[str, str | None]:
    return dict(Sector.objects.values_list("code", "parent_id"))


def sector_keys(codes: Iterable[str]) -> set[str]:
    """The codes with all their ancestors, so that a section meets the classes under it."""
    parents = _sector_parents()
    out: set[str] = set()
    for code in codes:
        seen = 0
        current: str | None = code
        while current and current not in out and seen < 6:
            out.add(current)
            current = parents.get(current)
            seen += 1
    return out


def _promos(person_ids: Iterable[int]) -> dict[int, tuple[set[str], set[str]]]:
    out: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for aff in Affiliation.objects.filter(person_id__in=set(person_ids)).select_related("school"):
        schools, promos = out[aff.person_id]
        schools.add(aff.school.code)
        promos.add(aff.promo)
    return out


def _profile(
    obj: Ask | Offer, cohorts: dict[int, tuple[set[str], set[str]]], text_extra: str = ""
) -> Profile:
    schools, promos = cohorts.get(obj.person_id, (set(), set()))
    others = ", ".join(obj.other_organisations or ())
    return Profile(
        obj.pk,
        f"{obj.title}\n{obj.text}\n{others}\n{text_extra}",
        obj.kind,
        {
            "sector": sector_keys(s.code for s in obj.sectors.all()),
            "organisation": {str(o.pk) for o in obj.organisations.all()},
            "skill": {str(s.pk) for s in obj.skills.all()},
        },
        schools,
        promos,
        owner=obj.person_id,
    )


# -- reasons in words ----------------------------------------------------------------------


def _labels(kind: str, values: Sequence[str]) -> list[str]:
    if kind == "organisation":
        # Primary keys (a profile's tags) become names; a name (best placed people) stays.
        ids = [int(v) for v in values if v.isdigit()]
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        return [names.get(int(v), v) if v.isdigit() else v for v in values]
    if kind == "skill":
        from filon.directory.models import Skill

        names = dict(
            Skill.objects.filter(pk__in=[v for v in values if v.isdigit()]).values_list(
                "pk", "name"
            )
        )
        return [names.get(int(v), v) if v.isdigit() else v for v in values]
    if kind == "sector":
        # The most precise shared codes only (drop the ancestors of another shared code).
        parents = _sector_parents()
        ancestors = set()
        for v in values:
            p = parents.get(v)
            while p:
                ancestors.add(p)
                p = parents.get(p)
        kept = [v for v in values if v not in ancestors]
        labels = dict(Sector.objects.filter(code__in=kept).values_list("code", "label"))
        return [f"{labels.get(v, v)}" for v in kept]
    if kind == "school":
        schools = dict(School.objects.values_list("code", "name"))
        return [schools.get(v, v) for v in values]
    if kind == "kind":
        return [str(OfferKind(v).label) if v in OfferKind.values else v for v in values]
    return list(values)


def explain(reason: Reason) -> str:
    """One reason as a sentence fragment, in the current language."""
    values = ", ".join(_labels(reason.kind, reason.values))
    templates = {
        "text": _("mots en commun : %(v)s"),
        "organisation": _("organisation : %(v)s"),
        "skill": _("compétence : %(v)s"),
        "sector": _("secteur : %(v)s"),
        "kind": _("propose ce type d'aide : %(v)s"),
        "promo": _("même promo : %(v)s"),
        "school": _("même école : %(v)s"),
    }
    template = templates.get(reason.kind, "%(v)s")
    return template % {"v": values}


def _suggestions(matches: list[Match], objects: dict[int, Any]) -> list[Suggestion]:
    return [
        Suggestion(objects[m.id], m.score, tuple(explain(r) for r in m.reasons))
        for m in matches
        if m.id in objects
    ]


# -- asks and offers -----------------------------------------------------------------------


def offers_for_ask(user: Any, ask: Ask, *, limit: int = 5) -> list[Suggestion]:
    """The offers of help that best serve an ask."""
    offers = list(active_offers(user).exclude(person_id=ask.person_id)[:CANDIDATES])
    cohorts = _promos([ask.person_id, *(o.person_id for o in offers)])
    query = _profile(ask, cohorts)
    matches = rank(
        query,
        [_profile(o, cohorts) for o in offers],
        kinds=SERVES.get(ask.kind, frozenset()),
        limit=limit,
    )
    return _suggestions(matches, {o.pk: o for o in offers})


def asks_for_offer(user: Any, offer: Offer, *, limit: int = 5) -> list[Suggestion]:
    """The open asks an offer could serve."""
    asks = list(open_asks(user).exclude(person_id=offer.person_id)[:CANDIDATES])
    cohorts = _promos([offer.person_id, *(a.person_id for a in asks)])
    served_by = {kind for kind, kinds in SERVES.items() if offer.kind in kinds}
    matches = rank(
        _profile(offer, cohorts), [_profile(a, cohorts) for a in asks], kinds=served_by, limit=limit
    )
    return _suggestions(matches, {a.pk: a for a in asks})


def asks_for_member(user: Any, person: Person, *, limit: int = 5) -> list[Suggestion]:
    """The open asks this member seems well placed to help with (their offers, skills, work)."""
    offers = list(
        Offer.objects.filter(person=person, is_active=True).prefetch_related(
            "sectors", "organisations", "skills"
        )
    )
    positions = list(person.positions.filter(end__isnull=True).select_related("organisation"))
    skills = list(person.skills.all())
    texts = [person.headline, *(f"{o.title} {o.text}" for o in offers)]
    texts += [p.title for p in positions] + [s.name for s in skills]
    sectors = {s.code for o in offers for s in o.sectors.all()}
    sectors |= {p.organisation.sector_id for p in positions if p.organisation.sector_id}
    orgs = {str(o.pk) for offer in offers for o in offer.organisations.all()}
    orgs |= {str(p.organisation_id) for p in positions}
    skill_ids = {str(s.pk) for s in skills} | {str(s.pk) for o in offers for s in o.skills.all()}
    asks = list(open_asks(user).exclude(person_id=person.pk)[:CANDIDATES])
    cohorts = _promos([person.pk, *(a.person_id for a in asks)])
    schools, promos = cohorts.get(person.pk, (set(), set()))
    me = Profile(
        0,
        "\n".join(texts),
        "",
        {"sector": sector_keys(sectors), "organisation": orgs, "skill": skill_ids},
        schools,
        promos,
        owner=person.pk,
    )
    served_by = {kind for kind, kinds in SERVES.items() if any(o.kind in kinds for o in offers)}
    matches = rank(me, [_profile(a, cohorts) for a in asks], kinds=served_by, limit=limit)
    return _suggestions(matches, {a.pk: a for a in asks})


# -- people best placed to help ------------------------------------------------------------


def salient_words(text: str, *, limit: int = SEARCH_WORDS) -> list[str]:
    """The words of an ask worth looking up, longest (most specific) first."""
    words = sorted(
        {min(surface) for _c, surface in text_terms(text).values()}, key=lambda w: (-len(w), w)
    )
    return [w for w in words if len(w) >= 4][:limit]


def best_placed(
    viewer: Viewer, ask: Ask, *, limit: int = 6, with_paths: bool = True
) -> list[Suggestion]:
    """Members whose visible profile says they could help: what they know (titles, thesis,
    skills), where they work (the ask's organisations and sectors), and the same school.

    Each word of the ask is searched on its own in the viewer's directory index; a word
    found in too many profiles says nothing and is skipped.
    """
    from filon.directory import search_engine
    from filon.directory.models import SearchDocument
    from filon.directory.search import FIELD_LABELS, SearchParams, run

    if not viewer.is_authenticated:
        return []
    level = max(0, viewer.level)

    def look(query: str = "", per_page: int = PER_SEARCH, **filters: list[str]) -> Any:
        params = SearchParams(query=query, filters={k: tuple(v) for k, v in filters.items()})
        return run(level, params, per_page=per_page)

    findable = int(search_engine.state().present[level].sum())
    found: dict[int, list[Reason]] = defaultdict(list)
    too_common = max(PER_SEARCH, int(findable * MAX_WORD_SHARE))
    for word in salient_words(f"{ask.title}\n{ask.text}"):
        result = look(word + " ")
        if not result.page.total or result.page.total > too_common:
            continue
        scores = result.scores[: len(result.page.results)]
        top = float(max(scores)) or 1.0
        for hit, score in zip(result.page.results, scores, strict=True):
            points = 2.0 * float(score) / top
            for m in hit.matches:
                if m.field == "skills":
                    found[hit.id].append(Reason("skill", m.words, points))
                elif m.field in KNOWLEDGE_FIELDS:
                    label = str(FIELD_LABELS[m.field]).lower()
                    found[hit.id].append(
                        Reason("text", (f"{', '.join(m.words)} ({label})",), points)
                    )
    for skill in ask.skills.all():
        for hit in look(skill.name + " ").page.results:
            if any(m.field == "skills" for m in hit.matches):
                found[hit.id].append(Reason("skill", (skill.name,), 1.5))
    for org in ask.organisations.all():
        for hit in look(organisation=[str(org.pk)]).page.results:
            found[hit.id].append(Reason("organisation", (org.name,), 2.0))
    divisions = _divisions(s.code for s in ask.sectors.all())
    if divisions and found:
        in_sector = set(look(sector=sorted(divisions)).ids.tolist())
        labels = dict(Sector.objects.filter(code__in=divisions).values_list("code", "label"))
        for pid in found.keys() & in_sector:
            found[pid].append(Reason("sector", (", ".join(labels.values()),), 1.0))
    found.pop(ask.person_id, None)
    promos_of = {
        pid: set((display or {}).get("promos") or ())
        for pid, display in SearchDocument.objects.filter(
            level=level, hidden=False, person_id__in=[ask.person_id, *found]
        ).values_list("person_id", "display")
    }
    my_promos = promos_of.get(ask.person_id, set())
    for pid, reasons in found.items():
        if pid not in promos_of:
            continue
        promos = my_promos & promos_of[pid]
        if promos:
            reasons.append(Reason("promo", tuple(sorted(promos)), 0.75))
        schools = {p[0] for p in my_promos} & {p[0] for p in promos_of[pid]}
        if schools and not promos:
            reasons.append(Reason("school", tuple(sorted(schools)), 0.5))
    matches = merge_reasons(found)[:limit]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[m.id for m in matches])}
    out = []
    for match in matches:
        if match.id not in people:
            continue
        words = tuple(explain(r) for r in match.reasons)
        paths = introduction_paths(viewer, match.id, k=1) if with_paths else []
        via = paths[0] if paths else None
        if via is not None:
            words += (str(_("peut vous être présenté par %(v)s") % {"v": via["name"]}),)
        out.append(Suggestion(people[match.id], match.score, words, via))
    return out


def _divisions(codes: Iterable[str]) -> set[str]:
    """NACE divisions (two digits) of sector codes; a section letter stands for its divisions."""
    parents = _sector_parents()
    out: set[str] = set()
    for code in codes:
        head = code.split(".")[0]
        if head.isdigit():
            out.add(head[:2])
        else:
            out |= {c for c, p in parents.items() if p == code and c.isdigit()}
    return out


def introduction_paths(viewer: Viewer, target_id: int, *, k: int = 3) -> list[dict[str, Any]]:
    """Who could introduce the viewer to ``target_id``, from the network graph's top-k paths.

    Each result names the first person on the path (the one to ask), why the viewer knows
    them, and the whole route in words. Paths follow the network's own privacy rules
    (:func:`filon.network.queries.paths_to_person`); a direct tie (nobody in between) is left
    out: the viewer can write directly. Empty when the viewer has no directory entry.
    """
    from filon.network.queries import NoSource, NotFound, paths_to_person

    try:
        paths = paths_to_person(viewer, target_id, k=k)
    except (NoSource, NotFound):
        return []
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for path in paths:
        hops = path["hops"]
        first = hops[0]["to"] if hops else None
        if first is None or first["kind"] != "person" or first["id"] in (target_id, None):
            continue
        if first["id"] in seen:
            continue
        seen.add(first["id"])
        out.append(
            {
                "connector_id": first["id"],
                "name": first["name"],
                "why": hops[0]["reason"],
                "route": " → ".join(h["reason"] for h in hops),
                "intermediaries": path["intermediaries"],
            }
        )
    return out
