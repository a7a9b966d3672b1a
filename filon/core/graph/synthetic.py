"""Graphs of any size with the demo network's shape, for ``filon bench paths``.

Two sources:

- :func:`graph_from_network` turns the records of :func:`filon.core.demo.generator.
  generate_network` (the demo network itself, without a database) into a graph, exactly as the
  web adapter does from the database;
- :func:`synthetic_graph` draws the same shape directly as numpy arrays, fast enough for a
  million people (the demo generator and Faker would take an hour): three schools, vintages
  1950–2025 growing over time, one cohort hub per school and year (so a cohort holds thousands
  of people at a million members), 15 % docteurs with a doctorate (and for 30 % a post-doc) in
  a lab, 1–4 successive jobs with a preference for the employers of one's discipline, 0–3
  explicit ties (same cohort, a colleague, or anyone), thesis advisors, thesis funders, and 8 %
  of members in 1–2 of 13 groups. Labs and employers grow in number with the network (one lab
  per 2,000 members, one employer per 375), cohorts and groups do not: they are the hubs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import overload

import numpy as np

from filon.core.demo.generator import Network
from filon.core.graph import kernels as K
from filon.core.graph.index import (
    ONGOING,
    Graph,
    GraphBuilder,
    _Edges,
    add_position_edges,
)
from filon.core.graph.model import (
    ADVISOR_COST,
    FUNDED_COST,
    HUB_EDGE,
    EdgeKind,
    NodeKind,
    hub_cost,
    tie_cost,
)
from filon.core.promo import promo_label


def graph_from_network(net: Network) -> Graph:
    """The graph of a generated demo network, built as the web adapter builds it.

    >>> from filon.core.demo.generator import generate_network
    >>> g = graph_from_network(generate_network(120, seed=2))
    >>> g.n > 120 and g.edge_count > 120
    True
    """
    b = GraphBuilder()
    people = [
        b.person(
            p.idx,
            f"{p.first_name} {p.last_name}",
            no_intermediary=p.intermediary_opt_out,
            hidden=p.directory_opt_out,
        )
        for p in net.people
    ]
    kinds = {"lab": NodeKind.LAB, "funder": NodeKind.FUNDER}
    places = {
        o.key: b.place(
            o.key,
            o.short_name if o.kind == "lab" and o.short_name else o.name,
            kinds.get(o.kind, NodeKind.ORGANISATION),
        )
        for o in net.orgs
    }
    for a in net.affiliations:
        hub = b.hub(NodeKind.COHORT, (a.school, a.year), promo_label(a.school, a.year))
        b.member(hub, people[a.person])
    for pos in net.positions:
        place = places.get(pos.org) or b.place(pos.org, pos.org)
        b.position(
            people[pos.person], place, pos.start, pos.end, lab=pos.kind in ("phd", "postdoc")
        )
    for t in net.theses:
        for advisor, _name in t.advisors:
            if advisor is not None:
                b.advisor(people[advisor], people[t.person])
        for _kind, funder in t.fundings:
            if funder in places:
                b.funded(people[t.person], places[funder])
    for tie in net.ties:
        b.tie(people[tie.source], people[tie.target], tie.strength, tie.kind)
    groups = {g.key: b.hub(NodeKind.GROUP, g.key, g.name) for g in net.groups}
    for m in net.memberships:
        b.member(groups[m.group], people[m.person])
    return b.build()


class _Labels(Sequence[str]):
    """Node labels made on demand: a million strings would cost more than the graph."""

    def __init__(self, kinds: np.ndarray, names: dict[int, str]) -> None:
        self.kinds = kinds
        self.names = names

    def __len__(self) -> int:
        return len(self.kinds)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i in self.names:
            return self.names[i]
        return f"{NodeKind(int(self.kinds[i])).name.lower()} {i}"


def _days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    months = (year - 1970) * 12 + (month - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + 719163


def synthetic_graph(people: int, *, seed: int = 1) -> Graph:
    """A graph of ``people`` members with the demo network's shape, drawn with numpy.

    >>> g = synthetic_graph(3000, seed=1)
    >>> int((g.node_kind == 0).sum())
    3000
    """
    rng = np.random.default_rng(seed)
    n = people
    last_year = 2025
    # -- nodes: people, then cohorts, labs, employers, funders, groups ----------------------
    years = np.arange(1950, last_year + 1)
    year_w = 1 + (years - 1950) / 25
    year = rng.choice(years, n, p=year_w / year_w.sum())
    school = rng.choice(3, n, p=[0.45, 0.30, 0.25])
    docteur = rng.random(n) < 0.15
    year = np.where(docteur, np.maximum(year, 1975), year)
    n_cohorts = 3 * len(years)
    n_labs = max(15, n // 2000)
    n_orgs = max(80, n // 375)
    n_funders = 12
    n_groups = 13
    base = n
    cohort0, lab0 = base, base + n_cohorts
    org0 = lab0 + n_labs
    funder0 = org0 + n_orgs
    group0 = funder0 + n_funders
    total = group0 + n_groups
    node_kind = np.zeros(total, np.uint8)
    node_kind[cohort0:lab0] = NodeKind.COHORT
    node_kind[lab0:org0] = NodeKind.LAB
    node_kind[org0:funder0] = NodeKind.ORGANISATION
    node_kind[funder0:group0] = NodeKind.FUNDER
    node_kind[group0:] = NodeKind.GROUP
    flags = np.zeros(total, np.uint8)
    flags[:n] = K.TRANSIT | K.PERSON
    hidden = rng.random(n) < 0.02
    no_inter = hidden | (rng.random(n) < 0.05)
    flags[:n] |= np.where(no_inter, K.NO_INTERMEDIARY, 0).astype(np.uint8)
    flags[:n] |= np.where(hidden, K.HIDDEN, 0).astype(np.uint8)
    flags[cohort0:lab0] = K.TRANSIT
    flags[group0:] = K.TRANSIT
    edges = _Edges()
    ids = np.arange(n)

    # -- cohorts: the diploma, and for 10 % of docteurs an engineering diploma 4 years before
    cohort = cohort0 + school * len(years) + (year - 1950)
    double = docteur & (rng.random(n) < 0.10) & (year - 4 >= 1950)
    members_p = np.concatenate([ids, ids[double]])
    members_h = np.concatenate([cohort, cohort[double] - 4])
    sizes = np.bincount(members_h - cohort0, minlength=n_cohorts)
    half = (3.5 + np.log10(np.maximum(1, sizes))) / 2
    edges.add_arrays(members_p, members_h, half[members_h - cohort0], EdgeKind.COHORT)

    # -- labs: doctorate (3 years before defence), 30 % a 2-year post-doc elsewhere ----------
    lab_w = rng.pareto(1.5, n_labs) + 1
    doc = ids[docteur]
    lab = lab0 + rng.choice(n_labs, len(doc), p=lab_w / lab_w.sum())
    dyear = year[docteur]
    phd_start = _days(dyear - 3, np.full(len(doc), 10))
    phd_end = _days(dyear, rng.integers(3, 13, len(doc)))
    post = (rng.random(len(doc)) < 0.3) & (dyear < last_year)
    post_lab = lab0 + rng.integers(0, n_labs, int(post.sum()))
    post_start = _days(dyear[post], np.full(int(post.sum()), 11))
    post_end_y = np.minimum(dyear[post] + 2, last_year)
    post_end = _days(post_end_y, np.full(int(post.sum()), 9))

    # -- careers: 1–4 jobs of 3–12 years from graduation (after the thesis for docteurs) ----
    discipline = rng.integers(0, 8, n)
    org_w = 1 / np.arange(1, n_orgs + 1) ** 0.8
    org_w = rng.permutation(org_w / org_w.sum())
    preferred = (
        rng.choice(n_orgs, (8, 6), replace=False, p=org_w)
        if n_orgs >= 48
        else rng.integers(0, n_orgs, (8, 6))
    )
    first_year = np.where(docteur, year + 1, year)
    first_year[ids[docteur][post]] = post_end_y + 1
    n_jobs = rng.choice([1, 2, 3, 4], n, p=[3 / 12, 4 / 12, 3 / 12, 2 / 12])
    lengths = rng.integers(3, 13, (n, 4))
    starts = first_year[:, None] + np.concatenate(
        [np.zeros((n, 1), np.int64), np.cumsum(lengths, axis=1)[:, :3]], axis=1
    )
    retire = year[:, None] + rng.integers(38, 44, (n, 1))
    valid = (np.arange(4)[None, :] < n_jobs[:, None]) & (starts <= last_year) & (starts < retire)
    job_p = np.broadcast_to(ids[:, None], (n, 4))[valid]
    job_start_y = starts[valid]
    job_end_y = np.minimum((starts + lengths), retire)[valid]
    is_last = np.zeros((n, 4), np.bool_)
    is_last[ids, np.maximum(0, valid.sum(axis=1) - 1)] = True
    ongoing = (job_end_y >= last_year) & (retire[:, 0][job_p] > last_year)
    pick_pref = rng.random(len(job_p)) < 0.55
    org = (
        np.where(
            pick_pref,
            preferred[discipline[job_p], rng.integers(0, 6, len(job_p))],
            rng.choice(n_orgs, len(job_p), p=org_w),
        )
        + org0
    )
    job_start = _days(job_start_y, rng.integers(1, 13, len(job_p)))
    job_end = np.where(
        ongoing, ONGOING, _days(np.minimum(job_end_y, last_year), rng.integers(1, 13, len(job_p)))
    )
    job_end = np.maximum(job_end, job_start + 180)

    person = np.concatenate([doc, doc[post], job_p])
    place = np.concatenate([lab, post_lab, org])
    start = np.concatenate([phd_start, post_start, job_start])
    end = np.concatenate([phd_end, post_end, job_end])
    is_lab = np.concatenate(
        [np.ones(len(doc) + int(post.sum()), np.bool_), np.zeros(len(job_p), np.bool_)]
    )
    add_position_edges(
        edges,
        node_kind,
        person=person,
        place=place,
        start=start,
        end=end,
        lab=is_lab,
        level=np.zeros(len(person), np.uint8),
    )

    # -- thesis advisors (40 % of docteurs, an earlier docteur of the same lab) and funders --
    order = np.lexsort((dyear, lab))
    key = (lab * 10_000 + dyear)[order]
    lo = np.searchsorted(key, lab[order] * 10_000, "left")
    hi = np.searchsorted(key, lab[order] * 10_000 + dyear[order] - 8, "right")
    has_adv = (rng.random(len(doc)) < 0.4) & (hi > lo)
    cand = lo + (rng.random(len(doc)) * (hi - lo)).astype(np.int64)
    edges.add_arrays(doc[order][cand[has_adv]], doc[order][has_adv], ADVISOR_COST, EdgeKind.ADVISOR)
    funder = funder0 + rng.integers(0, n_funders, len(doc))
    cifre = rng.random(len(doc)) < 0.25
    funder = np.where(cifre, org0 + preferred[discipline[doc], 0], funder)
    edges.add_arrays(doc, funder, FUNDED_COST, EdgeKind.FUNDED)

    # -- explicit ties: 0–3 each; same cohort, a colleague, or anyone ---------------------------
    n_ties = rng.choice([0, 1, 2, 3], n, p=[0.3, 0.4, 0.2, 0.1])
    src = np.repeat(ids, n_ties)
    r = rng.random(len(src))
    strength = rng.uniform(0.2, 0.9, len(src))
    dst = rng.integers(0, n, len(src))  # anyone (mentor, declared)
    same_cohort = r < 0.4
    by_cohort = np.argsort(cohort, kind="stable")
    c_start = np.searchsorted(cohort[by_cohort], cohort)
    c_size = sizes[cohort - cohort0]
    pick = c_start[src] + (rng.random(len(src)) * np.maximum(1, c_size[src])).astype(np.int64)
    pick = np.minimum(pick, n - 1)
    dst = np.where(same_cohort, by_cohort[pick], dst)
    colleague = (r >= 0.4) & (r < 0.8)
    by_place = np.lexsort((start, place))
    pl_sorted = place[by_place]
    first_job = np.searchsorted(person[np.argsort(person, kind="stable")], src)
    person_order = np.argsort(person, kind="stable")
    has_job = first_job < len(person)
    their_pos = person_order[np.minimum(first_job, len(person) - 1)]
    their_place = place[their_pos]
    p_lo = np.searchsorted(pl_sorted, their_place, "left")
    p_hi = np.searchsorted(pl_sorted, their_place, "right")
    mate = by_place[p_lo + (rng.random(len(src)) * (p_hi - p_lo)).astype(np.int64)]
    dst = np.where(colleague & has_job, person[mate], dst)
    edges.add_arrays(src, dst, 1.0 + 2.0 * (1.0 - strength), EdgeKind.TIE, ctx=0)
    assert tie_cost(0.5) == 2.0  # the cost above is tie_cost, vectorised

    # -- groups: 8 % of members in 1–2 of 13, and 10 % of docteurs in the docteurs' group -----
    joins = ids[rng.random(n) < 0.08]
    twice = joins[rng.random(len(joins)) < 0.5]
    extra = doc[rng.random(len(doc)) < 0.1]
    g_people = np.concatenate([joins, twice, extra])
    g_hub = group0 + np.concatenate(
        [rng.integers(0, n_groups, len(joins) + len(twice)), np.full(len(extra), 5)]
    )
    g_sizes = np.bincount(g_hub - group0, minlength=n_groups)
    g_half = np.array([hub_cost(NodeKind.GROUP, int(s)) / 2 for s in g_sizes])
    edges.add_arrays(g_people, g_hub, g_half[g_hub - group0], HUB_EDGE[NodeKind.GROUP])

    names = {
        int(i): promo_label(
            "PEN"[(i - cohort0) // len(years)], int(years[(i - cohort0) % len(years)])
        )
        for i in range(cohort0, lab0)
    }
    return Graph.from_edges(
        flags, node_kind, _Labels(node_kind, names), edges.arrays(), tie_kinds=["declared"]
    )


def sample_date(year: int) -> date:
    return date(year, 6, 30)
