"""Which opportunities fit a docteur, and why, in words — as the targeted contacts explain
theirs (:mod:`filon.projects.contacts`).

An opportunity fits through the docteur's competences (the same ESCO skill or ROME appellation,
the same blocks of the doctorate) and through their offer scenarios' « who buys » (an
organisation the scenario targets, a sector it targets, words of the scenario in the
opportunity). Each reason adds to a score; the best come first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from filon.core import taxonomy
from filon.core.text import fold
from filon.opportunities.models import Opportunity, OpportunityStatus
from filon.projects.models import BLOCKS, Competence, Scenario

#: Points of each kind of reason.
WEIGHTS = {"skill": 3.0, "block": 1.0, "buyer": 4.0, "sector": 2.0, "word": 0.5}
#: An opportunity is shown as a match from this score on.
THRESHOLD = 2.0
MAX_WORDS = 3
_STOPWORDS = (
    "avec dans pour vous nous leur leurs notre votre entre cette sont plus sans chez faire "
    "autour depuis avoir être mission besoin projet projets équipe offre about their which "
    "would there these those with from jours partir apres"
)
STOP = frozenset(fold(w) for w in _STOPWORDS.split(" "))


def _words(text: str) -> dict[str, str]:
    """Significant words of a text: folded form → the word as written."""
    found: dict[str, str] = {}
    for word in text.replace("-", " ").replace("'", " ").replace("’", " ").split():
        word = word.strip('.,;:!?()«»"').lower()
        key = fold(word)
        if len(key) >= 5 and key not in STOP:
            found.setdefault(key, word)
    return found


@dataclass
class Match:
    opportunity: Opportunity
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    scenario: Scenario | None = None


def _label(code: str) -> str:
    entry = taxonomy.by_code(code)
    return entry.label if entry else code


def _sector_label(opp: Opportunity, code: str) -> str:
    org = opp.organisation
    return org.sector.label if org is not None and org.sector is not None else code


def _scenario_text(s: Scenario) -> str:
    return " ".join(
        p
        for p in (s.title, s.one_liner, s.segment, s.problem, s.expertise_link, s.current_solution)
        if p
    )


def open_opportunities(today: date | None = None) -> Any:
    return Opportunity.objects.filter(
        status=OpportunityStatus.OPEN, closes_on__gte=today or timezone.localdate()
    ).select_related("organisation", "organisation__sector", "poster")


def explain(opp: Opportunity, competences: list[Competence], scenarios: list[Scenario]) -> Match:
    """The reasons an opportunity fits these competences and scenarios, with its score."""
    found = Match(opp)
    wanted_codes = set(opp.esco_uris) | set(opp.rome_codes)
    for c in competences:
        shared = wanted_codes & (set(c.esco_uris) | set(c.rome_codes))
        for code in sorted(shared):
            found.score += WEIGHTS["skill"]
            found.reasons.append(
                _("demande « %(skill)s », comme votre compétence « %(mine)s »")
                % {"skill": _label(code), "mine": c.statement}
            )
    mine_blocks = {b for c in competences for b in c.blocks}
    for b in sorted(set(opp.blocks) & mine_blocks)[:2]:
        found.score += WEIGHTS["block"]
        found.reasons.append(
            _("demande le bloc %(n)d du doctorat, « %(label)s », que vous avez")
            % {"n": b, "label": BLOCKS[b]}
        )
    opp_words = _words(f"{opp.title} {opp.description} {opp.keywords}")
    best: tuple[float, Scenario | None, list[str]] = (0.0, None, [])
    sector = opp.organisation.sector_id if opp.organisation else None
    for s in scenarios:
        points, why = 0.0, []
        buyers = {o.pk: o.name for o in s.buyer_organisations.all()}
        if opp.organisation_id in buyers:
            points += WEIGHTS["buyer"]
            why.append(
                _("chez %(org)s, un client visé par votre scénario « %(title)s »")
                % {"org": buyers[opp.organisation_id], "title": s.title}
            )
        elif sector and any(sector.startswith(code) for code in s.nace_codes):
            points += WEIGHTS["sector"]
            why.append(
                _("dans le secteur %(sector)s que vise votre scénario « %(title)s »")
                % {
                    "sector": _sector_label(opp, sector),
                    "title": s.title,
                }
            )
        common = sorted(opp_words.keys() & _words(_scenario_text(s)).keys())[:MAX_WORDS]
        if common:
            points += WEIGHTS["word"] * len(common)
            why.append(
                _("parle de %(words)s, comme votre scénario « %(title)s »")
                % {"words": ", ".join(opp_words[w] for w in common), "title": s.title}
            )
        if points > best[0]:
            best = (points, s, why)
    found.score += best[0]
    found.scenario = best[1]
    found.reasons += best[2]
    if found.reasons and opp.can_introduce:
        found.reasons.append(_("son auteur peut présenter des candidats"))
    return found


def for_person(
    person_id: int | None,
    *,
    scenario: Scenario | None = None,
    limit: int = 5,
    today: date | None = None,
) -> list[Match]:
    """The open opportunities that fit a person (or one of their scenarios), best first."""
    if person_id is None:
        return []
    competences = list(Competence.objects.filter(person_id=person_id))
    if scenario is not None:
        scenarios = [scenario]
    else:
        scenarios = list(
            Scenario.objects.filter(person_id=person_id, parked=False).prefetch_related(
                "buyer_organisations"
            )
        )
    matches = []
    for opp in open_opportunities(today).exclude(poster_id=person_id):
        m = explain(opp, competences, scenarios)
        if scenario is not None and m.scenario is None:
            continue
        if m.score >= THRESHOLD:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.opportunity.closes_on, m.opportunity.pk))
    return matches[:limit]
