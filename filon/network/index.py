"""The network index: the database adapted into :mod:`filon.core.graph`, privacy set first.

What the graph holds is decided here, before the core sees anything:

- every person is a node, with two flags from their settings: out of the directory (never in a
  path, and not even as its end for anyone but staff) and out of being an intermediary (never in
  the middle of a path); the endpoints of a query follow
  :func:`~filon.directory.privacy.can_find`, checked by :mod:`filon.network.queries`;
- the edges a person's career implies (colleagues, lab mates, "works at") carry the audience
  level of that person's ``positions`` field group, and the edges their thesis implies
  (advisor, funder, lab from the thesis record) that of their ``thesis`` group, so a path never
  explains itself with something the viewer may not see (:func:`audience_level`);
- organisations are nodes (labs and funders too: thesis funders come from ``ThesisFunding``),
  cohorts (school + year) and groups are hub nodes, never expanded into cliques.

Freshness: a version token in Django's cache (the database cache, shared by every process)
changes on any save or delete of what the graph holds (signals below, plus the directory's own
token for bulk writes that call :func:`filon.directory.index_signals.invalidate`). Each query
compares tokens and the process rebuilds its index when they differ, so a change is visible to
the next query, well within the minute. While one thread rebuilds, the others keep answering
from the previous index. Rebuilding the 30,000-member demo network takes about 2.5 s on the
reference machine (eight bulk queries, then the core's build), measured by
``filon bench paths`` (``rebuild_s``).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from filon.core.graph import Graph, GraphBuilder, NodeKind, warm_up
from filon.core.promo import promo_label
from filon.directory.index_signals import current_version as directory_version
from filon.directory.models import (
    Affiliation,
    Person,
    Position,
    PositionKind,
    Thesis,
    ThesisAdvisor,
    ThesisFunding,
)
from filon.directory.privacy import audience_level, group_visibility
from filon.network.models import Group, GroupMembership, Tie
from filon.orgs.models import Organisation, OrgKind

VERSION_KEY = "network:version"
LAB_POSITIONS = (PositionKind.PHD, PositionKind.POSTDOC)


@dataclass
class NetworkIndex:
    """One build of the graph, with what maps its nodes back to rows."""

    graph: Graph
    version: str
    refs: list[tuple[str, Any]]  # node → ("person", pk) / ("place", pk) / ("cohort", (P, 2005))
    build_seconds: float

    def person_node(self, pk: int | None) -> int | None:
        return None if pk is None else self.graph.node("person", pk)

    def place_node(self, pk: int) -> int | None:
        return self.graph.node("place", pk)


def invalidate() -> None:
    """Make the next query (in any process) rebuild the graph."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def current_version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    return f"{token}:{directory_version()}"


def _changed(**_kwargs: Any) -> None:
    invalidate()


def connect() -> None:
    """Called once from the network's AppConfig.ready()."""
    for model in (
        Person,
        Affiliation,
        Position,
        Thesis,
        ThesisAdvisor,
        ThesisFunding,
        Organisation,
        Tie,
        Group,
        GroupMembership,
    ):
        uid = f"network-graph-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")


_PLACE_KIND: dict[str, NodeKind] = {OrgKind.LAB: NodeKind.LAB, OrgKind.FUNDER: NodeKind.FUNDER}


def build_index(version: str = "") -> NetworkIndex:
    """The whole graph, from nine bulk queries whatever the size of the directory."""
    started = time.perf_counter()
    warm_up()
    b = GraphBuilder()
    refs: list[tuple[str, Any]] = []

    def ref(node: int, space: str, key: Any) -> int:
        if node == len(refs):
            refs.append((space, key))
        return node

    people: dict[int, int] = {}
    for pk, first, last, hidden, no_inter, fv in Person.objects.values_list(
        "pk",
        "first_name",
        "last_name",
        "directory_opt_out",
        "intermediary_opt_out",
        "field_visibility",
    ).order_by("pk"):
        settings = fv if isinstance(fv, dict) else {}
        people[pk] = ref(
            b.person(
                pk,
                f"{first} {last}".strip(),
                no_intermediary=no_inter,
                hidden=hidden,
                positions_level=audience_level(group_visibility(settings, "positions")),
                thesis_level=audience_level(group_visibility(settings, "thesis")),
            ),
            "person",
            pk,
        )
    places: dict[int, int] = {}
    for pk, name, short, kind in Organisation.objects.values_list(
        "pk", "name", "short_name", "kind"
    ).order_by("pk"):
        label = short if kind == OrgKind.LAB and short else name
        places[pk] = ref(
            b.place(pk, label, _PLACE_KIND.get(kind, NodeKind.ORGANISATION)), "place", pk
        )
    for pid, code, year in Affiliation.objects.values_list("person_id", "school__code", "year"):
        hub = ref(
            b.hub(NodeKind.COHORT, (code, year), promo_label(code, year)), "cohort", (code, year)
        )
        b.member(hub, people[pid])
    at_lab: set[tuple[int, int]] = set()
    for pid, oid, kind, start, end in Position.objects.values_list(
        "person_id", "organisation_id", "kind", "start", "end"
    ):
        lab = kind in LAB_POSITIONS
        if lab:
            at_lab.add((pid, oid))
        b.position(people[pid], places[oid], start, end, lab=lab)
    for pid, lab_id, year in Thesis.objects.filter(lab__isnull=False).values_list(
        "person_id", "lab_id", "defence_year"
    ):
        if (pid, lab_id) not in at_lab:  # the thesis says where, the career did not
            b.position(
                people[pid],
                places[lab_id],
                date(year - 3, 10, 1),
                date(year, 6, 30),
                lab=True,
                thesis=True,
            )
    for student, advisor in ThesisAdvisor.objects.filter(person__isnull=False).values_list(
        "thesis__person_id", "person_id"
    ):
        b.advisor(people[advisor], people[student])
    for pid, funder in ThesisFunding.objects.values_list("thesis__person_id", "funder_id"):
        b.funded(people[pid], places[funder])
    for a, c, kind, strength in Tie.objects.values_list(
        "source_person_id", "target_person_id", "kind", "strength"
    ):
        b.tie(people[a], people[c], strength, kind)
    groups = {
        pk: ref(b.hub(NodeKind.GROUP, pk, name), "group", pk)
        for pk, name in Group.objects.values_list("pk", "name")
    }
    for gid, pid in GroupMembership.objects.values_list("group_id", "person_id"):
        b.member(groups[gid], people[pid])
    graph = b.build()
    return NetworkIndex(graph, version, refs, time.perf_counter() - started)


_lock = threading.Lock()
_current: NetworkIndex | None = None


def network_index() -> NetworkIndex:
    """The current graph: built on first use and rebuilt after any change.

    While another thread rebuilds, an existing (older) index answers rather than waits.
    """
    global _current
    version = current_version()
    found = _current
    if found is not None and found.version == version:
        return found
    if found is not None and not _lock.acquire(blocking=False):
        return found
    if found is None:
        _lock.acquire()
    try:
        found = _current
        if found is None or found.version != version:
            found = _current = build_index(version)
        return found
    finally:
        _lock.release()


def forget_index() -> None:
    """Drop this process's graph (tests, or to free memory)."""
    global _current
    with _lock:
        _current = None
