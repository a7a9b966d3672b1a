"""The network graph: one index of people, organisations, labs, cohorts, groups, projects and
funders, with introduction paths that give the reason for every hop.

- :mod:`filon.core.graph.model`: the kinds of node and edge, and the tie-strength rules;
- :mod:`filon.core.graph.index`: :class:`GraphBuilder` and :class:`Graph` (CSR arrays);
- :mod:`filon.core.graph.kernels`: the compiled searches (numba);
- :mod:`filon.core.graph.overlay`: the changes since a snapshot, as an overlay of edges;
- :mod:`filon.core.graph.snapshot`: a graph written to disk once, memory-mapped by every process;
- :mod:`filon.core.graph.synthetic`: graphs of any size with the demo network's shape.
"""

from filon.core.graph.index import (
    MAX_HOPS,
    EgoMap,
    Graph,
    GraphBuilder,
    Hop,
    Path,
    Relation,
    warm_up,
)
from filon.core.graph.model import EdgeKind, NodeKind, strength_of

__all__ = [
    "MAX_HOPS",
    "EdgeKind",
    "EgoMap",
    "Graph",
    "GraphBuilder",
    "Hop",
    "NodeKind",
    "Path",
    "Relation",
    "strength_of",
    "warm_up",
]
