"""The graph core on tiny graphs built in code: paths, their order, hops, reasons, privacy."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from filon.core.graph import EdgeKind, GraphBuilder, NodeKind, strength_of
from filon.core.graph.model import hub_cost, tie_cost
from filon.core.graph.synthetic import synthetic_graph


def names(g, path):
    return [g.labels[n] for n in path.nodes]


def chain(b, people, strength=1.0):
    for a, c in itertools.pairwise(people):
        b.tie(a, c, strength)


def test_it_returns_the_k_cheapest_paths_in_order():
    b = GraphBuilder()
    a, x, y, z, t = (b.person(i, n) for i, n in enumerate("AXYZT"))
    b.tie(a, x, 1.0), b.tie(x, t, 1.0)  # 1 + 1
    b.tie(a, y, 0.5), b.tie(y, t, 0.5)  # 2 + 2
    b.tie(a, z, 0.0), b.tie(z, t, 0.0)  # 3 + 3
    g = b.build()
    paths = g.paths(a, t, k=3)
    assert [names(g, p) for p in paths] == [list("AXT"), list("AYT"), list("AZT")]
    assert [p.cost for p in paths] == [2.0, 4.0, 6.0]
    assert [names(g, p) for p in g.paths(a, t, k=2)] == [list("AXT"), list("AYT")]


def test_the_k_paths_differ_in_their_people_not_only_their_hubs():
    b = GraphBuilder()
    a, x, y, t = (b.person(i, n) for i, n in enumerate("AXYT"))
    cohort = b.hub(NodeKind.COHORT, ("P", 2005), "P05")
    for p in (a, x):
        b.member(cohort, p)
    b.tie(a, x, 1.0), b.tie(x, t, 1.0), b.tie(a, y, 0.2), b.tie(y, t, 0.2)
    g = b.build()
    paths = g.paths(a, t, k=3)
    people = [tuple(g.labels[n] for n in p.people) for p in paths]
    assert people == [("X", "T"), ("Y", "T")]  # not "X, T" again through the cohort


def test_it_keeps_to_four_hops_between_people():
    b = GraphBuilder()
    people = [b.person(i, f"P{i}") for i in range(7)]
    chain(b, people)
    g = b.build()
    assert len(g.paths(people[0], people[4])[0].hops) == 4
    assert g.paths(people[0], people[5]) == []
    assert g.paths(people[0], people[3], max_hops=2) == []


def test_a_hop_through_a_group_is_two_edges_and_one_hop():
    b = GraphBuilder()
    people = [b.person(i, f"P{i}") for i in range(6)]
    for i in range(5):  # each pair of neighbours shares a group of two
        group = b.hub(NodeKind.GROUP, i, f"G{i}")
        b.member(group, people[i]), b.member(group, people[i + 1])
    g = b.build()
    path = g.paths(people[0], people[4])[0]
    assert len(path.nodes) == 9 and len(path.hops) == 4  # 8 edges, 4 hops
    assert g.paths(people[0], people[5]) == []


def test_each_hop_has_its_reason_in_words():
    b = GraphBuilder()
    claire, marc, lea, paul, anne = (
        b.person(i, n) for i, n in enumerate(["Claire", "Marc", "Léa", "Paul", "Anne"])
    )
    oie = b.place("oie", "O.I.E.", NodeKind.LAB)
    tas = b.place("tas", "Thales Alenia Space")
    b.position(claire, oie, date(2016, 10, 1), date(2019, 11, 28), lab=True)
    b.position(marc, oie, date(2015, 10, 1), date(2019, 6, 30), lab=True)
    b.position(marc, tas, date(2019, 9, 1), None)
    b.position(lea, tas, date(2021, 1, 1), None)
    cohort = b.hub(NodeKind.COHORT, ("P", 2005), "P05")
    b.member(cohort, lea), b.member(cohort, paul)
    b.tie(paul, anne, 0.9)
    b.advisor(anne, claire)
    g = b.build()

    def reasons(source, target):
        return [g.describe(h) for h in g.paths(source, target, k=1)[0].hops]

    assert reasons(claire, marc) == ["même labo, O.I.E. 2016–2019"]
    assert reasons(marc, lea) == ["collègues chez Thales Alenia Space depuis 2021"]
    assert reasons(lea, paul) == ["même promo P05"]
    assert reasons(paul, anne) == ["relation déclarée"]
    assert reasons(anne, claire) == ["a dirigé sa thèse"]
    assert reasons(claire, anne) == ["a fait sa thèse sous sa direction"]
    assert reasons(claire, tas) == [
        "même labo, O.I.E. 2016–2019",
        "travaille chez Thales Alenia Space depuis 2019",
    ]


def test_an_opted_out_intermediary_never_appears():
    b = GraphBuilder()
    a, t, y = b.person(1, "A"), b.person(2, "T"), b.person(3, "Y")
    shy = b.person(4, "Discret", no_intermediary=True)
    gone = b.person(5, "Parti", hidden=True)
    for p in (shy, gone):
        b.tie(a, p, 1.0), b.tie(p, t, 1.0)  # the strongest ways
    b.tie(a, y, 0.0), b.tie(y, t, 0.0)
    org = b.place("o", "Org")
    b.position(shy, org, date(2020, 1, 1), None)
    b.position(gone, org, date(2020, 1, 1), None)
    g = b.build()
    paths = g.paths(a, t, k=3)
    assert [names(g, p) for p in paths] == [["A", "Y", "T"]]
    for p in paths:
        assert shy not in p.nodes and gone not in p.nodes
    # They may still be reached themselves, and the shy one be the contact at an organisation.
    assert names(g, g.paths(a, shy)[0]) == ["A", "Discret"]
    to_org = g.paths(a, org, k=3)
    assert names(g, to_org[0]) == ["A", "Discret", "Org"]
    assert all(shy not in p.nodes[:-2] and gone not in p.nodes for p in to_org)
    # Someone out of the directory is that contact for staff only.
    staff = [names(g, p) for p in g.paths(a, org, k=3, allow_hidden=True)]
    assert ["A", "Parti", "Org"] in staff
    assert all(gone not in p.nodes for p in g.reach(a, [t, y]).values())


def test_the_tie_strength_rules():
    b = GraphBuilder()
    a, c, d, e, f = (b.person(i, n) for i, n in enumerate("ACDEF"))
    big = b.hub(NodeKind.COHORT, ("P", 1990), "P90")
    for i in range(400):
        b.member(big, b.person(100 + i, f"M{i}"))
    b.member(big, a), b.member(big, f)
    lab = b.place("lab", "CMA", NodeKind.LAB)
    firm = b.place("firm", "Safran")
    b.tie(a, c, 0.8)
    b.position(a, lab, date(2014, 1, 1), date(2017, 1, 1))
    b.position(d, lab, date(2016, 1, 1), date(2019, 1, 1))
    b.position(a, firm, date(2018, 1, 1), date(2020, 1, 1))
    b.position(e, firm, date(2019, 1, 1), None)
    b.position(f, firm, date(2021, 1, 1), None)  # arrived after A left
    g = b.build()

    def hop(target):
        return g.paths(a, target, k=1)[0].hops[0]

    assert strength_of(hop(c).cost) == "strong"  # explicit tie
    assert hop(d).relations[0].kind == EdgeKind.LAB and strength_of(hop(d).cost) == "strong"
    assert hop(e).relations[0].kind == EdgeKind.COLLEAGUE
    assert strength_of(hop(e).cost) == "medium"
    # F shares only the cohort of 400 with A: their dates at Safran never overlapped.
    assert g.relations(a, f) == ()
    through_cohort = [p for p in g.paths(a, f, k=3) if len(p.hops) == 1]
    assert through_cohort[0].hops[0].via == big
    assert strength_of(through_cohort[0].cost) == "weak"
    assert strength_of(tie_cost(0.3)) == "medium"
    assert strength_of(hub_cost(NodeKind.COHORT, 400)) == "weak"


def test_a_cohort_is_a_hub_not_a_clique():
    b = GraphBuilder()
    cohort = b.hub(NodeKind.COHORT, ("P", 2000), "P00")
    for i in range(400):
        b.member(cohort, b.person(i, f"M{i}"))
    assert b.build().edge_count == 400


def test_a_hidden_career_does_not_explain_a_path():
    b = GraphBuilder()
    a, t = b.person(1, "A"), b.person(2, "T", positions_level=1)
    firm = b.place("firm", "Safran")
    b.position(a, firm, date(2018, 1, 1), None)
    b.position(t, firm, date(2019, 1, 1), None)
    g = b.build()
    assert g.paths(a, t, max_level=0) == []
    assert len(g.paths(a, t, max_level=1)) == 1
    assert len(g.paths(t, a, max_level=0)) == 1  # T sees their own career


def test_a_path_to_an_organisation_ends_with_someone_who_works_there():
    b = GraphBuilder()
    a, x, y = b.person(1, "A"), b.person(2, "X"), b.person(3, "Y")
    org = b.place("o", "Org")
    funder = b.place("f", "Agence", NodeKind.FUNDER)
    b.position(a, org, date(2010, 1, 1), None)
    b.position(y, org, date(2000, 1, 1), date(2005, 1, 1))
    b.tie(a, x, 1.0), b.tie(x, y, 1.0)
    b.funded(x, org)
    b.funded(a, funder)
    g = b.build()
    paths = g.paths(a, org, k=3)
    assert [names(g, p) for p in paths] == [["A", "X", "Y", "Org"]]  # never A itself, nor X
    assert g.describe(paths[0].hops[-1]) == "a travaillé chez Org 2000–2005"
    assert g.paths(a, funder) == []  # a funder is not an employer


def test_reach_finds_the_cheapest_path_to_many_people_at_once():
    b = GraphBuilder()
    people = [b.person(i, f"P{i}") for i in range(5)]
    chain(b, people)
    g = b.build()
    reached = g.reach(people[0], people[1:])
    assert sorted(len(p.hops) for p in reached.values()) == [1, 2, 3, 4]


def test_the_ego_map_has_two_rings_and_filters_kinds():
    b = GraphBuilder()
    a, x, y, z = (b.person(i, n) for i, n in enumerate("AXYZ"))
    cohort = b.hub(NodeKind.COHORT, ("P", 2005), "P05")
    b.member(cohort, a), b.member(cohort, z)
    b.tie(a, x, 1.0), b.tie(x, y, 1.0)
    g = b.build()
    full = g.ego(a)
    assert full.ring == {a: 0, x: 1, cohort: 1, y: 2, z: 2}
    ties_only = g.ego(a, kinds=1 << EdgeKind.TIE)
    assert set(ties_only.ring) == {a, x, y}
    assert set(g.ego(a, depth=1).ring) == {a, x, cohort}


@pytest.mark.parametrize("people", [2000])
def test_the_synthetic_graph_has_the_demo_shape(people):
    g = synthetic_graph(people, seed=3)
    kinds = g.node_kind
    assert int((kinds == NodeKind.PERSON).sum()) == people
    assert int((kinds == NodeKind.COHORT).sum()) == 3 * 76
    edges_per_person = g.edge_count / people
    assert 5 < edges_per_person < 25
    source = 0
    assert g.paths(source, 1, k=3) is not None


# -- overlay and snapshot -----------------------------------------------------------------


def _ties_graph(ties, extra_people=()):
    b = GraphBuilder()
    nodes = {name: b.person(name, name) for name in ["A", "X", "Y", "T", *extra_people]}
    for a, c, s in ties:
        b.tie(nodes[a], nodes[c], s)
    g = b.build()
    return g, [key for key, _n in sorted(g.keys.items(), key=lambda kv: kv[1])]


def test_an_empty_overlay_searches_like_the_base():
    from filon.core.graph.overlay import OverlayBuilder

    g = synthetic_graph(3000, seed=3)
    same = OverlayBuilder(g).build()
    rng = np.random.default_rng(3)
    people = np.flatnonzero(g.node_kind == NodeKind.PERSON)
    for a, t in rng.choice(people, (20, 2)):
        assert [p.nodes for p in g.paths(int(a), int(t))] == [
            p.nodes for p in same.paths(int(a), int(t))
        ]


def test_an_overlay_gives_the_paths_of_a_rebuild():
    from filon.core.graph.overlay import OverlayBuilder, person_flags

    old = [("A", "X", 1.0), ("X", "T", 1.0), ("A", "Y", 0.5), ("Y", "T", 0.5)]
    base, refs = _ties_graph(old)
    b = OverlayBuilder(base, refs)
    n = b.add_node("person", "N", "N", NodeKind.PERSON, person_flags())
    x, a, t = (b.node("person", k) for k in "XAT")
    # X no longer knows T; N, new, knows A and T.
    edges = GraphBuilder()
    for k in "AXYTN":
        edges.person(k, k)
    k = edges.keys
    edges.tie(k[("person", "A")], k[("person", "X")], 1.0)
    edges.tie(k[("person", "A")], k[("person", "N")], 1.0)
    edges.tie(k[("person", "N")], k[("person", "T")], 0.8)
    b.replace([x, n], edges.edges.arrays())
    live = b.build()
    new = [("A", "X", 1.0), ("A", "Y", 0.5), ("Y", "T", 0.5), ("A", "N", 1.0), ("N", "T", 0.8)]
    rebuilt, _refs = _ties_graph(new, ["N"])

    def described(g, source, target):
        return [([g.labels[i] for i in p.nodes], p.cost) for p in g.paths(source, target, k=3)]

    assert described(live, a, t) == described(
        rebuilt, rebuilt.node("person", "A"), rebuilt.node("person", "T")
    )
    names, cost = described(live, a, t)[0]
    assert names == ["A", "N", "T"] and cost == pytest.approx(2.4)
    assert live.edge_count == rebuilt.edge_count == 5
    assert not base.paths(a, n)  # the snapshot itself never changes


def test_a_snapshot_is_written_once_and_mapped(tmp_path):
    from filon.core.graph import snapshot

    b = GraphBuilder()
    anne, paul = b.person("anne", "Anne"), b.person("paul", "Paul")
    lab = b.place("lab", "CMA", NodeKind.LAB)
    b.position(anne, lab, date(2014, 10, 1), date(2017, 12, 1))
    b.position(paul, lab, date(2016, 10, 1), date(2019, 12, 1))
    g = b.build()
    folder = snapshot.publish(tmp_path, g, {"seq": 7}, "7-a")
    assert snapshot.current(tmp_path) == folder and snapshot.info(folder)["seq"] == 7
    loaded, meta = snapshot.load(folder)
    assert meta["seq"] == 7 and loaded.node("person", "paul") == paul
    assert not loaded.indices.flags.writeable
    assert [loaded.describe(h) for h in loaded.paths(anne, paul)[0].hops] == [
        "même labo, CMA 2016–2017"
    ]
    assert loaded.positions is not None and len(loaded.positions) == 2
