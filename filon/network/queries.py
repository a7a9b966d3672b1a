"""Read helpers of the network: introduction paths, "who do we know at X", the ego map.

Every helper takes a :class:`~filon.directory.privacy.Viewer` and applies the directory's rules
before the graph is searched: the ends of a path must be findable by the viewer
(:func:`~filon.directory.privacy.can_find`), the middle never holds anyone who opted out, and
an edge counts only if the viewer may see what it comes from (see :mod:`filon.network.index`).
The pages, the API and the CLI all read through here, and get the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filon.core.graph import MAX_HOPS, EdgeKind, Hop, NodeKind, Path, strength_of
from filon.core.graph.model import ALL_KINDS
from filon.core.text import fold
from filon.directory.models import Person, Position, ThesisFunding
from filon.directory.privacy import Viewer, can_find, can_see_field
from filon.network.index import NetworkIndex, network_index
from filon.orgs.models import OrgAlias, Organisation

MAX_K = 10


def reasons() -> dict[str, str]:
    """The words of each reason, in the language of the request (keys of REASONS_FR)."""
    return {
        "tie": str(_("relation déclarée")),
        "tie:declared": str(_("relation déclarée")),
        "tie:mentor": str(_("mentorat")),
        "tie:colleague": str(_("collègues (relation déclarée)")),
        "tie:coauthor": str(_("co-auteurs")),
        "tie:linkedin": str(_("relation LinkedIn")),
        "tie:introduction": str(_("mise en relation")),
        "tie:event": str(_("rencontre lors d'un événement")),
        "advisor": str(_("a dirigé sa thèse")),
        "advisee": str(_("a fait sa thèse sous sa direction")),
        "lab": str(_("même labo, {place} {years}")),
        "colleague": str(_("collègues chez {place} {years}")),
        "cohort": str(_("même promo {place}")),
        "group": str(_("membres du groupe {place}")),
        "project": str(_("même projet, {place}")),
        "works_at": str(_("travaille chez {place} {years}")),
        "worked_at": str(_("a travaillé chez {place} {years}")),
        "funded": str(_("thèse financée par {place}")),
        "since": str(_("depuis {start}")),
        "range": "{start}–{end}",
        "single": str(_("en {start}")),
    }


#: Kinds of tie the ego map can show, with their labels and the edge kinds behind them.
TIE_FILTERS: dict[str, tuple[Any, tuple[EdgeKind, ...]]] = {
    "tie": (_("Relations déclarées"), (EdgeKind.TIE,)),
    "advisor": (_("Thèse (direction)"), (EdgeKind.ADVISOR,)),
    "lab": (_("Même labo"), (EdgeKind.LAB,)),
    "colleague": (_("Collègues"), (EdgeKind.COLLEAGUE,)),
    "cohort": (_("Même promo"), (EdgeKind.COHORT,)),
    "group": (_("Groupes"), (EdgeKind.GROUP, EdgeKind.PROJECT)),
    "place": (_("Employeurs et financeurs"), (EdgeKind.WORKS_AT, EdgeKind.FUNDED)),
}

NODE_KIND_LABELS: dict[NodeKind, Any] = {
    NodeKind.PERSON: _("Personne"),
    NodeKind.ORGANISATION: _("Organisation"),
    NodeKind.LAB: _("Laboratoire"),
    NodeKind.COHORT: _("Promo"),
    NodeKind.GROUP: _("Groupe"),
    NodeKind.PROJECT: _("Projet"),
    NodeKind.FUNDER: _("Financeur"),
}
STRENGTH_LABELS = {"strong": _("fort"), "medium": _("moyen"), "weak": _("faible")}


class NoSource(Exception):
    """The viewer has no directory entry to start a path from (an account of the staff)."""


class NotFound(Exception):
    """The person or organisation does not exist, or the viewer may not find them."""


@dataclass(frozen=True)
class Context:
    index: NetworkIndex
    viewer: Viewer
    source: int

    @property
    def level(self) -> int:
        return max(0, self.viewer.level)


def _context(viewer: Viewer, *, need_source: bool = True) -> Context:
    if not viewer.is_authenticated:
        raise NotFound
    index = network_index()
    source = index.person_node(viewer.person_id)
    if source is None:
        if need_source:
            raise NoSource
        source = -1
    return Context(index, viewer, source)


def node_json(index: NetworkIndex, node: int) -> dict[str, Any]:
    """A node as the pages and the API show it, with the page it links to."""
    space, key = index.refs[node]
    kind = NodeKind(int(index.graph.node_kind[node]))
    out: dict[str, Any] = {
        "kind": kind.name.lower(),
        "kind_label": str(NODE_KIND_LABELS[kind]),
        "name": index.graph.labels[node],
        "id": key if space in ("person", "place", "group") else None,
        "url": None,
    }
    if space == "person":
        out["url"] = reverse("directory:profile", args=[key])
    elif space == "place":
        out["url"] = reverse("network:organisation", args=[key])
    return out


def hop_json(index: NetworkIndex, hop: Hop, words: dict[str, str]) -> dict[str, Any]:
    graph = index.graph
    kind = hop.relations[0].kind if hop.relations else EdgeKind.TIE
    # Working somewhere is a fact about the last person, not the strength of a tie.
    strength = None if kind in (EdgeKind.WORKS_AT, EdgeKind.FUNDED) else strength_of(hop.cost)
    return {
        "from": node_json(index, hop.source),
        "to": node_json(index, hop.target),
        "via": node_json(index, hop.via) if hop.via >= 0 else None,
        "kind": kind.name.lower(),
        "reason": graph.describe(hop, words),
        "reasons": [graph.reason(hop, r, words) for r in hop.relations],
        "strength": strength,
        "strength_label": str(STRENGTH_LABELS[strength]) if strength else None,
        "cost": round(hop.cost, 2),
    }


def path_json(index: NetworkIndex, path: Path, words: dict[str, str]) -> dict[str, Any]:
    hops = [hop_json(index, h, words) for h in path.hops]
    people = [h["to"] for h in hops if h["to"]["kind"] == "person"]
    return {
        "cost": round(path.cost, 2),
        "hops": hops,
        "people": len(people),
        "intermediaries": [p["name"] for p in people[:-1]] if people else [],
    }


def _findable(ctx: Context, person_id: int) -> int:
    person = Person.objects.filter(pk=person_id).first()
    node = ctx.index.person_node(person_id)
    if person is None or node is None or not can_find(ctx.viewer, person):
        raise NotFound
    return node


def paths_to_person(viewer: Viewer, person_id: int, *, k: int = 3) -> list[dict[str, Any]]:
    """The viewer's top-k introduction paths to a person (at most 4 hops between people)."""
    ctx = _context(viewer)
    target = _findable(ctx, person_id)
    if target == ctx.source:
        return []
    paths = ctx.index.graph.paths(
        ctx.source,
        target,
        k=max(1, min(k, MAX_K)),
        viewer=ctx.source,
        max_level=ctx.level,
        allow_hidden=viewer.is_staff,
    )
    words = reasons()
    return [path_json(ctx.index, p, words) for p in paths]


def paths_to_org(viewer: Viewer, org_id: int, *, k: int = 3) -> list[dict[str, Any]]:
    """The viewer's top-k paths to someone who works or worked at an organisation."""
    ctx = _context(viewer)
    target = ctx.index.place_node(org_id)
    if target is None:
        raise NotFound
    paths = ctx.index.graph.paths(
        ctx.source,
        target,
        k=max(1, min(k, MAX_K)),
        viewer=ctx.source,
        max_level=ctx.level,
        allow_hidden=viewer.is_staff,
    )
    words = reasons()
    return [path_json(ctx.index, p, words) for p in paths]


def best_paths(viewer: Viewer, person_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The viewer's cheapest introduction path to each of these people, for those in reach
    (one search for all of them). The caller decides whom the viewer may see; intermediaries
    follow the graph's own rules (no one who opted out of being one)."""
    if not viewer.is_authenticated:
        return {}
    ctx = _context(viewer, need_source=False)
    if ctx.source < 0:
        return {}
    nodes = {pid: ctx.index.person_node(pid) for pid in set(person_ids)}
    reached = ctx.index.graph.reach(
        ctx.source,
        [n for n in nodes.values() if n is not None],
        viewer=ctx.source,
        max_level=ctx.level,
        max_hops=MAX_HOPS,
    )
    words = reasons()
    return {
        pid: path_json(ctx.index, reached[node], words)
        for pid, node in nodes.items()
        if node is not None and node in reached
    }


def find_organisations(name: str, *, limit: int = 20) -> list[Organisation]:
    """Organisations whose name, short name or other name matches (accents ignored)."""
    folded = fold(name).strip()
    if not folded:
        return []
    exact = list(
        Organisation.objects.filter(
            Q(name_folded=folded)
            | Q(short_name__iexact=name.strip())
            | Q(pk__in=OrgAlias.objects.filter(name_folded=folded).values("organisation"))
        ).order_by("name")[:limit]
    )
    if exact:
        return exact
    return list(Organisation.objects.filter(name_folded__contains=folded).order_by("name")[:limit])


def who_at(viewer: Viewer, org_id: int, *, limit: int = 100) -> dict[str, Any]:
    """Who works at an organisation, who worked there, whose thesis it funded.

    Each person comes with the viewer's cheapest path to them (None when out of reach, or when
    the viewer has no directory entry). Each list keeps the ``limit`` closest; ``totals``
    counts them all. Positions are listed only for people whose career the
    viewer may see; people out of the directory only for staff.
    """
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None or not viewer.is_authenticated:
        raise NotFound
    ctx = _context(viewer, need_source=False)
    rows: dict[str, list[dict[str, Any]]] = {"current": [], "former": [], "funded": []}
    seen: set[tuple[str, int]] = set()
    positions = (
        Position.objects.filter(organisation_id=org_id)
        .select_related("person")
        .order_by("end", "-start", "pk")
    )
    candidates: list[tuple[str, Person, dict[str, Any]]] = []
    for pos in positions:
        person = pos.person
        if not can_find(viewer, person) or not can_see_field(viewer, person, "positions"):
            continue
        group = "current" if pos.end is None else "former"
        if (group, person.pk) in seen:
            continue
        seen.add((group, person.pk))
        candidates.append(
            (
                group,
                person,
                {
                    "title": pos.title,
                    "start": pos.start.year if pos.start else None,
                    "end": pos.end.year if pos.end else None,
                },
            )
        )
    for funding in ThesisFunding.objects.filter(funder_id=org_id).select_related("thesis__person"):
        person = funding.thesis.person
        if not can_find(viewer, person) or not can_see_field(viewer, person, "thesis"):
            continue
        if ("funded", person.pk) in seen:
            continue
        seen.add(("funded", person.pk))
        candidates.append(
            (
                "funded",
                person,
                {
                    "title": funding.thesis.title,
                    "funding": str(funding.get_kind_display()),
                    "start": funding.thesis.defence_year,
                    "end": None,
                },
            )
        )
    current_ids = {p.pk for g, p, _d in candidates if g == "current"}
    candidates = [c for c in candidates if not (c[0] == "former" and c[1].pk in current_ids)]
    nodes = {p.pk: ctx.index.person_node(p.pk) for _g, p, _d in candidates}
    reached = {}
    if ctx.source >= 0:
        reached = ctx.index.graph.reach(
            ctx.source,
            [n for n in nodes.values() if n is not None],
            viewer=ctx.source,
            max_level=ctx.level,
            max_hops=MAX_HOPS,
        )
    words = reasons()
    for group, person, detail in candidates:
        node = nodes.get(person.pk)
        path = reached.get(node) if node is not None else None
        rows[group].append(
            {
                "person": {
                    "id": person.pk,
                    "name": person.full_name,
                    "url": reverse("directory:profile", args=[person.pk]),
                    "is_viewer": person.pk == viewer.person_id,
                },
                **detail,
                "path": path_json(ctx.index, path, words) if path is not None else None,
            }
        )
    totals = {group: len(found) for group, found in rows.items()}
    for group in rows:
        rows[group].sort(
            key=lambda r: (
                r["path"] is None,
                r["path"]["cost"] if r["path"] else 0,
                r["person"]["name"],
            )
        )
        rows[group] = rows[group][:limit]
    return {
        "organisation": {
            "id": org.pk,
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind,
            "kind_label": str(org.get_kind_display()),
            "city": org.city,
            "country": org.country,
        },
        "current": rows["current"],
        "former": rows["former"],
        "funded": rows["funded"],
        # How many there are in all: the lists stop at ``limit`` (the closest first).
        "totals": totals,
    }


def tie_mask(filters: list[str] | None) -> int:
    """The edge kinds of the chosen filters (all of them when none is chosen)."""
    chosen = [f for f in (filters or []) if f in TIE_FILTERS]
    if not chosen:
        return ALL_KINDS
    mask = 0
    for f in chosen:
        for kind in TIE_FILTERS[f][1]:
            mask |= 1 << kind
    return mask


def ego_map(viewer: Viewer, *, depth: int = 2, filters: list[str] | None = None) -> dict[str, Any]:
    """The viewer's neighbourhood (1 or 2 hops), as nodes and edges with their reasons."""
    ctx = _context(viewer)
    graph = ctx.index.graph
    ego = graph.ego(
        ctx.source,
        depth=1 if depth <= 1 else 2,
        kinds=tie_mask(filters),
        viewer=ctx.source,
        max_level=ctx.level,
        allow_hidden=viewer.is_staff,
    )
    words = reasons()
    nodes = []
    for node, ring in ego.ring.items():
        item = node_json(ctx.index, node)
        item.update({"node": node, "ring": ring, "parent": ego.parent.get(node)})
        nodes.append(item)
    edges = [
        {"a": h.source, "b": h.target, **hop_json(ctx.index, h, words)}
        for h in ego.hops
        if h.source in ego.ring and h.target in ego.ring
    ]
    return {"center": ctx.source, "nodes": nodes, "edges": edges}
