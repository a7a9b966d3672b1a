"""The graph's snapshot, change log and overlay: a process applies each write at its next
query, and the graph it searches then is the graph a full rebuild of the same data gives."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
import pytest
from django.db.models import ProtectedError

from filon.core.graph import EdgeKind, NodeKind
from filon.core.graph import kernels as K
from filon.directory.models import (
    Affiliation,
    Person,
    Position,
    School,
    Thesis,
    ThesisAdvisor,
    ThesisFunding,
)
from filon.network import index as network
from filon.network.index import GraphLoader, NetworkIndex, build_index
from filon.network.models import Group, GroupMembership, Tie
from filon.orgs.models import Organisation

_PLACE_CONTEXT = (EdgeKind.LAB, EdgeKind.COLLEAGUE)


@pytest.fixture
def fresh() -> Iterator[None]:
    network.forget_index()
    yield
    network.forget_index()


def canonical(index: NetworkIndex) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The graph as searched, keyed by rows rather than node numbers: the nodes (kind, label,
    flags) and the edges ``(ref a, ref b, kind) → (cost, levels at a and b, context, years)``."""
    g = index.graph
    alive = {node: ref for ref, node in g.keys.items()}
    nodes = {ref: (int(g.node_kind[n]), g.labels[n], int(g.flags[n])) for n, ref in alive.items()}
    indptr, indices, weights, kinds, lsrc, ldst, ctx, y0, y1 = g.merged()
    edges: dict[Any, Any] = {}
    for u in range(g.n):
        for e in range(indptr[u], indptr[u + 1]):
            v = int(indices[e])
            assert u in alive and v in alive, "an edge to a removed row"
            kind = int(kinds[e])
            context: Any = int(ctx[e])
            if kind in _PLACE_CONTEXT or kind == EdgeKind.ADVISOR:
                context = alive.get(context)
            elif kind == EdgeKind.TIE:
                context = g.tie_kinds[context]
            else:
                context = None
            if kind in _PLACE_CONTEXT:
                context = None  # equally cheap at two places: either may be kept
            key = (alive[u], alive[v], kind)
            assert key not in edges, key
            edges[key] = (
                round(float(weights[e]), 5),
                int(lsrc[e]),
                int(ldst[e]),
                context,
                int(y0[e]),
                int(y1[e]),
            )
    return nodes, edges


def path_costs(
    index: NetworkIndex, pairs: list[tuple[Any, Any]], level: int, max_hops: int = 50
) -> list[Any]:
    g = index.graph
    out = []
    for a, b in pairs:
        na, nb = g.keys.get(a), g.keys.get(b)
        if na is None or nb is None:
            out.append(None)
            continue
        paths = g.paths(na, nb, k=1, max_level=level, max_hops=max_hops)
        out.append(round(paths[0].cost, 4) if paths else None)
    return out


def assert_same_graph(live: NetworkIndex, rng: random.Random) -> None:
    full = build_index()
    live_nodes, live_edges = canonical(live)
    full_nodes, full_edges = canonical(full)
    assert live_nodes == full_nodes
    missing = {k: v for k, v in full_edges.items() if live_edges.get(k) != v}
    extra = {k: v for k, v in live_edges.items() if full_edges.get(k) != v}
    assert not missing and not extra, (list(missing.items())[:5], list(extra.items())[:5])
    people = [ref for ref in full.refs if ref[0] == "person"]
    places = [ref for ref in full.refs if ref[0] == "place"]
    pairs = [tuple(rng.sample(people, 2)) for _ in range(25)]
    pairs += [(rng.choice(people), rng.choice(places)) for _ in range(15)]
    for level in (0, 2):
        assert path_costs(live, pairs, level) == path_costs(full, pairs, level)


def _random_edit(rng: random.Random, demo: Any) -> str:
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    orgs = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    person = Person.objects.get(pk=rng.choice(people))
    choice = rng.randrange(14)
    if choice == 0:
        person.field_visibility = {"positions": rng.choice(["members", "paying", "private"])}
        person.intermediary_opt_out = rng.random() < 0.5
        person.save()
        return "privacy"
    if choice == 1:
        start = date(rng.randrange(1990, 2022), rng.randrange(1, 13), 1)
        end = None if rng.random() < 0.4 else date(start.year + rng.randrange(1, 6), 6, 30)
        org = rng.choice(orgs)
        Position.objects.create(
            person=person, organisation_id=org, title="Ingénieur", start=start, end=end
        )
        return "position added"
    if choice == 2:
        pos = Position.objects.order_by("?").first()
        if pos is not None:
            pos.delete()
        return "position removed"
    if choice == 3:
        pos = Position.objects.order_by("?").first()
        if pos is not None:
            pos.organisation_id = rng.choice(orgs)
            pos.start = date(rng.randrange(1995, 2020), 1, 1)
            pos.end = None if rng.random() < 0.5 else date(pos.start.year + 2, 1, 1)
            pos.save()
        return "position moved"
    if choice == 4:
        new = Person.objects.create(first_name="Nouvelle", last_name=f"Personne{rng.random()}")
        Affiliation.objects.create(
            person=new, school=School.objects.order_by("?").first(), track="docteur", year=2031
        )
        Position.objects.create(
            person=new, organisation_id=rng.choice(orgs), title="R&D", start=date(2015, 1, 1)
        )
        return "person added"
    if choice == 5:
        org = Organisation.objects.create(name=f"Start-up {rng.random()}", kind="company")
        for pk in rng.sample(people, 3):
            Position.objects.create(
                person_id=pk, organisation=org, title="CTO", start=date(2018, 1, 1)
            )
        return "organisation added"
    if choice == 6:
        other = rng.choice(people)
        if other != person.pk:
            Tie.objects.get_or_create(
                source_person=person,
                target_person_id=other,
                kind=rng.choice(["mentor", "declared", "event"]),
                defaults={"strength": rng.random()},
            )
        return "tie added"
    if choice == 7:
        tie = Tie.objects.order_by("?").first()
        if tie is not None:
            tie.delete()
        return "tie removed"
    if choice == 8:
        group = Group.objects.order_by("?").first()
        if group is not None:
            GroupMembership.objects.get_or_create(group=group, person=person)
        return "joined a group"
    if choice == 9:
        membership = GroupMembership.objects.order_by("?").first()
        if membership is not None:
            membership.delete()
        return "left a group"
    if choice == 10:
        aff = Affiliation.objects.filter(person=person).first()
        if aff is not None:
            aff.year = aff.year + rng.choice([-1, 1])
            aff.save()
        return "cohort changed"
    if choice == 11:
        thesis = Thesis.objects.order_by("?").first()
        if thesis is not None:
            thesis.defence_year = thesis.defence_year + 1
            thesis.lab_id = rng.choice(orgs)
            thesis.save()
            ThesisFunding.objects.filter(thesis=thesis).first()
            advisor = rng.choice(people)
            if advisor != thesis.person_id:
                ThesisAdvisor.objects.create(thesis=thesis, name="X", person_id=advisor)
        return "thesis changed"
    if choice == 12:
        group = Group.objects.create(name=f"Club {rng.random()}", kind="club")
        for pk in rng.sample(people, 4):
            GroupMembership.objects.create(group=group, person_id=pk)
        return "group added"
    try:
        person.delete()
    except ProtectedError:
        return "person kept"
    return "person removed"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_overlay_gives_the_graph_a_full_rebuild_gives(
    demo: Any, fresh: None, seed: int
) -> None:
    rng = random.Random(seed)
    loader = GraphLoader()
    loader.index()
    builds = loader.builds
    for _round in range(6):
        for _ in range(4):
            _random_edit(rng, demo)
        live = loader.index()
        assert loader.builds == builds, "a write is applied, not rebuilt"
        assert live.overlay_nodes > 0
        assert_same_graph(live, rng)


def test_an_empty_overlay_is_the_snapshot(demo: Any, fresh: None) -> None:
    loader = GraphLoader()
    live = loader.index()
    assert live.overlay_nodes == 0
    assert_same_graph(live, random.Random(1))
    assert not live.graph.indices.flags.writeable  # memory-mapped, shared by every process


def test_a_write_is_seen_by_the_next_query_without_a_rebuild(demo: Any, fresh: None) -> None:
    loader = GraphLoader()
    before = loader.index()
    claire, bernard = demo.person("docteur"), demo.person("ingenieur")
    builds, loads = loader.builds, loader.loads
    Tie.objects.create(source_person=claire, target_person=bernard, kind="mentor", strength=1)
    after = loader.index()
    assert (loader.builds, loader.loads) == (builds, loads)
    assert after.snapshot == before.snapshot and after.seq > before.seq
    a, b = after.person_node(claire.pk), after.person_node(bernard.pk)
    assert a is not None and b is not None
    assert [r.kind for r in after.graph.relations(a, b)] == [EdgeKind.TIE]
    assert loader.last_apply_ms < 1000


def test_two_processes_both_see_a_write(demo: Any, fresh: None) -> None:
    first, second = GraphLoader(), GraphLoader()
    first.index()
    second.index()
    assert second.builds == 0, "the second process loads the snapshot the first one built"
    claire = demo.person("docteur")
    claire.intermediary_opt_out = True
    claire.save()
    for loader in (first, second):
        index = loader.index()
        node = index.person_node(claire.pk)
        assert node is not None and index.graph.flags[node] & K.NO_INTERMEDIARY


def test_a_new_person_becomes_a_node_with_a_cohort(demo: Any, fresh: None) -> None:
    loader = GraphLoader()
    n = loader.index().graph.n
    person = Person.objects.create(first_name="Zoé", last_name="Nouvelle")
    Affiliation.objects.create(
        person=person, school=School.objects.get(code="P"), track="docteur", year=2040
    )
    index = loader.index()
    node = index.person_node(person.pk)
    assert node is not None and node >= n
    assert index.graph.labels[node] == "Zoé Nouvelle"
    cohort = index.graph.node("cohort", ("P", 2040))
    assert cohort is not None and index.graph.node_kind[cohort] == NodeKind.COHORT
    assert index.refs[cohort] == ("cohort", ("P", 2040))
    assert [int(x) for x in index.graph.neighbours(node)] == [cohort]
    person.delete()
    assert loader.index().person_node(person.pk) is None


def test_a_bulk_write_naming_people_is_applied(demo: Any, fresh: None) -> None:
    from filon.directory.index_signals import invalidate

    loader = GraphLoader()
    loader.index()
    claire = demo.person("docteur")
    Person.objects.filter(pk=claire.pk).update(first_name="Clara")
    invalidate(person_ids=[claire.pk])
    index = loader.index()
    assert loader.builds == 1
    assert index.graph.labels[index.person_node(claire.pk)] == "Clara Dumas"


def test_a_bulk_write_naming_nobody_builds_one_snapshot(demo: Any, fresh: None) -> None:
    from filon.directory.index_signals import invalidate

    first, second = GraphLoader(), GraphLoader()
    old = first.index().snapshot
    second.index()
    Person.objects.update(last_name="Dupont")
    invalidate()
    index = first.index()
    assert index.snapshot != old and first.builds == 2
    claire = demo.person("docteur")
    assert index.graph.labels[index.person_node(claire.pk)] == "Claire Dupont"
    assert second.index().snapshot == index.snapshot and second.builds == 0


def test_compaction_swaps_snapshots(demo: Any, fresh: None) -> None:
    loader = GraphLoader()
    old = loader.index()
    claire, bernard = demo.person("docteur"), demo.person("ingenieur")
    Tie.objects.create(source_person=claire, target_person=bernard, kind="event", strength=0.5)
    assert loader.index().overlay_nodes > 0
    result = network.compact()
    assert result["nodes"] == old.graph.n and result["seq"] >= old.seq
    new = loader.index()
    assert new.snapshot != old.snapshot and new.overlay_nodes == 0 and loader.builds == 1
    a, b = new.person_node(claire.pk), new.person_node(bernard.pk)
    assert [r.kind for r in new.graph.relations(a, b)] == [EdgeKind.TIE]
    # The old graph still answers (a query running during the swap).
    assert old.graph.paths(a, b)


def test_forget_index_builds_from_the_database(demo: Any, fresh: None) -> None:
    loader = GraphLoader()
    loader.index()
    loader.forget()
    loader.index()
    assert loader.builds == 2


def test_a_snapshot_of_another_database_is_not_used(demo: Any, fresh: None) -> None:
    from filon.network.models import GraphChange

    loader = GraphLoader()
    loader.index()
    GraphChange.objects.all().delete()  # as a test's rolled-back transaction leaves it
    loader.index()
    assert loader.builds == 2


def test_numbers_of_the_empty_overlay_match_the_base(demo: Any, fresh: None) -> None:
    index = GraphLoader().index()
    g = index.graph
    merged = g.merged()
    assert np.array_equal(merged[1], g.indices) and g.edge_count == len(g.indices) // 2
