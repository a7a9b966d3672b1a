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

Freshness: one snapshot shared by every process, a change log, and an overlay per process.

- **Snapshot**: :func:`compact` builds the whole graph from the database and writes it under
  ``$FILON_DATA_DIR/index/graph-…`` (:mod:`filon.core.graph.snapshot`), tagged with the last
  change-log line it includes. Every process memory-maps it: N gunicorn workers share one copy.
- **Change log**: every save or delete of what the graph holds appends a :class:`GraphChange`
  line in the same transaction (receivers below; bulk writers call
  :func:`filon.directory.index_signals.invalidate`, whose ``bulk_write`` signal logs the people
  it names, or a ``full`` line when it names nobody in particular).
- **Overlay**: at each query a process reads the lines after the last it applied (one indexed
  query) and recomputes, from the database, every edge of the nodes they touch
  (:class:`~filon.core.graph.overlay.OverlayBuilder`); a write is seen by the next query of
  every process, without a rebuild.
- **Compaction**: when a process's overlay holds more than :data:`COMPACT_AFTER` nodes, it
  builds a new snapshot in a background thread (one process at a time: a file lock); a ``full``
  line makes the next query wait for one. Processes move to a new snapshot at their next query
  (a memory map: no pause), and keep answering from the old one meanwhile.

The snapshot records the log's ``origin`` line (a random number written in this database): a
snapshot whose origin line is not in the database (another database, or a test's rolled-back
transaction) is never used.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, overload

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save

from filon.core.graph import Graph, GraphBuilder, NodeKind, snapshot, warm_up
from filon.core.graph import kernels as K
from filon.core.graph.index import ONGOING, _Edges
from filon.core.graph.model import (
    ADVISOR_COST,
    FUNDED_COST,
    HUB_EDGE,
    HUB_KINDS,
    PLACE_KINDS,
    EdgeKind,
    hub_cost,
    tie_cost,
)
from filon.core.graph.overlay import (
    OverlayBuilder,
    PositionColumns,
    person_flags,
    position_columns,
)
from filon.core.promo import promo_label
from filon.directory.index_signals import bulk_write
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
from filon.network.models import GraphChange, GraphChangeKind, Group, GroupMembership, Tie
from filon.orgs.models import Organisation, OrgKind

log = logging.getLogger(__name__)

LAB_POSITIONS = (PositionKind.PHD, PositionKind.POSTDOC)
#: A process compacts (in the background) once its overlay holds this many dirty nodes.
COMPACT_AFTER = 2000
#: A hole in the log's numbers younger than this may be a transaction not yet committed
#: (PostgreSQL hands out numbers before commit): the next queries look for it again.
GAP_WAIT = 60.0
#: Snapshots older than this, other than the current and the previous one, are removed.
GRACE_SECONDS = 600.0

_PLACE_KIND: dict[str, NodeKind] = {OrgKind.LAB: NodeKind.LAB, OrgKind.FUNDER: NodeKind.FUNDER}


def index_root() -> Path:
    return Path(settings.DATA_DIR) / "index"


# -- the change log ---------------------------------------------------------------------------


def log_change(kind: str, ref: int | None) -> None:
    GraphChange.objects.create(kind=kind, ref=ref)


def log_people(ids: Iterable[int]) -> None:
    GraphChange.objects.bulk_create(
        [GraphChange(kind=GraphChangeKind.PERSON, ref=int(pk)) for pk in sorted(set(ids))],
        batch_size=500,
    )


def _thesis_person(thesis_id: int | None) -> int | None:
    if thesis_id is None:
        return None
    return Thesis.objects.filter(pk=thesis_id).values_list("person_id", flat=True).first()


def _person_changed(instance: Any, **_kwargs: Any) -> None:
    log_change(GraphChangeKind.PERSON, instance.pk)


def _owner_changed(instance: Any, **_kwargs: Any) -> None:
    """Affiliation, Position, Thesis, GroupMembership: their person's edges change."""
    log_change(GraphChangeKind.PERSON, instance.person_id)


def _thesis_part_changed(instance: Any, **_kwargs: Any) -> None:
    """ThesisAdvisor, ThesisFunding: the thesis's person (a deleted thesis logs it itself)."""
    person = _thesis_person(instance.thesis_id)
    if person is not None:
        log_change(GraphChangeKind.PERSON, person)


def _tie_changed(instance: Any, **_kwargs: Any) -> None:
    log_change(GraphChangeKind.PERSON, instance.source_person_id)


def _place_changed(instance: Any, **_kwargs: Any) -> None:
    log_change(GraphChangeKind.PLACE, instance.pk)


def _group_changed(instance: Any, **_kwargs: Any) -> None:
    log_change(GraphChangeKind.GROUP, instance.pk)


def _bulk_written(
    person_ids: set[int] | None = None, organisation_ids: Iterable[int] = (), **_kwargs: Any
) -> None:
    if person_ids is None:
        log_change(GraphChangeKind.FULL, None)
        return
    if person_ids:
        log_people(person_ids)
    places = sorted(set(organisation_ids))
    if places:
        GraphChange.objects.bulk_create(
            [GraphChange(kind=GraphChangeKind.PLACE, ref=pk) for pk in places], batch_size=500
        )


def connect() -> None:
    """Called once from the network's AppConfig.ready()."""
    receivers = (
        (Person, _person_changed),
        (Affiliation, _owner_changed),
        (Position, _owner_changed),
        (Thesis, _owner_changed),
        (GroupMembership, _owner_changed),
        (ThesisAdvisor, _thesis_part_changed),
        (ThesisFunding, _thesis_part_changed),
        (Tie, _tie_changed),
        (Organisation, _place_changed),
        (Group, _group_changed),
    )
    for model, receiver in receivers:
        uid = f"network-graph-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    bulk_write.connect(_bulk_written, dispatch_uid="network-graph-bulk")


def _origin(*, create: bool) -> tuple[int, int] | None:
    """The log's origin line ``(seq, random)``, written first if ``create`` and missing."""
    found = (
        GraphChange.objects.filter(kind=GraphChangeKind.ORIGIN)
        .order_by("-seq")
        .values_list("seq", "ref")
        .first()
    )
    if found is None and create:
        row = GraphChange.objects.create(
            kind=GraphChangeKind.ORIGIN, ref=secrets.randbelow(2**62) + 1
        )
        found = (row.seq, int(row.ref or 0))
    return None if found is None else (int(found[0]), int(found[1] or 0))


# -- building from the database -------------------------------------------------------------


def _levels(settings_: Any) -> tuple[int, int]:
    fv = settings_ if isinstance(settings_, dict) else {}
    return (
        audience_level(group_visibility(fv, "positions")),
        audience_level(group_visibility(fv, "thesis")),
    )


def _place_label(name: str, short: str, kind: str) -> str:
    return short if kind == OrgKind.LAB and short else name


def build_graph() -> tuple[Graph, list[tuple[str, Any]]]:
    """The whole graph from the database (nine bulk queries whatever its size), and the key
    of each node. Rows naming a person or an organisation read after them are left out: their
    change-log lines come after the snapshot's and put them back."""
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
        positions_level, thesis_level = _levels(fv)
        people[pk] = ref(
            b.person(
                pk,
                f"{first} {last}".strip(),
                no_intermediary=no_inter,
                hidden=hidden,
                positions_level=positions_level,
                thesis_level=thesis_level,
            ),
            "person",
            pk,
        )
    places: dict[int, int] = {}
    for pk, name, short, kind in Organisation.objects.values_list(
        "pk", "name", "short_name", "kind"
    ).order_by("pk"):
        node = b.place(
            pk, _place_label(name, short, kind), _PLACE_KIND.get(kind, NodeKind.ORGANISATION)
        )
        places[pk] = ref(node, "place", pk)
    for pid, code, year in Affiliation.objects.values_list(
        "person_id", "school__code", "year"
    ).order_by("pk"):
        if pid not in people:
            continue
        hub = ref(
            b.hub(NodeKind.COHORT, (code, year), promo_label(code, year)), "cohort", (code, year)
        )
        b.member(hub, people[pid])
    at_lab: set[tuple[int, int]] = set()
    for pid, oid, kind, start, end in Position.objects.values_list(
        "person_id", "organisation_id", "kind", "start", "end"
    ).order_by("pk"):
        if pid not in people or oid not in places:
            continue
        lab = kind in LAB_POSITIONS
        if lab:
            at_lab.add((pid, oid))
        b.position(people[pid], places[oid], start, end, lab=lab)
    for pid, lab_id, year in (
        Thesis.objects.filter(lab__isnull=False)
        .values_list("person_id", "lab_id", "defence_year")
        .order_by("pk")
    ):
        if pid not in people or lab_id not in places:
            continue
        if (pid, lab_id) not in at_lab:  # the thesis says where, the career did not
            b.position(
                people[pid],
                places[lab_id],
                date(year - 3, 10, 1),
                date(year, 6, 30),
                lab=True,
                thesis=True,
            )
    for student, advisor in (
        ThesisAdvisor.objects.filter(person__isnull=False)
        .values_list("thesis__person_id", "person_id")
        .order_by("pk")
    ):
        if student in people and advisor in people:
            b.advisor(people[advisor], people[student])
    for pid, funder in ThesisFunding.objects.values_list("thesis__person_id", "funder_id").order_by(
        "pk"
    ):
        if pid in people and funder in places:
            b.funded(people[pid], places[funder])
    for a, c, kind, strength in Tie.objects.values_list(
        "source_person_id", "target_person_id", "kind", "strength"
    ).order_by("pk"):
        if a in people and c in people:
            b.tie(people[a], people[c], strength, kind)
    groups = {
        pk: ref(b.hub(NodeKind.GROUP, pk, name), "group", pk)
        for pk, name in Group.objects.values_list("pk", "name").order_by("pk")
    }
    for gid, pid in GroupMembership.objects.values_list("group_id", "person_id").order_by("pk"):
        if gid in groups and pid in people:
            b.member(groups[gid], people[pid])
    return b.build(), refs


# -- applying the change log ----------------------------------------------------------------


def _positions_at(b: OverlayBuilder, places: Iterable[int]) -> dict[int, tuple[np.ndarray, ...]]:
    """The positions at these place nodes, read from the database as :func:`build_graph`
    reads them (a thesis's lab counts when the career does not name it)."""
    pks = {b.ref(p)[1]: p for p in places}
    rows: dict[int, list[tuple[int, int, int, int, bool, int]]] = {p: [] for p in places}
    at_lab: set[tuple[int, int]] = set()
    for pid, oid, kind, start, end, fv in Position.objects.filter(
        organisation_id__in=list(pks)
    ).values_list(
        "person_id", "organisation_id", "kind", "start", "end", "person__field_visibility"
    ):
        person = b.node("person", pid)
        if person is None:
            continue
        lab = kind in LAB_POSITIONS
        if lab:
            at_lab.add((pid, oid))
        place = pks[oid]
        rows[place].append(
            (
                person,
                place,
                start.toordinal() if start else 0,
                end.toordinal() if end else ONGOING,
                lab or b.kind(place) == NodeKind.LAB,
                _levels(fv)[0],
            )
        )
    for pid, lab_id, year, fv in Thesis.objects.filter(lab_id__in=list(pks)).values_list(
        "person_id", "lab_id", "defence_year", "person__field_visibility"
    ):
        person = b.node("person", pid)
        if person is None or (pid, lab_id) in at_lab:
            continue
        place = pks[lab_id]
        rows[place].append(
            (
                person,
                place,
                date(year - 3, 10, 1).toordinal(),
                date(year, 6, 30).toordinal(),
                True,
                _levels(fv)[1],
            )
        )
    return {p: position_columns(r) for p, r in rows.items()}


def _places_of(b: OverlayBuilder, people: dict[int, int]) -> set[int]:
    """The places (nodes) where these people work or worked, in the graph and in the database."""
    found: set[int] = set()
    works_at = 1 << EdgeKind.WORKS_AT
    for node in people.values():
        for nb in {int(x) for x in b.neighbours(node)}:
            if b.kind(nb) in PLACE_KINDS and b.graph.relations(node, nb, kinds=works_at):
                found.add(nb)
    pks = list(people)
    for oid in Position.objects.filter(person_id__in=pks).values_list("organisation_id", flat=True):
        if (place := b.node("place", oid)) is not None:
            found.add(place)
    for oid in Thesis.objects.filter(person_id__in=pks, lab__isnull=False).values_list(
        "lab_id", flat=True
    ):
        if (place := b.node("place", oid)) is not None:
            found.add(place)
    return found


def _hub_node(b: OverlayBuilder, space: str, key: Any) -> int | None:
    node = b.node(space, key)
    if node is None and space == "cohort":
        code, year = key
        node = b.add_node("cohort", key, promo_label(code, year), NodeKind.COHORT, int(K.TRANSIT))
    return node


def _memberships(b: OverlayBuilder, pks: Iterable[int]) -> dict[int, set[int]]:
    """Each person's hubs (cohorts and groups, as nodes) in the database."""
    pks = list(pks)
    out: dict[int, set[int]] = {pk: set() for pk in pks}
    for pid, code, year in Affiliation.objects.filter(person_id__in=pks).values_list(
        "person_id", "school__code", "year"
    ):
        if (hub := _hub_node(b, "cohort", (code, year))) is not None:
            out[pid].add(hub)
    for pid, gid in GroupMembership.objects.filter(person_id__in=pks).values_list(
        "person_id", "group_id"
    ):
        if (hub := b.node("group", gid)) is not None:
            out[pid].add(hub)
    return out


def _hub_members(b: OverlayBuilder, hubs: Iterable[int]) -> dict[int, set[int]]:
    """The members (person nodes) of these hubs in the database."""
    out: dict[int, set[int]] = {}
    cohorts: dict[tuple[str, int], int] = {}
    groups: dict[int, int] = {}
    for hub in hubs:
        out[hub] = set()
        space, key = b.ref(hub)
        if space == "cohort":
            cohorts[tuple(key)] = hub  # type: ignore[index]
        elif space == "group":
            groups[key] = hub
    if cohorts:
        for pid, code, year in Affiliation.objects.filter(_cohorts_q(cohorts)).values_list(
            "person_id", "school__code", "year"
        ):
            cohort = cohorts.get((code, year))
            if cohort is not None and (member := b.node("person", pid)) is not None:
                out[cohort].add(member)
    if groups:
        for gid, pid in GroupMembership.objects.filter(group_id__in=list(groups)).values_list(
            "group_id", "person_id"
        ):
            if (member := b.node("person", pid)) is not None:
                out[groups[gid]].add(member)
    return out


def _cohorts_q(cohorts: Iterable[tuple[str, int]]) -> Q:
    q = Q(pk__in=[])
    for code, year in cohorts:
        q |= Q(school__code=code, year=year)
    return q


def _hub_sizes(b: OverlayBuilder, hubs: Iterable[int]) -> dict[int, int]:
    """How many people each hub holds in the database (known people only, as when built)."""
    cohorts: dict[tuple[str, int], int] = {}
    groups: dict[int, int] = {}
    for hub in hubs:
        space, key = b.ref(hub)
        if space == "cohort":
            cohorts[tuple(key)] = hub  # type: ignore[index]
        elif space == "group":
            groups[key] = hub
    out: dict[int, int] = {}
    if cohorts:
        for code, year, size in (
            Affiliation.objects.filter(_cohorts_q(cohorts))
            .values_list("school__code", "year")
            .annotate(size=Count("person", distinct=True))
            .order_by()
        ):
            out[cohorts[(code, year)]] = size
    if groups:
        for gid, size in (
            GroupMembership.objects.filter(group_id__in=list(groups))
            .values_list("group_id")
            .annotate(size=Count("person", distinct=True))
            .order_by()
        ):
            out[groups[gid]] = size
    return out


def apply_changes(b: OverlayBuilder, rows: Sequence[tuple[int, str, int | None]]) -> int:
    """Recompute, from the database, every edge of the nodes the log lines touch, and of the
    nodes whose edges those changes alter (see :mod:`filon.core.graph.overlay`).

    Returns how many nodes were recomputed.
    """
    people_pks = {ref for _s, kind, ref in rows if kind == GraphChangeKind.PERSON and ref}
    place_pks = {ref for _s, kind, ref in rows if kind == GraphChangeKind.PLACE and ref}
    group_pks = {ref for _s, kind, ref in rows if kind == GraphChangeKind.GROUP and ref}
    recompute: set[int] = set()
    changed_places: set[int] = set()
    nodes_before = b.n

    # Nodes: organisations, groups, people (new ones are appended).
    seen: set[int] = set()
    for pk, name, short, kind in Organisation.objects.filter(pk__in=place_pks).values_list(
        "pk", "name", "short_name", "kind"
    ):
        seen.add(pk)
        label = _place_label(name, short, kind)
        node_kind = _PLACE_KIND.get(kind, NodeKind.ORGANISATION)
        node = b.node("place", pk)
        if node is None:
            node = b.add_node("place", pk, label, node_kind, 0)
            recompute.add(node)
        else:
            b.update_node(node, label=label, kind=node_kind)
        changed_places.add(node)
    for pk in place_pks - seen:
        if (node := b.node("place", pk)) is not None:
            b.remove_key("place", pk)
            changed_places.add(node)
    seen = set()
    for pk, name in Group.objects.filter(pk__in=group_pks).values_list("pk", "name"):
        seen.add(pk)
        node = b.node("group", pk)
        if node is None:
            node = b.add_node("group", pk, name, NodeKind.GROUP, int(K.TRANSIT))
        else:
            b.update_node(node, label=name)
        recompute.add(node)
    for pk in group_pks - seen:
        if (node := b.node("group", pk)) is not None:
            b.remove_key("group", pk)
            recompute.add(node)
    people: dict[int, int] = {}  # pk → node, of the people recomputed
    seen = set()
    for pk, first, last, hidden, no_inter in Person.objects.filter(pk__in=people_pks).values_list(
        "pk", "first_name", "last_name", "directory_opt_out", "intermediary_opt_out"
    ):
        seen.add(pk)
        label = f"{first} {last}".strip()
        flags = person_flags(no_intermediary=no_inter, hidden=hidden)
        node = b.node("person", pk)
        if node is None:
            node = b.add_node("person", pk, label, NodeKind.PERSON, flags)
        else:
            b.update_node(node, label=label, flags=flags)
        people[pk] = node
    for pk in people_pks - seen:
        if (node := b.node("person", pk)) is not None:
            b.remove_key("person", pk)
            b.update_node(node, flags=0)
            people[pk] = node

    # Hubs whose members changed: all their edges (each costs by the hub's size).
    hubs_now = _memberships(b, people)
    for pk, node in people.items():
        before = {int(h) for h in b.neighbours(node) if b.kind(int(h)) in HUB_KINDS}
        recompute.update(before ^ hubs_now.get(pk, set()))

    # Places: compare the edges of their old and new positions; whoever's edges differ is
    # recomputed too, and so are their other places (to find all their edges).
    read: dict[int, PositionColumns] = {}
    todo = changed_places | _places_of(b, people)
    while todo:
        for place, columns in _positions_at(b, todo).items():
            for person in b.people_affected(place, columns):
                if person not in people.values():
                    _space, pk = b.ref(person)
                    people[pk] = person
            b.set_positions(place, columns)
            read[place] = columns
        missing = {pk: n for pk, n in people.items() if n not in recompute}
        recompute.update(missing.values())
        todo = _places_of(b, missing) - set(read)
    recompute.update(people.values())
    for pk, hubs in _memberships(b, set(people) - set(hubs_now)).items():
        hubs_now[pk] = hubs

    # Every edge of the recomputed nodes.
    edges = _Edges()
    for columns in read.values():
        edges.chunks.append(b.position_edges(columns))
    recompute.update(range(nodes_before, b.n))  # new nodes: all their edges are new
    members = _hub_members(b, {h for h in recompute if b.kind(h) in HUB_KINDS})
    for hub, group in members.items():
        hub_kind = NodeKind(b.kind(hub))
        if not group and hub_kind == NodeKind.COHORT:  # a cohort is its members: none, no cohort
            b.remove_key(*b.ref(hub))
        cost = hub_cost(hub_kind, len(group)) / 2
        edges.add_arrays(sorted(group), [hub] * len(group), cost, HUB_EDGE[hub_kind])
    others = {h for hs in hubs_now.values() for h in hs} - set(members)
    sizes = _hub_sizes(b, others)
    for pk, hubs in hubs_now.items():
        person = people[pk]
        for hub in hubs - set(members):
            hub_kind = NodeKind(b.kind(hub))
            cost = hub_cost(hub_kind, sizes.get(hub, 1)) / 2
            edges.add(person, hub, cost, HUB_EDGE[hub_kind])
    pks = [pk for pk in people if b.node("person", pk) is not None]
    for a, c, kind, strength in Tie.objects.filter(
        Q(source_person_id__in=pks) | Q(target_person_id__in=pks)
    ).values_list("source_person_id", "target_person_id", "kind", "strength"):
        na, nc = b.node("person", a), b.node("person", c)
        if na is not None and nc is not None and na != nc:
            edges.add(na, nc, tie_cost(strength), EdgeKind.TIE, ctx=b.tie_kind(kind))
    for student, advisor, fv in ThesisAdvisor.objects.filter(
        Q(thesis__person_id__in=pks) | Q(person_id__in=pks), person__isnull=False
    ).values_list("thesis__person_id", "person_id", "thesis__person__field_visibility"):
        ns, na = b.node("person", student), b.node("person", advisor)
        if ns is not None and na is not None and ns != na:
            edges.add(na, ns, ADVISOR_COST, EdgeKind.ADVISOR, 0, _levels(fv)[1], ctx=na)
    new_places = [b.ref(n)[1] for n in recompute if b.kind(n) in PLACE_KINDS]
    for pid, funder, fv in ThesisFunding.objects.filter(
        Q(thesis__person_id__in=pks) | Q(funder_id__in=new_places)
    ).values_list("thesis__person_id", "funder_id", "thesis__person__field_visibility"):
        np_, nf = b.node("person", pid), b.node("place", funder)
        if np_ is not None and nf is not None:
            edges.add(np_, nf, FUNDED_COST, EdgeKind.FUNDED, _levels(fv)[1], 0)
    b.replace(recompute, edges.arrays())
    return len(recompute)


# -- the index of one process ---------------------------------------------------------------


class _Refs(Sequence[tuple[str, Any]]):
    def __init__(self, base: Sequence[tuple[str, Any]], added: list[tuple[str, Any]]) -> None:
        self.base, self.added = base, added

    def __len__(self) -> int:
        return len(self.base) + len(self.added)

    @overload
    def __getitem__(self, i: int) -> tuple[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.base[i] if i < len(self.base) else self.added[i - len(self.base)]


@dataclass
class NetworkIndex:
    """The graph a process searches, with what maps its nodes back to rows."""

    graph: Graph
    refs: Sequence[tuple[str, Any]]  # node → ("person", pk) / ("place", pk) / ("cohort", (P, 2005))
    seq: int = 0  # the last change-log line applied
    snapshot: str = ""  # the snapshot's folder name ("" when built in memory)
    build_seconds: float = 0.0
    overlay_nodes: int = 0  # dirty nodes: recomputed since the snapshot

    def person_node(self, pk: int | None) -> int | None:
        return None if pk is None else self.graph.node("person", pk)

    def place_node(self, pk: int) -> int | None:
        return self.graph.node("place", pk)


def build_index() -> NetworkIndex:
    """The whole graph, built in memory from the database (no snapshot written)."""
    started = time.perf_counter()
    graph, refs = build_graph()
    return NetworkIndex(graph, refs, build_seconds=time.perf_counter() - started)


def _max_seq() -> int:
    return int(GraphChange.objects.aggregate(m=Max("seq"))["m"] or 0)


def compact(root: Path | None = None, *, lock: bool = True) -> dict[str, Any]:
    """Build a snapshot from the database and make it the current one.

    The last change-log number is read before the data: the snapshot holds at least every
    change up to it, and replaying a later line that it already holds changes nothing (lines
    are applied by reading the database again). Returns what ``filon index compact`` prints.
    """
    root = root or index_root()
    started = time.perf_counter()
    with snapshot.FolderLock(root) if lock else _NoLock():
        origin = _origin(create=True)
        assert origin is not None
        seq = _max_seq()
        horizon = time.time()
        graph, refs = build_graph()
        previous = snapshot.current(root)
        meta = {"seq": seq, "origin": list(origin), "written_at": horizon}
        name = f"{seq:012d}-{secrets.token_hex(4)}"
        folder = snapshot.publish(root, graph, meta, name)
        snapshot.prune(root, grace=GRACE_SECONDS)
        if previous is not None:
            _forget_log_before(previous)
    return {
        "seq": seq,
        "nodes": graph.n,
        "edges": graph.edge_count,
        "seconds": round(time.perf_counter() - started, 3),
        "path": str(folder),
        "refs": len(refs),
    }


class _NoLock:
    def __enter__(self) -> _NoLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def _forget_log_before(previous: Path) -> None:
    """Delete the log lines every process is past: those the previous snapshot includes."""
    facts = snapshot.info(previous)
    if not _of_this_database(facts):
        return
    GraphChange.objects.filter(seq__lte=int(facts.get("seq", 0))).exclude(
        kind=GraphChangeKind.ORIGIN
    ).delete()


def _of_this_database(facts: dict[str, Any]) -> bool:
    """Whether a snapshot's origin line is in the database (the snapshot was built from it)."""
    origin = facts.get("origin") or [0, 0]
    return GraphChange.objects.filter(
        seq=origin[0], ref=origin[1], kind=GraphChangeKind.ORIGIN
    ).exists()


@dataclass
class _State:
    """One loaded snapshot and the overlay applied to it."""

    folder: Path
    meta: dict[str, Any]
    builder: OverlayBuilder
    applied: int
    index: NetworkIndex
    gaps: dict[int, float] = field(default_factory=dict)  # missing seq → first seen
    seen: set[int] = field(default_factory=set)  # seqs applied above the oldest gap


class GraphLoader:
    """The graph of one process: the current snapshot, memory-mapped, plus its overlay.

    :meth:`index` is called by every query: it moves to a newer snapshot if one was published,
    applies the change-log lines it has not seen, and returns the graph to search. Two loaders
    in one process behave as two processes would (the tests use that).
    """

    def __init__(self, root: Path | None = None) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._state: _State | None = None
        self._stale = False
        self._compacting: threading.Thread | None = None
        self._rejected: Path | None = None
        self._avoid: Path | None = None  # the snapshot current when this loader was reset
        self.builds = 0  # snapshots this loader built (compactions)
        self.loads = 0  # snapshots it loaded
        self.applied_lines = 0
        self.last_apply_ms = 0.0

    @property
    def root(self) -> Path:
        return self._root or index_root()

    # -- public ------------------------------------------------------------------------------

    def index(self) -> NetworkIndex:
        """The current graph. While another thread refreshes it, the previous one answers."""
        state = self._state
        if state is not None and not self._stale:
            if not self._lock.acquire(blocking=False):
                return state.index
        else:
            self._lock.acquire()
        try:
            return self._refresh().index
        finally:
            self._lock.release()

    def forget(self) -> None:
        """Drop the snapshot and the overlay: the next query builds a snapshot from the
        database, unless another one was published meanwhile."""
        with self._lock:
            self._state = None
            self._stale = True
            self._avoid = snapshot.current(self.root)

    def status(self) -> dict[str, Any]:
        state = self._state
        pending = GraphChange.objects.filter(seq__gt=state.applied if state else 0).exclude(
            kind=GraphChangeKind.ORIGIN
        )
        folder = snapshot.current(self.root)
        meta = snapshot.info(folder) if folder is not None else {}
        return {
            "snapshot": folder.name if folder else None,
            "snapshot_seq": meta.get("seq"),
            "nodes": meta.get("nodes"),
            "edges": meta.get("edges"),
            "log_seq": _max_seq(),
            "pending": pending.count() if state else None,
            "log_lines": GraphChange.objects.exclude(kind=GraphChangeKind.ORIGIN).count(),
            "overlay_nodes": state.index.overlay_nodes if state else 0,
            "applied_seq": state.applied if state else None,
        }

    # -- refreshing --------------------------------------------------------------------------

    def _refresh(self) -> _State:
        state = self._state
        if state is None or self._stale:
            state = self._load_or_build(avoid=self._avoid if self._stale else None)
            self._stale = False
            self._avoid = None
        else:
            folder = snapshot.current(self.root)
            if folder is not None and folder != state.folder and folder != self._rejected:
                newer = self._load(folder)
                if newer is not None:
                    state = newer
                else:
                    self._rejected = folder
        rows = self._lines(state)
        if rows is None:  # the snapshot is not of this database (any more)
            state = self._load_or_build(avoid=state.folder)
            rows = self._lines(state) or []
        full = [seq for seq, kind, _ref in rows if kind == GraphChangeKind.FULL]
        if full:
            state = self._load_or_build(at_least=max(full))
            rows = self._lines(state) or []
        if rows:
            self._apply(state, rows)
        self._state = state
        if state.index.overlay_nodes > COMPACT_AFTER:
            self._compact_in_background()
        return state

    def _lines(self, state: _State) -> list[tuple[int, str, int | None]] | None:
        """The log lines after those applied, or None when the snapshot's origin is gone."""
        origin_seq, origin_ref = state.meta.get("origin") or (0, 0)
        floor = min(state.gaps) - 1 if state.gaps else state.applied
        found = list(
            GraphChange.objects.filter(Q(seq__gt=floor) | Q(seq=origin_seq))
            .order_by("seq")
            .values_list("seq", "kind", "ref")
        )
        origin = [r for r in found if r[0] == origin_seq]
        if not origin or origin[0][1] != GraphChangeKind.ORIGIN or origin[0][2] != origin_ref:
            return None
        rows = [
            r
            for r in found
            if r[0] > floor and r[0] not in state.seen and r[1] != GraphChangeKind.ORIGIN
        ]
        self._track_gaps(state, [r[0] for r in found if r[0] > floor])
        return rows

    def _track_gaps(self, state: _State, seqs: list[int]) -> None:
        now = time.monotonic()
        present = set(seqs)
        top = max(seqs, default=state.applied)
        for seq in range(state.applied + 1, top):
            if seq not in present and seq not in state.gaps and top - state.applied < 10_000:
                state.gaps[seq] = now
        for seq in list(state.gaps):
            if seq in present or now - state.gaps[seq] > GAP_WAIT:
                del state.gaps[seq]

    def _apply(self, state: _State, rows: list[tuple[int, str, int | None]]) -> None:
        started = time.perf_counter()
        apply_changes(state.builder, rows)
        graph = state.builder.build()
        for seq, _kind, _ref in rows:
            state.seen.add(seq)
        state.applied = max(state.applied, max(seq for seq, _k, _r in rows))
        floor = min(state.gaps) if state.gaps else state.applied
        state.seen = {s for s in state.seen if s >= floor}
        b = state.builder
        state.index = NetworkIndex(
            graph,
            _Refs(b.base_refs, list(b.new_refs)),
            seq=state.applied,
            snapshot=state.folder.name,
            overlay_nodes=len(b.dirty),
        )
        self.applied_lines += len(rows)
        self.last_apply_ms = (time.perf_counter() - started) * 1000

    def _load(self, folder: Path) -> _State | None:
        """The snapshot in ``folder`` if it comes from this database, else None."""
        if not _of_this_database(snapshot.info(folder)):
            return None
        try:
            graph, meta = snapshot.load(folder)
        except (OSError, ValueError, KeyError, EOFError):
            return None
        warm_up()
        refs = meta["refs"]
        applied = int(meta.get("seq", 0))
        self.loads += 1
        index = NetworkIndex(graph, refs, seq=applied, snapshot=folder.name)
        return _State(folder, meta, OverlayBuilder(graph, refs), applied, index)

    def _load_or_build(self, *, avoid: Path | None = None, at_least: int = 0) -> _State:
        """The current snapshot if usable (of this database, including line ``at_least``, not
        ``avoid``), else a new one built here, under the folder's lock (another process may be
        building it: then its snapshot is used)."""
        state = self._usable(at_least, avoid)
        if state is not None:
            return state
        with snapshot.FolderLock(self.root):
            state = self._usable(at_least, avoid)
            if state is not None:
                return state
            started = time.perf_counter()
            compact(self.root, lock=False)
            self.builds += 1
            log.info("network graph snapshot built in %.2f s", time.perf_counter() - started)
            state = self._usable(0, None)
            assert state is not None
            return state

    def _usable(self, at_least: int, avoid: Path | None) -> _State | None:
        folder = snapshot.current(self.root)
        if folder is None or folder == avoid:
            return None
        state = self._load(folder)
        if state is None or state.applied < at_least:
            return None
        return state

    def _compact_in_background(self) -> None:
        if self._compacting is not None and self._compacting.is_alive():
            return

        def run() -> None:
            try:
                with snapshot.FolderLock(self.root, blocking=False) as held:
                    if held.acquired:
                        compact(self.root, lock=False)
                        self.builds += 1
            except Exception:
                log.exception("network graph compaction failed")
            finally:
                connection.close()

        self._compacting = threading.Thread(target=run, name="graph-compaction", daemon=True)
        self._compacting.start()


_loader = GraphLoader()


def network_index() -> NetworkIndex:
    """The current graph of this process: the shared snapshot plus the changes logged since."""
    return _loader.index()


def loader() -> GraphLoader:
    return _loader


def ensure_snapshot() -> NetworkIndex:
    """Build the snapshot if there is none of this database (after migrate, generate, demo)."""
    return _loader.index()


def forget_index() -> None:
    """Drop this process's graph: the next query builds a snapshot from the database (tests)."""
    _loader.forget()
