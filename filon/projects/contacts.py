"""Targeted contacts of a scenario: the database adapted into :mod:`filon.core.contacts`.

Privacy is applied before the core sees anything, through :mod:`filon.directory.privacy`:

- candidates are the people the viewer's audience level may find in the directory search
  (:mod:`filon.directory.search_engine`: the full-text engine's documents of that level, and
  the shared facet columns): people who opted out are not in it, and a field group hidden from
  that audience is not searchable there;
- each reason drawn from the database (positions, thesis funding, lab) is kept only if the
  person shows that field group to the viewer's audience (:func:`privacy.allows`);
- identity (schools, promos) and offers of help are shown to every member who may find the
  person; the member's own meetings and referrals are theirs.

The best introduction path is the network graph's (:mod:`filon.network`), with the viewer's
visibility level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filon.core import contacts as core
from filon.core.fulltext import QueryWord
from filon.core.search import terms_of, words
from filon.directory import search_engine
from filon.directory.models import (
    Affiliation,
    Position,
    SearchDocument,
    Thesis,
    ThesisFunding,
)
from filon.directory.privacy import Viewer, allows, audience, group_visibility
from filon.money.models import Participation
from filon.outreach.models import Offer
from filon.projects import queries
from filon.projects.models import Meeting, Referral, Scenario

MAX_WORDS = 40

#: The name of each part of the score, as the page explains it.
PART_LABELS: dict[str, Any] = {
    "text": _("profil proche du scénario"),
    "buyer": _("chez un client visé"),
    "sector": _("dans un secteur visé"),
    "money": _("sur la piste de l'argent"),
    "referral": _("vous a été recommandé"),
    "help": _("propose son aide sur le sujet"),
    "school": _("même école"),
    "cohort": _("même promotion"),
    "lab": _("même laboratoire"),
}


class Findable:
    """person id → their row in the search columns, for the people a level may find."""

    def __init__(self, present: np.ndarray) -> None:
        self.present = present

    def get(self, person_id: int | None) -> int | None:
        if person_id is None or not 0 <= person_id < len(self.present):
            return None
        return person_id if self.present[person_id] else None

    def __contains__(self, person_id: object) -> bool:
        return isinstance(person_id, int) and self.get(person_id) is not None


def scenario_text(s: Scenario) -> str:
    parts = [s.title, s.one_liner, s.segment, s.buyer_role, s.problem, s.current_solution,
             s.expertise_link]  # fmt: skip
    parts += [o.name for o in s.buyer_organisations.all()]
    return " ".join(p for p in parts if p)


@dataclass
class WordHits:
    """One scenario word as written, and the people whose profile holds it, with scores."""

    word: str
    ids: np.ndarray
    scores: np.ndarray


def word_hits(level: int, text: str, population: int = 0) -> list[WordHits]:
    """The scenario's distinct words (not digits) found in profiles of the level, never in names.

    One full-text query per word (at most MAX_WORDS): the engine's relevance (BM25 with field
    weights, term frequency and field length) scores each profile.
    """
    seen: dict[str, str] = {}
    for s, e, w in words(text):
        if not w.isdigit():
            seen.setdefault(w, text[s:e].lower())
    out = []
    for token in list(seen)[:MAX_WORDS]:
        word = QueryWord(token, terms_of(token), in_name=False)
        found = search_engine.relevance(level, word, population=population)
        if found.ids.size:
            out.append(WordHits(seen[token], found.ids, found.scores))
    return out


class _Signals:
    def __init__(self, pos: Findable) -> None:
        self.pos = pos
        self.data: dict[str, tuple[list[int], list[float], list[str]]] = {}

    def add(self, key: str, person_id: int, strength: float, detail: str) -> None:
        i = self.pos.get(person_id)
        if i is None:
            return
        people, strengths, details = self.data.setdefault(key, ([], [], []))
        people.append(i)
        strengths.append(strength)
        details.append(detail)

    def signals(self) -> list[core.Signal]:
        out = []
        for key, (people, strengths, details) in self.data.items():
            # One entry per person and key: the strongest, details joined.
            best: dict[int, tuple[float, list[str]]] = {}
            for p, s, d in zip(people, strengths, details, strict=True):
                cur = best.setdefault(p, (0.0, []))
                best[p] = (max(cur[0], s), cur[1] + ([d] if d and d not in cur[1] else []))
            ps = np.array(list(best), dtype=np.int64)
            out.append(
                core.Signal(
                    key,
                    ps,
                    np.array([v[0] for v in best.values()], dtype=np.float32),
                    [" · ".join(v[1][:3]) for v in best.values()],
                )
            )
        return out


def _shown(level: int, fv: Any, group: str) -> bool:
    return allows(audience(level), group_visibility(fv if isinstance(fv, dict) else {}, group))


def gather(viewer: Viewer, scenario: Scenario, level: int, pos: Findable) -> _Signals:
    """Every reason the database gives, privacy applied."""
    sig = _Signals(pos)
    buyers = list(scenario.buyer_organisations.values_list("pk", flat=True))
    for pid, fv, end, org in Position.objects.filter(organisation_id__in=buyers).values_list(
        "person_id", "person__field_visibility", "end", "organisation__name"
    ):
        if _shown(level, fv, "positions"):
            if end is None:
                sig.add("buyer", pid, 1.0, str(_("travaille chez %s")) % org)
            else:
                sig.add("buyer", pid, 0.6, str(_("a travaillé chez %s")) % org)
    codes = [c for c in scenario.nace_codes if c]
    if codes:
        q = Q()
        for c in codes:
            q |= Q(organisation__sector__code__startswith=c)
        for pid, fv, org, sector in (
            Position.objects.filter(q, end__isnull=True)
            .exclude(organisation_id__in=buyers)
            .values_list("person_id", "person__field_visibility", "organisation__name",
                         "organisation__sector_id")
        ):  # fmt: skip
            if _shown(level, fv, "positions"):
                sig.add("sector", pid, 1.0, f"{org} ({sector})")
    funders = list(scenario.funders.values_list("pk", flat=True))
    if funders:
        for pid, fv, org in ThesisFunding.objects.filter(funder_id__in=funders).values_list(
            "thesis__person_id", "thesis__person__field_visibility", "funder__name"
        ):
            if _shown(level, fv, "thesis"):
                sig.add("money", pid, 1.0, str(_("thèse financée par %s")) % org)
        for pid, fv, org in Position.objects.filter(
            organisation_id__in=funders, end__isnull=True
        ).values_list("person_id", "person__field_visibility", "organisation__name"):
            if _shown(level, fv, "positions"):
                sig.add("money", pid, 0.8, str(_("travaille chez le financeur %s")) % org)
        # Organisations whose projects the trail's funders paid for (filon.money).
        funded: dict[int, str] = {}
        for oid, funder in (
            Participation.objects.filter(project__funder_id__in=funders)
            .exclude(organisation_id__in=funders)
            .values_list("organisation_id", "project__funder__name")
        ):
            funded.setdefault(oid, funder)
        for pid, fv, oid, org in Position.objects.filter(
            organisation_id__in=list(funded), end__isnull=True
        ).values_list(
            "person_id", "person__field_visibility", "organisation_id", "organisation__name"
        ):
            if _shown(level, fv, "positions"):
                detail = str(_("travaille chez %(org)s, financé par %(funder)s"))
                sig.add("money", pid, 0.6, detail % {"org": org, "funder": funded[oid]})
    me = queries.owner_id(viewer)
    mine = list(
        Affiliation.objects.filter(person_id=me).values_list("school_id", "year", "school__code")
    )
    schools = {s for s, _y, _c in mine}
    cohorts = {(s, y) for s, y, _c in mine}
    for pid, school, year, code in Affiliation.objects.filter(school_id__in=schools).values_list(
        "person_id", "school_id", "year", "school__code"
    ):
        if (school, year) in cohorts:
            sig.add("cohort", pid, 1.0, f"{code}{str(year)[-2:]}")
        else:
            sig.add("school", pid, 1.0, code)
    labs = set(
        Thesis.objects.filter(person_id=me, lab__isnull=False).values_list("lab_id", flat=True)
    )
    for pid, fv, lab in Thesis.objects.filter(lab_id__in=labs).values_list(
        "person_id", "person__field_visibility", "lab__name"
    ):
        if _shown(level, fv, "thesis"):
            sig.add("lab", pid, 1.0, lab)
    stems = {t for _s, _e, w in words(scenario_text(scenario)) for t in terms_of(w)}
    for pid, title, text in Offer.objects.filter(
        is_active=True, person__directory_opt_out=False
    ).values_list("person_id", "title", "text"):
        found = {t for _s, _e, w in words(f"{title} {text}") for t in terms_of(w)} & stems
        if len(found) >= 2:
            sig.add("help", pid, min(1.0, len(found) / 4), title)
    for pid, by in Referral.objects.filter(
        meeting__person_id=me, contact__isnull=False
    ).values_list("contact_id", "meeting__contact_name"):
        sig.add("referral", pid, 1.0, str(_("par %s")) % by)
    return sig


def targeted_contacts(viewer: Viewer, scenario_pk: int, *, top: int = 20) -> dict[str, Any]:
    """The ranked people to meet for a scenario, with the parts of their score, the reasons
    in words, whether they were met already and the best introduction path."""
    scenario = queries.scenario_for(viewer, scenario_pk)
    level = max(0, viewer.level)
    state = search_engine.state()
    present = state.present[level]
    n = len(present)
    pos = Findable(present)
    hits = word_hits(level, scenario_text(scenario), int(present.sum()))
    text = np.zeros(n, dtype=np.float32)
    for h in hits:
        inside = h.ids < n
        text[h.ids[inside]] += h.scores[inside].astype(np.float32)
    text[~present] = 0
    signals = gather(viewer, scenario, level, pos).signals()
    exclude = [viewer.person_id] if viewer.person_id is not None and viewer.person_id in pos else []
    ranked = core.rank(n, signals, text=text, exclude=exclude, top=max(1, min(top, 100)))
    met = set(
        Meeting.objects.filter(person_id=scenario.person_id, contact__isnull=False).values_list(
            "contact_id", flat=True
        )
    )
    chosen = [int(r.position) for r in ranked]
    paths = _paths(viewer, chosen, level)
    shown = dict(
        SearchDocument.objects.filter(level=level, person_id__in=chosen).values_list(
            "person_id", "display"
        )
    )
    holders = [set(np.intersect1d(chosen, h.ids).tolist()) for h in hits]
    out = []
    for r in ranked:
        pid = int(r.position)
        display = shown.get(pid) or {}
        reasons = []
        for key in r.parts:
            label = str(PART_LABELS.get(key, key))
            if key == "text":
                common = [h.word for h, who in zip(hits, holders, strict=True) if pid in who]
                reasons.append(f"{label} : {', '.join(common[:6])}")
            else:
                detail = ", ".join(r.details.get(key, []))
                reasons.append(f"{label} ({detail})" if detail else label)
        out.append(
            {
                "person_id": pid,
                "name": display.get("name", ""),
                "promos": list(display.get("promos") or []),
                "position": display.get("position"),
                "score": round(r.score, 3),
                "parts": r.parts,
                "reasons": reasons,
                "met": pid in met,
                "path": paths.get(pid),
            }
        )
    return {
        "scenario": {"id": scenario.pk, "title": scenario.title},
        "weights": dict(core.DEFAULT_WEIGHTS),
        "words": [h.word for h in hits],
        "contacts": out,
    }


def _paths(viewer: Viewer, person_ids: list[int], level: int) -> dict[int, Any]:
    """The cheapest introduction path to each person (people who opted out never stand in
    the middle: the graph's own rules, with the viewer's level)."""
    from filon.network.index import network_index
    from filon.network.queries import path_json, reasons

    index = network_index()
    source = index.person_node(viewer.person_id)
    if source is None:
        return {}
    nodes = {index.person_node(p): p for p in person_ids}
    nodes.pop(None, None)
    found = core.best_paths(
        index.graph, source, [n for n in nodes if n is not None], max_level=level
    )
    words_ = reasons()
    return {nodes[n]: path_json(index, p, words_) for n, p in found.items()}
