"""The graph index: nodes and edges in CSR arrays, built once, searched by compiled code.

Build a graph with :class:`GraphBuilder` (the web adapter feeds it from the database, the
benchmark from :mod:`filon.core.graph.synthetic`), then ask it for introduction paths
(:meth:`Graph.paths`), the cheapest path to many people at once (:meth:`Graph.reach`) or a
neighbourhood to draw (:meth:`Graph.ego`). The rules of tie strength are in
:mod:`filon.core.graph.model`; the searches in :mod:`filon.core.graph.kernels`.

Privacy is applied before a search runs, in two ways the adapter sets: people who opted out of
the directory or of being an intermediary carry flags that keep them out of the middle of any
path, and each edge carries the audience level needed to see it (a career shown to paying
members only does not explain a path to a non-paying member).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse

from filon.core.graph import kernels as K
from filon.core.graph.model import (
    ADVISOR_COST,
    ALL_KINDS,
    COLLEAGUE_CAP,
    FUNDED_COST,
    HUB_EDGE,
    HUB_KINDS,
    LAB_COST,
    ORG_TARGET_KINDS,
    PERSON_EDGES,
    PLACE_KINDS,
    REASONS_FR,
    WORKS_AT_CURRENT,
    WORKS_AT_FORMER,
    EdgeKind,
    NodeKind,
    colleague_cost,
    hub_cost,
    tie_cost,
    years_text,
)

#: A position still held: its end, as a day number, lies beyond any real date.
ONGOING = 10_000_000
MAX_HOPS = 4


@dataclass(frozen=True)
class Relation:
    """One reason two nodes are linked: an edge, or the hub a hop passes through."""

    kind: EdgeKind
    cost: float
    context: int = -1  # the lab or organisation, the advisor, the hub, or the tie's kind
    y0: int = 0
    y1: int = 0


@dataclass(frozen=True)
class Hop:
    """From one node of a path to the next person (or the organisation that ends it)."""

    source: int
    target: int
    via: int  # the cohort, group or project passed through, or -1
    relations: tuple[Relation, ...]  # every relation the viewer may see, cheapest first

    @property
    def cost(self) -> float:
        return self.relations[0].cost if self.relations else float("inf")


@dataclass(frozen=True)
class Path:
    nodes: tuple[int, ...]
    cost: float
    hops: tuple[Hop, ...]

    @property
    def people(self) -> tuple[int, ...]:
        return tuple(h.target for h in self.hops if h.relations[0].kind not in _PLACE_EDGES)


_PLACE_EDGES = frozenset({EdgeKind.WORKS_AT, EdgeKind.FUNDED})


@dataclass
class EgoMap:
    """A neighbourhood to draw: nodes with their ring (0 the centre) and the edges shown."""

    center: int
    ring: dict[int, int] = field(default_factory=dict)
    parent: dict[int, int] = field(default_factory=dict)
    hops: list[Hop] = field(default_factory=list)


class _Edges:
    """Edges gathered in numpy chunks before they become CSR arrays."""

    def __init__(self) -> None:
        self.chunks: list[tuple[np.ndarray, ...]] = []
        self.rows: list[tuple[int, int, float, int, int, int, int, int, int]] = []

    def add(
        self,
        u: int,
        v: int,
        w: float,
        kind: EdgeKind,
        lu: int = 0,
        lv: int = 0,
        ctx: int = -1,
        y0: int = 0,
        y1: int = 0,
    ) -> None:
        self.rows.append((u, v, w, int(kind), lu, lv, ctx, y0, y1))

    def add_arrays(
        self,
        u: Any,
        v: Any,
        w: Any,
        kind: Any,
        lu: Any = 0,
        lv: Any = 0,
        ctx: Any = -1,
        y0: Any = 0,
        y1: Any = 0,
    ) -> None:
        n = len(u)
        self.chunks.append(
            (
                np.asarray(u, np.int64),
                np.asarray(v, np.int64),
                np.broadcast_to(np.asarray(w, np.float32), n),
                np.broadcast_to(np.asarray(kind, np.uint8), n),
                np.broadcast_to(np.asarray(lu, np.uint8), n),
                np.broadcast_to(np.asarray(lv, np.uint8), n),
                np.broadcast_to(np.asarray(ctx, np.int32), n),
                np.broadcast_to(np.asarray(y0, np.int16), n),
                np.broadcast_to(np.asarray(y1, np.int16), n),
            )
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        chunks = list(self.chunks)
        if self.rows:
            cols = list(zip(*self.rows, strict=True))
            types = (
                np.int64,
                np.int64,
                np.float32,
                np.uint8,
                np.uint8,
                np.uint8,
                np.int32,
                np.int16,
                np.int16,
            )
            chunks.append(tuple(np.asarray(c, t) for c, t in zip(cols, types, strict=True)))
        if not chunks:
            types = (
                np.int64,
                np.int64,
                np.float32,
                np.uint8,
                np.uint8,
                np.uint8,
                np.int32,
                np.int16,
                np.int16,
            )
            return tuple(np.empty(0, t) for t in types)
        return tuple(np.concatenate([c[i] for c in chunks]) for i in range(9))


def _year(day: int) -> int:
    return date.fromordinal(int(day)).year if 0 < day < ONGOING else 0


def _day(value: date | int | None, default: int) -> int:
    if value is None:
        return default
    return value.toordinal() if isinstance(value, date) else int(value)


class GraphBuilder:
    """Collects nodes and relations, then :meth:`build` derives the dated edges and the CSR.

    >>> b = GraphBuilder()
    >>> anne, paul = b.person("anne", "Anne"), b.person("paul", "Paul")
    >>> lab = b.place("lab", "CMA", NodeKind.LAB)
    >>> b.position(anne, lab, date(2014, 10, 1), date(2017, 12, 1))
    >>> b.position(paul, lab, date(2016, 10, 1), date(2019, 12, 1))
    >>> g = b.build()
    >>> [g.describe(h) for h in g.paths(anne, paul)[0].hops]
    ['même labo, CMA 2016–2017']
    """

    def __init__(self, *, colleague_cap: int = COLLEAGUE_CAP) -> None:
        self.colleague_cap = colleague_cap
        self.kinds: list[int] = []
        self.labels: list[str] = []
        self.flags: list[int] = []
        self.keys: dict[tuple[str, Any], int] = {}
        self.levels: dict[int, tuple[int, int]] = {}  # person → (positions, thesis) level
        self.edges = _Edges()
        self.positions: list[tuple[int, int, int, int, bool, int]] = []
        self.members: dict[int, set[int]] = {}
        self.tie_kinds: list[str] = []

    def _node(self, space: str, key: Any, label: str, kind: NodeKind, flags: int) -> int:
        found = self.keys.get((space, key))
        if found is not None:
            return found
        node = len(self.kinds)
        self.keys[(space, key)] = node
        self.kinds.append(int(kind))
        self.labels.append(label)
        self.flags.append(flags)
        return node

    def person(
        self,
        key: Any,
        label: str,
        *,
        no_intermediary: bool = False,
        hidden: bool = False,
        positions_level: int = 0,
        thesis_level: int = 0,
    ) -> int:
        """A person; ``hidden`` (out of the directory) implies ``no_intermediary``.

        The levels are the audiences (0 members, 1 paying, 2 staff only) allowed to see the
        person's career and thesis: the edges those imply need the same level.
        """
        flags = K.TRANSIT | K.PERSON
        if no_intermediary or hidden:
            flags |= K.NO_INTERMEDIARY
        if hidden:
            flags |= K.HIDDEN
        node = self._node("person", key, label, NodeKind.PERSON, int(flags))
        self.levels[node] = (positions_level, thesis_level)
        return node

    def place(self, key: Any, label: str, kind: NodeKind = NodeKind.ORGANISATION) -> int:
        """An organisation, lab or funder: a path may end there, never pass through."""
        if kind not in PLACE_KINDS:
            raise ValueError(f"not a kind of place: {kind!r}")
        return self._node("place", key, label, kind, 0)

    def hub(self, kind: NodeKind, key: Any, label: str) -> int:
        """A cohort, group or project: people are linked through it, never to each other."""
        if kind not in HUB_KINDS:
            raise ValueError(f"not a kind of hub: {kind!r}")
        node = self._node(kind.name.lower(), key, label, kind, int(K.TRANSIT))
        self.members.setdefault(node, set())
        return node

    def member(self, hub: int, person: int) -> None:
        self.members[hub].add(person)

    def position(
        self,
        person: int,
        place: int,
        start: date | int | None,
        end: date | int | None,
        *,
        lab: bool = False,
        thesis: bool = False,
    ) -> None:
        """A position, with its dates (``end`` None: still held; ``start`` None: unknown).

        ``lab``: a doctorate or post-doc, so overlapping peers are lab mates. ``thesis``: known
        from the thesis record, so it needs the thesis's level rather than the career's.
        """
        levels = self.levels.get(person, (0, 0))
        self.positions.append(
            (
                person,
                place,
                _day(start, 0),
                _day(end, ONGOING),
                lab or self.kinds[place] == NodeKind.LAB,
                levels[1] if thesis else levels[0],
            )
        )

    def tie(self, a: int, b: int, strength: float, kind: str = "declared") -> None:
        if a == b:
            return
        if kind not in self.tie_kinds:
            self.tie_kinds.append(kind)
        self.edges.add(a, b, tie_cost(strength), EdgeKind.TIE, ctx=self.tie_kinds.index(kind))

    def advisor(self, advisor: int, student: int) -> None:
        if advisor == student:
            return
        level = self.levels.get(student, (0, 0))[1]
        self.edges.add(advisor, student, ADVISOR_COST, EdgeKind.ADVISOR, 0, level, ctx=advisor)

    def funded(self, person: int, funder: int) -> None:
        level = self.levels.get(person, (0, 0))[1]
        self.edges.add(person, funder, FUNDED_COST, EdgeKind.FUNDED, level, 0)

    def build(self) -> Graph:
        len(self.kinds)
        node_kind = np.asarray(self.kinds, np.uint8)
        for hub, people in self.members.items():
            kind = NodeKind(self.kinds[hub])
            if people:
                members = np.fromiter(sorted(people), np.int64, len(people))
                self.edges.add_arrays(
                    members,
                    np.full(len(members), hub),
                    hub_cost(kind, len(people)) / 2,
                    HUB_EDGE[kind],
                )
        table = Positions.from_rows(self.positions, len(node_kind))
        if len(table):
            add_position_edges(
                self.edges,
                node_kind,
                person=table.person,
                place=table.place,
                start=table.start,
                end=table.end,
                lab=table.lab,
                level=table.level,
                cap=self.colleague_cap,
            )
        graph = Graph.from_edges(
            np.asarray(self.flags, np.uint8),
            node_kind,
            self.labels,
            self.edges.arrays(),
            keys=self.keys,
            tie_kinds=self.tie_kinds,
        )
        graph.positions = table
        return graph


@dataclass
class Positions:
    """The positions a graph's dated edges come from, grouped by place (``indptr`` over nodes).

    Kept with the graph so that a change at one place can be compared with what the graph
    holds there: the edges of a place depend only on the positions at that place.
    """

    person: np.ndarray  # int64
    place: np.ndarray  # int64
    start: np.ndarray  # int64 day numbers, 0 unknown
    end: np.ndarray  # int64 day numbers, ONGOING still held
    lab: np.ndarray  # bool
    level: np.ndarray  # uint8
    indptr: np.ndarray  # int64, one row per node: the positions at that place

    FIELDS = ("person", "place", "start", "end", "lab", "level")

    def __len__(self) -> int:
        return len(self.person)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int, int, int, bool, int]], n: int) -> Positions:
        """From ``(person, place, start, end, lab, level)`` rows, for a graph of ``n`` nodes."""
        types = (np.int64, np.int64, np.int64, np.int64, np.bool_, np.uint8)
        cols: list[np.ndarray]
        if rows:
            cols = [np.asarray(c, t) for c, t in zip(zip(*rows, strict=True), types, strict=True)]
        else:
            cols = [np.empty(0, t) for t in types]
        return cls.from_arrays(*cols, n=n)

    @classmethod
    def from_arrays(cls, *cols: np.ndarray, n: int) -> Positions:
        person, place, start, end, lab, level = cols
        order = np.lexsort((end, person, start, place))
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(place, minlength=n)[:n], out=indptr[1:])
        return cls(
            person[order].astype(np.int64),
            place[order].astype(np.int64),
            start[order].astype(np.int64),
            end[order].astype(np.int64),
            lab[order].astype(np.bool_),
            level[order].astype(np.uint8),
            indptr,
        )

    def at(self, place: int) -> tuple[np.ndarray, ...]:
        """The positions at one place, as six arrays (empty for a node the table predates)."""
        if place + 1 >= len(self.indptr):
            return tuple(getattr(self, f)[:0] for f in self.FIELDS)
        lo, hi = int(self.indptr[place]), int(self.indptr[place + 1])
        return tuple(getattr(self, f)[lo:hi] for f in self.FIELDS)

    def arrays(self) -> dict[str, np.ndarray]:
        return {**{f: getattr(self, f) for f in self.FIELDS}, "indptr": self.indptr}


def _years(days: np.ndarray) -> np.ndarray:
    """Calendar years of day numbers (0 for unknown or ongoing), vectorised."""
    out = np.zeros(len(days), np.int16)
    known = (days > 0) & (days < ONGOING)
    if known.any():
        as_dates = (days[known] - 719163).astype("datetime64[D]")  # 719163: 1970-01-01
        out[known] = as_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    return out


def add_position_edges(
    edges: _Edges,
    node_kind: np.ndarray,
    *,
    person: np.ndarray,
    place: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    lab: np.ndarray,
    level: np.ndarray,
    cap: int = COLLEAGUE_CAP,
) -> None:
    """ "Works (worked) at" edges, and the lab-mate and colleague edges of overlapping dates.

    Positions of unknown start link their person to the place but to no colleague.
    """
    current = end >= ONGOING
    edges.add_arrays(
        person,
        place,
        np.where(current, WORKS_AT_CURRENT, WORKS_AT_FORMER),
        EdgeKind.WORKS_AT,
        level,
        0,
        -1,
        _years(start),
        _years(end),
    )
    known = start > 0
    # Same start at the same place: ordered by person, then end, so that the edges of a place
    # depend only on its positions, never on the order they were read in.
    order = np.lexsort((end[known], person[known], start[known], place[known]))
    p_person = person[known][order]
    p_place = place[known][order]
    p_start = start[known][order]
    p_end = end[known][order]
    p_lab = lab[known][order]
    p_level = level[known][order]
    if not len(p_person):
        return
    headcount = K.max_concurrent(p_place, p_start, p_end, len(node_kind))
    i, j = K.overlapping_pairs(p_place, p_start, p_end, cap)
    keep = p_person[i] != p_person[j]
    i, j = i[keep], j[keep]
    is_lab = p_lab[i] | p_lab[j]
    org = p_place[i]
    cost = np.where(
        is_lab,
        LAB_COST,
        2.0 + np.minimum(2.0, 0.5 * np.log2(1 + headcount[org] / 10)),
    )
    y0 = _years(np.maximum(p_start[i], p_start[j]))
    y1 = _years(np.minimum(p_end[i], p_end[j]))
    edges.add_arrays(
        p_person[i],
        p_person[j],
        cost,
        np.where(is_lab, EdgeKind.LAB, EdgeKind.COLLEAGUE),
        p_level[i],
        p_level[j],
        org,
        y0,
        y1,
    )
    assert colleague_cost(0) == 2.0  # the formula above is colleague_cost, vectorised


def canonical_edges(edges: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Undirected edges ``(lo, hi, cost, kind, level lo, level hi, context, y0, y1)``, lo < hi.

    Between two nodes only the cheapest edge of each kind is kept; among equally cheap ones the
    choice depends on the edges' own values (levels, years), never on the order they came in.
    """
    u, v, w, kind, lu, lv, ctx, y0, y1 = edges
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    swap = u > v
    lu, lv = np.where(swap, lv, lu), np.where(swap, lu, lv)
    order = np.lexsort((ctx, y1, y0, np.maximum(lu, lv), np.minimum(lu, lv), w, kind, hi, lo))
    lo, hi, w, kind, lu, lv = lo[order], hi[order], w[order], kind[order], lu[order], lv[order]
    ctx, y0, y1 = ctx[order], y0[order], y1[order]
    first = np.ones(len(lo), np.bool_)
    if len(lo):
        first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1]) | (kind[1:] != kind[:-1])
    first &= lo != hi
    return (
        lo[first].astype(np.int64),
        hi[first].astype(np.int64),
        w[first].astype(np.float32),
        kind[first].astype(np.uint8),
        lu[first].astype(np.uint8),
        lv[first].astype(np.uint8),
        ctx[first].astype(np.int32),
        y0[first].astype(np.int16),
        y1[first].astype(np.int16),
    )


def csr_arrays(n: int, canonical: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Canonical edges stored once per direction over ``n`` rows, each row sorted by column:
    ``(indptr, indices, weights, kinds, lvl_src, lvl_dst, context, y0, y1)``."""
    lo, hi, w, kind, lu, lv, ctx, y0, y1 = canonical
    rows = np.concatenate([lo, hi])
    cols = np.concatenate([hi, lo])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n)[:n], out=indptr[1:])

    def both(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        return np.concatenate([a, a if b is None else b])[order]

    return (
        indptr,
        cols[order].astype(np.int32),
        both(w).astype(np.float32),
        both(kind).astype(np.uint8),
        both(lu, lv).astype(np.uint8),
        both(lv, lu).astype(np.uint8),
        both(ctx).astype(np.int32),
        both(y0).astype(np.int16),
        both(y1).astype(np.int16),
    )


#: The per-edge arrays of a CSR, after ``indptr``.
EDGE_FIELDS = ("indices", "weights", "kinds", "lvl_src", "lvl_dst", "context", "y0", "y1")


@dataclass
class Overlay:
    """Edges that replace the snapshot's around some nodes: a second CSR over every node.

    ``dirty`` marks the nodes whose edges all come from here: a search skips every base edge
    with a dirty end and walks the node's overlay row as well. The overlay holds each edge with
    a dirty end, once per direction; new nodes (after the base's) are dirty.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    kinds: np.ndarray
    lvl_src: np.ndarray
    lvl_dst: np.ndarray
    context: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    dirty: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Overlay:
        return cls.from_edges(n, canonical_edges(_Edges().arrays()), np.zeros(n, np.uint8))

    @classmethod
    def from_edges(cls, n: int, canonical: tuple[np.ndarray, ...], dirty: np.ndarray) -> Overlay:
        indptr, indices, weights, kinds, lvl_src, lvl_dst, context, y0, y1 = csr_arrays(
            n, canonical
        )
        return cls(indptr, indices, weights, kinds, lvl_src, lvl_dst, context, y0, y1, dirty)


class _Workspace:
    """The arrays a search writes in, for graphs of up to ``n`` nodes and ``m`` stored edges.

    A graph with an overlay takes over its predecessor's workspace when it fits (same lock:
    searches on the old and the new graph then run one at a time, as on one graph).
    """

    def __init__(self, n: int, m: int) -> None:
        self.n, self.m = n, m
        self.lock = threading.Lock()
        self.dist = np.full((2, n), np.inf)
        self.pred = np.full((2, n), -1, np.int32)
        self.hops = np.zeros((2, n), np.int16)
        self.pos = np.full((2, n), -1, np.int32)
        self.hkey = np.empty((2, n))
        self.hnode = np.empty((2, n), np.int32)
        self.touched = np.empty((2, n), np.int32)
        self.ntouched = np.zeros(2, np.int64)
        self.blocked_node = np.zeros(n, np.uint8)
        self.blocked_edge = np.zeros(m, np.uint8)
        self.out = np.empty(n, np.int64)

    def fits(self, n: int, m: int) -> bool:
        return n <= self.n and m <= self.m

    def nbytes(self) -> int:
        return int(sum(a.nbytes for a in vars(self).values() if isinstance(a, np.ndarray)))


def _readonly(a: np.ndarray) -> np.ndarray:
    """A read-only plain ndarray view (a snapshot's memory map stays shared; the compiled
    searches see one array type whether the graph was built or loaded)."""
    view = np.asarray(a).view()
    view.flags.writeable = False
    return view


class Graph:
    """The index: CSR arrays, node flags and labels, and the workspaces of its searches.

    Searches share one set of workspaces, so they run one at a time (a lock guards them);
    each costs a few milliseconds. A graph may carry an :class:`Overlay` (the edges around
    nodes changed since the base arrays were built); without one it is the base alone.
    """

    positions: Positions | None = None

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray,
        kinds: np.ndarray,
        lvl_src: np.ndarray,
        lvl_dst: np.ndarray,
        context: np.ndarray,
        y0: np.ndarray,
        y1: np.ndarray,
        flags: np.ndarray,
        node_kind: np.ndarray,
        labels: Sequence[str],
        *,
        keys: Mapping[tuple[str, Any], int] | None = None,
        tie_kinds: Sequence[str] = (),
        overlay: Overlay | None = None,
        workspace: _Workspace | None = None,
    ) -> None:
        self.indptr, self.indices, self.weights = (_readonly(a) for a in (indptr, indices, weights))
        self.kinds, self.lvl_src, self.lvl_dst = (_readonly(a) for a in (kinds, lvl_src, lvl_dst))
        self.context, self.y0, self.y1 = (_readonly(a) for a in (context, y0, y1))
        self.flags, self.node_kind, self.labels = flags, node_kind, labels
        self.keys: Mapping[tuple[str, Any], int] = keys if keys is not None else {}
        self.tie_kinds = list(tie_kinds)
        n = len(flags)
        self.n = n
        self.n_base = len(indptr) - 1
        self.m_base = len(indices)
        self.overlay = overlay if overlay is not None else Overlay.empty(n)
        m = self.m_base + len(self.overlay.indices)
        if workspace is None or not workspace.fits(n, m):
            extra = 0 if overlay is None else 256 + n // 64
            workspace = _Workspace(n + extra, m + 8 * extra)
        self.workspace = workspace
        ws = workspace
        self._lock = ws.lock
        self._dist, self._pred, self._hops, self._pos = ws.dist, ws.pred, ws.hops, ws.pos
        self._hkey, self._hnode, self._touched, self._ntouched = (
            ws.hkey,
            ws.hnode,
            ws.touched,
            ws.ntouched,
        )
        self._blocked_node, self._blocked_edge, self._out = (
            ws.blocked_node,
            ws.blocked_edge,
            ws.out,
        )

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_edges(
        cls,
        flags: np.ndarray,
        node_kind: np.ndarray,
        labels: Sequence[str],
        edges: tuple[np.ndarray, ...],
        *,
        keys: Mapping[tuple[str, Any], int] | None = None,
        tie_kinds: Sequence[str] = (),
    ) -> Graph:
        """The CSR of undirected edges ``(u, v, cost, kind, level u, level v, context, y0, y1)``.

        Between two nodes, only the cheapest edge of each kind is kept.
        """
        indptr, indices, weights, kinds, lvl_src, lvl_dst, context, y0, y1 = csr_arrays(
            len(flags), canonical_edges(edges)
        )
        return cls(
            indptr,
            indices,
            weights,
            kinds,
            lvl_src,
            lvl_dst,
            context,
            y0,
            y1,
            flags,
            node_kind,
            labels,
            keys=keys,
            tie_kinds=tie_kinds,
        )

    def merged(self) -> tuple[np.ndarray, ...]:
        """The CSR of the graph as searched (base minus dirty edges, plus the overlay):
        ``(indptr, indices, weights, kinds, lvl_src, lvl_dst, context, y0, y1)``."""
        if not len(self.overlay.indices) and not self.overlay.dirty.any():
            indptr = np.zeros(self.n + 1, np.int64)
            indptr[: self.n_base + 1] = self.indptr
            indptr[self.n_base + 1 :] = self.indptr[-1]
            return (indptr, *(getattr(self, f) for f in EDGE_FIELDS))
        rows = np.repeat(np.arange(self.n_base), np.diff(self.indptr))
        dirty = self.overlay.dirty
        keep = (dirty[rows] == 0) & (dirty[self.indices] == 0)
        o_rows = np.repeat(np.arange(self.n), np.diff(self.overlay.indptr))
        all_rows = np.concatenate([rows[keep], o_rows])
        cols = {
            f: np.concatenate([getattr(self, f)[keep], getattr(self.overlay, f)])
            for f in EDGE_FIELDS
        }
        order = np.lexsort((cols["indices"], all_rows))
        indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(np.bincount(all_rows, minlength=self.n), out=indptr[1:])
        return (indptr, *(cols[f][order] for f in EDGE_FIELDS))

    def as_scipy(self) -> scipy.sparse.csr_matrix:
        """The cheapest edge between each pair, as a symmetric scipy CSR matrix of costs."""
        indptr, indices, weights = self.merged()[:3]
        m = scipy.sparse.csr_matrix(
            (weights.astype(np.float64), indices, indptr), shape=(self.n, self.n)
        )
        m.sum_duplicates()  # parallel edges: scipy adds them up, so take the minimum first
        return m

    def min_weight_csr(self) -> scipy.sparse.csr_matrix:
        """Like :meth:`as_scipy` but parallel edges merged by their minimum (the search's view)."""
        indptr, indices, weights = self.merged()[:3]
        rows = np.repeat(np.arange(self.n), np.diff(indptr))
        order = np.lexsort((weights, indices, rows))
        r, c, w = rows[order], indices[order], weights[order]
        first = np.ones(len(r), np.bool_)
        first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        return scipy.sparse.csr_matrix(
            (w[first].astype(np.float64), (r[first], c[first])), shape=(self.n, self.n)
        )

    @property
    def edge_count(self) -> int:
        """Undirected edges (each is stored once per direction)."""
        if not self.overlay.dirty.any():
            return len(self.indices) // 2
        return len(self.merged()[1]) // 2

    def nbytes(self) -> int:
        """Memory held by the arrays and the search workspaces."""
        arrays = [getattr(self, f) for f in ("indptr", *EDGE_FIELDS, "flags", "node_kind")]
        arrays += [getattr(self.overlay, f) for f in ("indptr", *EDGE_FIELDS, "dirty")]
        return int(sum(a.nbytes for a in arrays)) + self.workspace.nbytes()

    def node(self, space: str, key: Any) -> int | None:
        """The node of a key given to the builder: ``("person", pk)``, ``("place", pk)``…"""
        return self.keys.get((space, key))

    # -- edges -------------------------------------------------------------------------------

    def _entries(self, a: int, b: int) -> list[int]:
        """The ids of the stored edges from ``a`` to ``b`` (overlay ids after the base's)."""
        out: list[int] = []
        dirty = self.overlay.dirty
        if a < self.n_base and b < self.n_base and not (dirty[a] or dirty[b]):
            lo, hi = int(self.indptr[a]), int(self.indptr[a + 1])
            row = self.indices[lo:hi]
            out.extend(
                range(
                    lo + int(np.searchsorted(row, b, "left")),
                    lo + int(np.searchsorted(row, b, "right")),
                )
            )
        o = self.overlay
        lo, hi = int(o.indptr[a]), int(o.indptr[a + 1])
        if lo < hi:
            row = o.indices[lo:hi]
            first = lo + int(np.searchsorted(row, b, "left"))
            last = lo + int(np.searchsorted(row, b, "right"))
            out.extend(range(self.m_base + first, self.m_base + last))
        return out

    def _edge(self, e: int) -> tuple[int, float, int, int, int, int, int]:
        """``(kind, cost, level src, level dst, context, y0, y1)`` of a stored edge."""
        if e < self.m_base:
            src: Any = self
        else:
            src, e = self.overlay, e - self.m_base
        return (
            int(src.kinds[e]),
            float(src.weights[e]),
            int(src.lvl_src[e]),
            int(src.lvl_dst[e]),
            int(src.context[e]),
            int(src.y0[e]),
            int(src.y1[e]),
        )

    def _visible(self, a: int, b: int, e: int, viewer: int, max_level: int) -> bool:
        _k, _w, ls, ld, _c, _y0, _y1 = self._edge(e)
        return bool((a == viewer or ls <= max_level) and (b == viewer or ld <= max_level))

    def relations(
        self, a: int, b: int, *, viewer: int = -1, max_level: int = 2, kinds: int = ALL_KINDS
    ) -> tuple[Relation, ...]:
        """The edges between ``a`` and ``b`` that ``viewer`` may see, cheapest first."""
        found = []
        for e in self._entries(a, b):
            kind, w, ls, ld, ctx, y0, y1 = self._edge(e)
            if not (kinds >> kind) & 1:
                continue
            if (a == viewer or ls <= max_level) and (b == viewer or ld <= max_level):
                found.append(Relation(EdgeKind(kind), w, ctx, y0, y1))
        return tuple(sorted(found, key=lambda r: r.cost))

    def neighbours(self, node: int) -> np.ndarray:
        """The node's neighbours, sorted, once per stored edge (parallel edges repeat)."""
        o = self.overlay
        extra = o.indices[o.indptr[node] : o.indptr[node + 1]]
        if node >= self.n_base or o.dirty[node]:
            return extra
        base = self.indices[self.indptr[node] : self.indptr[node + 1]]
        if not len(extra) and not o.dirty.any():
            return base
        base = base[o.dirty[base] == 0]
        return np.sort(np.concatenate([base, extra]), kind="stable") if len(extra) else base

    def is_person(self, node: int) -> bool:
        return bool(self.flags[node] & K.PERSON)

    def _hops_of(self, nodes: Sequence[int], viewer: int, max_level: int) -> tuple[Hop, ...]:
        hops = []
        i = 0
        last = len(nodes) - 1
        while i < last:
            a, b = nodes[i], nodes[i + 1]
            if NodeKind(int(self.node_kind[b])) in HUB_KINDS and i + 2 <= last:
                c = nodes[i + 2]
                cost = sum(
                    min(r.cost for r in self.relations(x, y, viewer=viewer, max_level=max_level))
                    for x, y in ((a, b), (b, c))
                )
                kind = HUB_EDGE[NodeKind(int(self.node_kind[b]))]
                hops.append(Hop(a, c, b, (Relation(kind, cost, b),)))
                i += 2
                continue
            kinds = ORG_TARGET_KINDS if (i + 1 == last and not self.is_person(b)) else ALL_KINDS
            rel = self.relations(a, b, viewer=viewer, max_level=max_level, kinds=kinds)
            hops.append(Hop(a, b, -1, rel))
            i += 1
        return tuple(hops)

    def _path(self, nodes: Sequence[int], viewer: int, max_level: int) -> Path:
        hops = self._hops_of(nodes, viewer, max_level)
        return Path(tuple(int(x) for x in nodes), sum(h.cost for h in hops), hops)

    # -- searches ----------------------------------------------------------------------------

    def _search(
        self,
        source: int,
        target: int,
        viewer: int,
        max_level: int,
        max_hops: int,
        target_kinds: int,
        allow_hidden: bool,
        bound: float = np.inf,
    ) -> list[int] | None:
        o = self.overlay
        _cost, a, b = K.bidirectional(
            self.indptr,
            self.indices,
            self.weights,
            self.kinds,
            self.lvl_src,
            self.lvl_dst,
            o.indptr,
            o.indices,
            o.weights,
            o.kinds,
            o.lvl_src,
            o.lvl_dst,
            o.dirty,
            self.flags,
            source,
            target,
            viewer,
            max_level,
            max_hops,
            target_kinds,
            allow_hidden,
            self._blocked_node,
            self._blocked_edge,
            bound,
            self._dist,
            self._pred,
            self._hops,
            self._pos,
            self._hkey,
            self._hnode,
            self._touched,
            self._ntouched,
        )
        if a < 0:
            return None
        n = K.unwind(self._pred, a, b, self._out)
        return [int(x) for x in self._out[:n]]

    def _pair(self, a: int, b: int) -> list[int]:
        return [*self._entries(a, b), *self._entries(b, a)]

    def paths(
        self,
        source: int,
        target: int,
        *,
        k: int = 3,
        max_hops: int = MAX_HOPS,
        viewer: int | None = None,
        max_level: int = 2,
        allow_hidden: bool = False,
    ) -> list[Path]:
        """The ``k`` cheapest paths from ``source`` to ``target``, distinct in their people.

        ``target`` is a person or a place; for a place, the last hop is someone who works or
        worked there (never the source itself). ``viewer`` (default: the source) and
        ``max_level`` decide which edges may be seen; ``allow_hidden`` lets people out of the
        directory be the last person before a place (staff only).

        Notes
        -----
        Yen's algorithm (1971) over the compiled bidirectional Dijkstra, at the level of
        people: deviations start at the source or at a person, and a deviation must reach a
        different next person (not the same person through another cohort), so the ``k``
        paths offer ``k`` different introductions. Each search costs O((m + n) log n) on the
        part of the graph it explores; a query runs about ``2 × hops × k`` of them.

        Examples
        --------
        >>> b = GraphBuilder()
        >>> a, x, y, t = (b.person(i, name) for i, name in enumerate("AXYT"))
        >>> b.tie(a, x, 1.0); b.tie(x, t, 1.0); b.tie(a, y, 0.5); b.tie(y, t, 0.5)
        >>> g = b.build()
        >>> [(g.labels[p.nodes[1]], p.cost) for p in g.paths(a, t)]
        [('X', 2.0), ('Y', 4.0)]
        """
        if source == target or not (0 <= source < self.n and 0 <= target < self.n):
            return []
        viewer = source if viewer is None else viewer
        place = not self.is_person(target)
        target_kinds = ORG_TARGET_KINDS if place else ALL_KINDS
        args = (viewer, max_level, target_kinds, allow_hidden)
        with self._lock:
            base = self._pair(source, target) if place else []
            self._blocked_edge[base] = 1
            try:
                return self._yen(source, target, k, max_hops, *args)
            finally:
                self._blocked_edge[base] = 0

    def _yen(
        self,
        source: int,
        target: int,
        k: int,
        max_hops: int,
        viewer: int,
        max_level: int,
        target_kinds: int,
        allow_hidden: bool,
    ) -> list[Path]:
        first = self._search(
            source, target, viewer, max_level, max_hops, target_kinds, allow_hidden
        )
        if first is None:
            return []
        accepted = [self._path(first, viewer, max_level)]
        seen = {accepted[0].nodes}
        # Candidates by signature (their people): one per signature, the cheapest.
        candidates: dict[tuple[int, ...], tuple[float, tuple[int, ...]]] = {}
        done = {self._signature(accepted[0].nodes)}
        while len(accepted) < k:
            last = accepted[-1].nodes
            prefix = [0.0]
            for a, b in itertools.pairwise(last):
                prefix.append(prefix[-1] + self._edge_cost(a, b, viewer, max_level))
            hops_before = list(itertools.accumulate(int(self.is_person(x)) for x in last))
            # Deviations near the target first: they are cheap to search, and the candidates
            # they give bound the dearer searches from nearer the source.
            for i in range(len(last) - 2, -1, -1):
                spur = last[i]
                if i > 0 and (not self.is_person(spur) or self.flags[spur] & K.NO_INTERMEDIARY):
                    continue
                root_hops = hops_before[i] - int(self.is_person(last[0]))
                if root_hops > max_hops:
                    continue
                needed = k - len(accepted)
                bound = np.inf
                if len(candidates) >= needed:
                    bound = sorted(c for c, _n in candidates.values())[needed - 1] - prefix[i]
                    if bound <= 0:
                        continue
                root = last[: i + 1]
                blocked_edges: list[int] = []
                for q in accepted:
                    if q.nodes[: i + 1] != root:
                        continue
                    j = i + 1
                    while j < len(q.nodes) - 1 and not self.is_person(q.nodes[j]):
                        j += 1
                    nxt = q.nodes[j]
                    blocked_edges += self._pair(spur, nxt)
                    for h in self.neighbours(spur):
                        if NodeKind(int(self.node_kind[h])) in HUB_KINDS:
                            blocked_edges += self._pair(int(h), nxt)
                blocked_nodes = list(root[:-1])
                self._blocked_node[blocked_nodes] = 1
                self._blocked_edge[blocked_edges] = 1
                try:
                    spur_path = self._search(
                        spur,
                        target,
                        viewer,
                        max_level,
                        max_hops - root_hops,
                        target_kinds,
                        allow_hidden,
                        bound + 1e-9,
                    )
                finally:
                    self._blocked_node[blocked_nodes] = 0
                    self._blocked_edge[blocked_edges] = 0
                if spur_path is None:
                    continue
                nodes = tuple(root[:-1]) + tuple(spur_path)
                if nodes in seen:
                    continue
                seen.add(nodes)
                signature = self._signature(nodes)
                if signature in done:
                    continue
                cost = self._path(nodes, viewer, max_level).cost
                if signature not in candidates or cost < candidates[signature][0]:
                    candidates[signature] = (cost, nodes)
            if not candidates:
                break
            signature = min(candidates, key=lambda s: (candidates[s][0], candidates[s][1]))
            _cost, nodes = candidates.pop(signature)
            done.add(signature)
            accepted.append(self._path(nodes, viewer, max_level))
        return accepted

    def _edge_cost(self, a: int, b: int, viewer: int, max_level: int) -> float:
        return min(
            (
                self._edge(e)[1]
                for e in self._entries(a, b)
                if self._visible(a, b, e, viewer, max_level)
            ),
            default=np.inf,
        )

    def _signature(self, nodes: Sequence[int]) -> tuple[int, ...]:
        return (*tuple(x for x in nodes if self.is_person(x)), nodes[-1])

    def reach(
        self,
        source: int,
        targets: Iterable[int],
        *,
        max_hops: int = MAX_HOPS,
        viewer: int | None = None,
        max_level: int = 2,
    ) -> dict[int, Path]:
        """The cheapest path from ``source`` to each of ``targets`` (people) that has one.

        One compiled Dijkstra that stops once every target is settled.

        >>> b = GraphBuilder()
        >>> a, x, t = b.person(1, "A"), b.person(2, "X"), b.person(3, "T")
        >>> b.tie(a, x, 1.0); b.tie(x, t, 1.0)
        >>> g = b.build()
        >>> {g.labels[t]: g.labels[p.nodes[1]] for t, p in g.reach(a, [x, t]).items()}
        {'X': 'X', 'T': 'X'}
        """
        wanted_list = sorted({int(t) for t in targets if int(t) != source})
        if not wanted_list:
            return {}
        viewer = source if viewer is None else viewer
        wanted = np.zeros(self.n, np.uint8)
        wanted[wanted_list] = 1
        out: dict[int, Path] = {}
        with self._lock:
            o = self.overlay
            K.single_source(
                self.indptr,
                self.indices,
                self.weights,
                self.lvl_src,
                self.lvl_dst,
                o.indptr,
                o.indices,
                o.weights,
                o.lvl_src,
                o.lvl_dst,
                o.dirty,
                self.flags,
                source,
                viewer,
                max_level,
                max_hops,
                wanted,
                len(wanted_list),
                self._dist,
                self._pred,
                self._hops,
                self._pos,
                self._hkey,
                self._hnode,
                self._touched,
                self._ntouched,
            )
            for t in wanted_list:
                if self._dist[0, t] == np.inf:
                    continue
                nodes = [t]
                while self._pred[0, nodes[-1]] != -1:
                    nodes.append(int(self._pred[0, nodes[-1]]))
                out[t] = self._path(nodes[::-1], viewer, max_level)
        return out

    def ego(
        self,
        center: int,
        *,
        depth: int = 2,
        kinds: int = ALL_KINDS,
        viewer: int | None = None,
        max_level: int = 2,
        allow_hidden: bool = False,
        hub_members: int = 8,
        per_person: int = 6,
        limit: int = 160,
    ) -> EgoMap:
        """The neighbourhood of ``center`` to draw: 1 or 2 hops, edges of ``kinds`` only.

        Ring 1 holds the people linked directly, the hubs and the places; a hub shows at most
        ``hub_members`` of its members (those already on the map first), never all of them.
        Ring 2 holds, for each person of ring 1 who may be an intermediary, their
        ``per_person`` strongest direct relations.

        >>> b = GraphBuilder()
        >>> a, x, t = b.person(1, "A"), b.person(2, "X"), b.person(3, "T")
        >>> b.tie(a, x, 1.0); b.tie(x, t, 1.0)
        >>> m = b.build().ego(a)
        >>> sorted(m.ring.values())
        [0, 1, 2]
        """
        viewer = center if viewer is None else viewer
        ego = EgoMap(center, {center: 0})

        def shown(node: int) -> bool:
            return allow_hidden or not self.flags[node] & K.HIDDEN

        def add(a: int, b: int, ring: int, relations: tuple[Relation, ...], via: int = -1) -> None:
            if b not in ego.ring:
                if len(ego.ring) >= limit:
                    return
                ego.ring[b] = ring
                ego.parent[b] = a
            ego.hops.append(Hop(a, b, via, relations))

        hubs = []
        for nb in dict.fromkeys(int(x) for x in self.neighbours(center)):
            rel = self.relations(center, nb, viewer=viewer, max_level=max_level, kinds=kinds)
            if not rel or not shown(nb):
                continue
            node_kind = NodeKind(int(self.node_kind[nb]))
            if node_kind in HUB_KINDS:
                hubs.append(nb)
            add(center, nb, 1, rel)
        if depth >= 2:
            ring1 = [p for p, r in ego.ring.items() if r == 1 and self.is_person(p)]
            for hub in hubs:
                members = [int(m) for m in self.neighbours(hub) if m != center and shown(int(m))]
                members.sort(key=lambda m: (m not in ego.ring, m))
                for m in members[:hub_members]:
                    add(hub, m, 2, self.relations(hub, m, viewer=viewer, max_level=max_level))
            for p in ring1:
                if self.flags[p] & K.NO_INTERMEDIARY:
                    continue
                options = []
                for q in dict.fromkeys(int(x) for x in self.neighbours(p)):
                    if q == center or not self.is_person(q) or not shown(q):
                        continue
                    rel = self.relations(p, q, viewer=viewer, max_level=max_level, kinds=kinds)
                    if rel and rel[0].kind in PERSON_EDGES:
                        options.append((rel[0].cost, q, rel))
                options.sort()
                for _c, q, rel in options[:per_person]:
                    if q in ego.ring and ego.ring[q] == 1:
                        ego.hops.append(Hop(p, q, -1, rel))
                    else:
                        add(p, q, 2, rel)
        return ego

    # -- words -------------------------------------------------------------------------------

    def describe(self, hop: Hop, reasons: dict[str, str] = REASONS_FR) -> str:
        """The hop's reasons in words, the strongest first: "même labo, CMA 2014–2017"."""
        return " · ".join(self.reason(hop, r, reasons) for r in hop.relations)

    def reason(self, hop: Hop, rel: Relation, reasons: dict[str, str] = REASONS_FR) -> str:
        years = years_text(rel.y0, rel.y1, reasons)
        kind = rel.kind
        if kind == EdgeKind.TIE:
            name = self.tie_kinds[rel.context] if 0 <= rel.context < len(self.tie_kinds) else ""
            return reasons.get(f"tie:{name}", reasons["tie"])
        if kind == EdgeKind.ADVISOR:
            return reasons["advisor"] if rel.context == hop.source else reasons["advisee"]
        if kind in (EdgeKind.LAB, EdgeKind.COLLEAGUE):
            key = "lab" if kind == EdgeKind.LAB else "colleague"
            return reasons[key].format(place=self.labels[rel.context], years=years).strip()
        if kind in (EdgeKind.COHORT, EdgeKind.GROUP, EdgeKind.PROJECT):
            key = {EdgeKind.COHORT: "cohort", EdgeKind.GROUP: "group"}.get(kind, "project")
            hub = (
                hop.via
                if hop.via >= 0
                else (hop.target if not self.is_person(hop.target) else hop.source)
            )
            return reasons[key].format(place=self.labels[hub])
        place = hop.target if not self.is_person(hop.target) else hop.source
        if kind == EdgeKind.WORKS_AT:
            key = "works_at" if rel.y1 == 0 else "worked_at"
            return reasons[key].format(place=self.labels[place], years=years).strip()
        return reasons["funded"].format(place=self.labels[place])


_warm = False


def warm_up() -> None:
    """Compile (or load from numba's cache) every search, on a graph of three people.

    Called when an index is built, so that no query pays for compilation.
    """
    global _warm
    if _warm:
        return
    b = GraphBuilder()
    a, x, t = b.person(1, "A"), b.person(2, "X"), b.person(3, "T")
    org = b.place(4, "O")
    b.tie(a, x, 1.0)
    b.position(x, org, date(2020, 1, 1), None)
    b.position(t, org, date(2021, 1, 1), None)
    g = b.build()
    g.paths(a, t, k=2)
    g.paths(a, org)
    g.reach(a, [t])
    _warm = True
