"""Changes on top of a snapshot graph: altered and new nodes, and the edges around them.

A snapshot (:class:`~filon.core.graph.index.Graph` built once, often memory-mapped and shared
by every server process) stays as it is; :class:`OverlayBuilder` collects what changed since:

- nodes added after the snapshot's (new people, organisations, cohorts, groups), and new
  labels, flags or kinds of existing ones;
- the *dirty* nodes, whose edges are all recomputed by the caller from the source data; the
  overlay holds every edge with a dirty end, and the searches skip the snapshot's edges that
  have one (:class:`~filon.core.graph.index.Overlay`);
- the positions at each place the caller read again: the dated edges of a place (works at,
  colleagues, lab mates) depend only on the positions there, so comparing the edges of the old
  and the new positions tells which people's edges changed, however far the change reaches
  (a newcomer can take the place of someone's fourth colleague, or raise the headcount that
  prices every colleague edge there).

:meth:`OverlayBuilder.build` gives a new :class:`Graph` sharing the snapshot's arrays. The
invariant: after the caller recomputed every dirty node's edges, the graph searches exactly the
edges a full build of the same data would hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from filon.core.graph import kernels as K
from filon.core.graph.index import (
    COLLEAGUE_CAP,
    Graph,
    Overlay,
    _Edges,
    add_position_edges,
    canonical_edges,
)
from filon.core.graph.model import EdgeKind, NodeKind

#: One place's positions: person, place, start, end (day numbers), lab, level.
PositionColumns = tuple[np.ndarray, ...]
_POSITION_TYPES = (np.int64, np.int64, np.int64, np.int64, np.bool_, np.uint8)


def position_columns(rows: Sequence[tuple[int, int, int, int, bool, int]]) -> PositionColumns:
    """Rows ``(person, place, start, end, lab, level)`` as six arrays."""
    if not rows:
        return tuple(np.empty(0, t) for t in _POSITION_TYPES)  # type: ignore[return-value]
    return tuple(  # type: ignore[return-value]
        np.asarray(c, t) for c, t in zip(zip(*rows, strict=True), _POSITION_TYPES, strict=True)
    )


def person_flags(*, no_intermediary: bool = False, hidden: bool = False) -> int:
    """The flags of a person node (see :mod:`filon.core.graph.kernels`)."""
    flags = int(K.TRANSIT | K.PERSON)
    if no_intermediary or hidden:
        flags |= int(K.NO_INTERMEDIARY)
    if hidden:
        flags |= int(K.HIDDEN)
    return flags


class _Labels(Sequence[str]):
    """The snapshot's labels, with some replaced and new ones after them."""

    def __init__(self, base: Sequence[str], changed: dict[int, str], added: list[str]) -> None:
        self.base, self.changed, self.added = base, changed, added

    def __len__(self) -> int:
        return len(self.base) + len(self.added)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if i in self.changed:
            return self.changed[i]
        if i < len(self.base):
            return self.base[i]
        return self.added[i - len(self.base)]


class _Keys(Mapping[tuple[str, Any], int]):
    """The snapshot's key → node map, with keys added and removed (None: removed)."""

    def __init__(self, base: Mapping[tuple[str, Any], int], changed: dict[Any, int | None]):
        self.base, self.changed = base, changed

    def __getitem__(self, key: tuple[str, Any]) -> int:
        if key in self.changed:
            found = self.changed[key]
            if found is None:
                raise KeyError(key)
            return found
        return self.base[key]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for key in self.base:
            if key not in self.changed:
                yield key
        for key, node in self.changed.items():
            if node is not None:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class OverlayBuilder:
    """What changed since a snapshot graph; :meth:`build` makes the graph to search.

    The caller reports node changes (:meth:`add_node`, :meth:`update_node`, :meth:`remove_key`)
    and, for a set of nodes it recomputed from the source data, all their edges
    (:meth:`replace`). Everything is copied when built: graphs already handed out never change.
    """

    def __init__(self, base: Graph, refs: Sequence[tuple[str, Any]] = ()) -> None:
        self.base = base
        self.base_refs = refs
        self.new_refs: list[tuple[str, Any]] = []
        self._flags: dict[int, int] = {}
        self._kinds: dict[int, int] = {}
        self._labels: dict[int, str] = {}
        self._new_flags: list[int] = []
        self._new_kinds: list[int] = []
        self._new_labels: list[str] = []
        self._keys: dict[Any, int | None] = {}
        self.tie_kinds = list(base.tie_kinds)
        self.dirty: set[int] = set()
        self.edges = canonical_edges(_Edges().arrays())
        self._positions: dict[int, PositionColumns] = {}
        self.graph = base

    # -- nodes -------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return self.base.n + len(self._new_flags)

    def node(self, space: str, key: Any) -> int | None:
        if (space, key) in self._keys:
            return self._keys[(space, key)]
        return self.base.keys.get((space, key))

    def ref(self, node: int) -> tuple[str, Any]:
        if node < len(self.base_refs):
            return self.base_refs[node]
        return self.new_refs[node - self.base.n]

    def kind(self, node: int) -> int:
        if node in self._kinds:
            return self._kinds[node]
        if node < self.base.n:
            return int(self.base.node_kind[node])
        return self._new_kinds[node - self.base.n]

    def add_node(self, space: str, key: Any, label: str, kind: NodeKind, flags: int) -> int:
        """A node the snapshot lacks; it is dirty (all its edges come from the overlay)."""
        node = self.n
        self._new_flags.append(int(flags))
        self._new_kinds.append(int(kind))
        self._new_labels.append(label)
        self._keys[(space, key)] = node
        self.new_refs.append((space, key))
        self.dirty.add(node)
        return node

    def update_node(
        self,
        node: int,
        *,
        label: str | None = None,
        flags: int | None = None,
        kind: NodeKind | None = None,
    ) -> None:
        if node >= self.base.n:
            i = node - self.base.n
            if label is not None:
                self._new_labels[i] = label
            if flags is not None:
                self._new_flags[i] = int(flags)
            if kind is not None:
                self._new_kinds[i] = int(kind)
            return
        if label is not None:
            self._labels[node] = label
        if flags is not None:
            self._flags[node] = int(flags)
        if kind is not None:
            self._kinds[node] = int(kind)

    def remove_key(self, space: str, key: Any) -> None:
        """The row behind a node is gone: the node stays (with no edge) but is no longer found."""
        self._keys[(space, key)] = None

    def tie_kind(self, name: str) -> int:
        if name not in self.tie_kinds:
            self.tie_kinds.append(name)
        return self.tie_kinds.index(name)

    # -- positions ---------------------------------------------------------------------------

    def positions_at(self, place: int) -> PositionColumns:
        """The positions the graph holds at a place."""
        if place in self._positions:
            return self._positions[place]
        table = self.base.positions
        if table is None:
            return position_columns([])
        return table.at(place)  # type: ignore[return-value]

    def set_positions(self, place: int, columns: PositionColumns) -> None:
        self._positions[place] = columns

    def position_edges(
        self, columns: PositionColumns, *, cap: int = COLLEAGUE_CAP
    ) -> tuple[np.ndarray, ...]:
        """The edges (works at, colleagues, lab mates) of the positions at one place."""
        edges = _Edges()
        if len(columns[0]):
            person, place, start, end, lab, level = columns
            add_position_edges(
                edges,
                np.zeros(self.n, np.uint8),
                person=person,
                place=place,
                start=start,
                end=end,
                lab=lab,
                level=level,
                cap=cap,
            )
        return edges.arrays()

    def people_affected(self, place: int, columns: PositionColumns) -> set[int]:
        """The people whose edges differ between the positions held at ``place`` and these."""
        old = self.positions_at(place)
        if _same(old, columns):
            return set()
        before = set(zip(*(a.tolist() for a in self.position_edges(old)), strict=True))
        after = set(zip(*(a.tolist() for a in self.position_edges(columns)), strict=True))
        changed: set[int] = set()
        for edge in before ^ after:
            changed.add(int(edge[0]))
            if edge[3] != EdgeKind.WORKS_AT:
                changed.add(int(edge[1]))
        return changed

    # -- edges -------------------------------------------------------------------------------

    def neighbours(self, node: int) -> np.ndarray:
        """The node's neighbours in the graph built last (none for a node added since)."""
        if node >= self.graph.n:
            return np.empty(0, np.int32)
        return self.graph.neighbours(node)

    def replace(self, recomputed: Iterable[int], edges: tuple[np.ndarray, ...]) -> None:
        """``recomputed`` become dirty, and ``edges`` (every edge with an end among them, from
        the source data; others are ignored) replace the overlay's edges around them."""
        nodes = np.fromiter(sorted(set(recomputed)), np.int64)
        if not len(nodes):
            return
        self.dirty.update(int(x) for x in nodes)
        lo, hi = self.edges[0], self.edges[1]
        keep = ~(np.isin(lo, nodes) | np.isin(hi, nodes))
        new = canonical_edges(edges)
        mine = np.isin(new[0], nodes) | np.isin(new[1], nodes)
        self.edges = tuple(
            np.concatenate([old[keep], fresh[mine]])
            for old, fresh in zip(self.edges, new, strict=True)
        )

    # -- the graph ---------------------------------------------------------------------------

    def build(self) -> Graph:
        """The graph to search: the snapshot's arrays, this overlay, copies of the node tables."""
        base = self.base
        n = self.n
        flags = np.concatenate([base.flags, np.asarray(self._new_flags, np.uint8)])
        kinds = np.concatenate([base.node_kind, np.asarray(self._new_kinds, np.uint8)])
        for node, value in self._flags.items():
            flags[node] = value
        for node, value in self._kinds.items():
            kinds[node] = value
        dirty = np.zeros(n, np.uint8)
        if self.dirty:
            dirty[np.fromiter(self.dirty, np.int64)] = 1
        overlay = Overlay.from_edges(n, self.edges, dirty)
        graph = Graph(
            base.indptr,
            base.indices,
            base.weights,
            base.kinds,
            base.lvl_src,
            base.lvl_dst,
            base.context,
            base.y0,
            base.y1,
            flags,
            kinds,
            _Labels(base.labels, dict(self._labels), list(self._new_labels)),
            keys=_Keys(base.keys, dict(self._keys)),
            tie_kinds=list(self.tie_kinds),
            overlay=overlay,
            workspace=self.graph.workspace,
        )
        graph.positions = base.positions
        self.graph = graph
        return graph


def _same(a: PositionColumns, b: PositionColumns) -> bool:
    if len(a[0]) != len(b[0]):
        return False
    key_a = sorted(zip(*(c.tolist() for c in a), strict=True))
    key_b = sorted(zip(*(c.tolist() for c in b), strict=True))
    return key_a == key_b
