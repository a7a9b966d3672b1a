"""`filon bench paths`: the graph index against networkx, at 30,000 and 1,000,000 people.

- 30,000 people: the demo network itself (:func:`filon.core.demo.generator.generate_network`,
  records only, no database), turned into a graph as the web adapter does
  (:func:`filon.core.graph.synthetic.graph_from_network`). With ``--rebuild`` the same network
  is also written to a throw-away SQLite database; ``rebuild_s`` is the time of a compaction
  (the shared snapshot written from the database, :func:`filon.network.index.compact`) and
  ``overlay_apply_ms`` the time one query takes to apply one person's edit from the change log.
- 1,000,000 people: the same shape drawn directly with numpy
  (:func:`filon.core.graph.synthetic.synthetic_graph`).

Each size reports the build time (the compiled code is loaded or compiled beforehand, and that
warm-up is reported apart), the memory of the arrays and the process's peak, and the median and
p95 latency of the top-3 introduction paths from a random member to a random member, and to a
random organisation. networkx's ``shortest_simple_paths`` (first 3) runs on the same weighted
graph, under the same rules (people who may not be intermediaries and places that only end a
path are left out, the target organisation is added with its "works there" edges), on the first
few of the same queries only: at a million people one networkx query takes many seconds.
"""

from __future__ import annotations

import itertools
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from filon.cli.base import err

TARGETS = {
    "30000": {"median_ms": 10, "speedup": 20},
    "1000000": {"median_ms": 100, "p95_ms": 300, "speedup": 20},
}


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rebuild_from_database(net: Any) -> dict[str, Any]:
    """Write the network into a throw-away SQLite database, time a compaction (the snapshot
    built from the database) and the time a process takes to apply one person's edit."""
    folder = Path(tempfile.mkdtemp(prefix="filon-bench-paths-"))
    try:
        (folder / "static").mkdir()
        os.environ["FILON_DATA_DIR"] = str(folder)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'filon.sqlite3'}"
        from filon.cli.base import django_setup, migrate_db

        django_setup()
        migrate_db()
        from filon.demo.load import load_network
        from filon.network.index import GraphLoader, compact

        started = time.perf_counter()
        load_network(net)
        loaded = time.perf_counter() - started
        root = folder / "index"
        times = [compact(root)["seconds"] for _ in range(3)]
        return {
            "load_s": round(loaded, 1),
            "rebuild_s": round(statistics.median(times), 2),
            **_overlay_apply(GraphLoader(root)),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _overlay_apply(loader: Any, edits: int = 30) -> dict[str, Any]:
    """Median and p95 time of one query that applies one person's edit from the change log
    (a position's end date changed: their colleague edges are recomputed)."""
    from datetime import date

    from filon.directory.models import Position

    loader.index()
    rng = np.random.default_rng(1)
    ids = list(Position.objects.filter(start__isnull=False).values_list("pk", flat=True))
    times = []
    for pk in rng.choice(ids, min(edits, len(ids)), replace=False):
        position = Position.objects.get(pk=int(pk))
        assert position.start is not None
        position.end = date(position.start.year + 1, 12, 31)
        position.save()
        started = time.perf_counter()
        index = loader.index()
        times.append(time.perf_counter() - started)
    ms = _ms(times)
    return {
        "overlay_apply_ms": ms["median_ms"],
        "overlay_apply_p95_ms": ms["p95_ms"],
        "overlay_nodes_after": index.overlay_nodes,
        "snapshots_built_by_the_reader": loader.builds,
    }


def _queries(graph: Any, n: int, seed: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    from filon.core.graph import NodeKind
    from filon.core.graph import kernels as K

    rng = np.random.default_rng(seed)
    people = np.flatnonzero(
        (graph.node_kind == NodeKind.PERSON) & ((graph.flags & K.NO_INTERMEDIARY) == 0)
    )
    orgs = np.flatnonzero(graph.node_kind == NodeKind.ORGANISATION)
    orgs = orgs[np.diff(graph.indptr)[orgs] > 0]
    to_person = [(int(a), int(b)) for a, b in rng.choice(people, (n, 2)) if a != b]
    to_org = [
        (int(a), int(b)) for a, b in zip(rng.choice(people, n), rng.choice(orgs, n), strict=True)
    ]
    return to_person, to_org


def _networkx_graph(graph: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """The same weighted graph for networkx, under the same rules (see the module's notes)."""
    import networkx as nx

    from filon.core.graph import kernels as K

    keep = ((graph.flags & K.TRANSIT) != 0) & ((graph.flags & K.NO_INTERMEDIARY) == 0)
    matrix = graph.min_weight_csr()
    kept = np.flatnonzero(keep)
    sub = matrix[kept][:, kept]
    new_id = np.full(graph.n, -1, np.int64)
    new_id[kept] = np.arange(len(kept))
    return nx.from_scipy_sparse_array(sub), kept, new_id


def _networkx_paths(nxg: Any, new_id: np.ndarray, graph: Any, source: int, target: int) -> int:
    import networkx as nx

    from filon.core.graph import EdgeKind

    added = None
    if new_id[target] < 0:  # an organisation: add it with its "works there" edges
        added = len(new_id) + 1
        for e in range(graph.indptr[target], graph.indptr[target + 1]):
            v = int(graph.indices[e])
            if graph.kinds[e] == EdgeKind.WORKS_AT and new_id[v] >= 0 and v != source:
                nxg.add_edge(int(new_id[v]), added, weight=float(graph.weights[e]))
        t = added
    else:
        t = int(new_id[target])
    try:
        found = list(
            itertools.islice(
                nx.shortest_simple_paths(nxg, int(new_id[source]), t, weight="weight"), 3
            )
        )
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        found = []
    finally:
        if added is not None and nxg.has_node(added):
            nxg.remove_node(added)
    return len(found)


def bench_size(
    people: int, *, queries: int, nx_queries: int, seed: int, rebuild: bool
) -> dict[str, Any]:
    from filon.core.graph import warm_up
    from filon.core.graph.synthetic import graph_from_network, synthetic_graph

    started = time.perf_counter()
    warm_up()
    warm = time.perf_counter() - started
    out: dict[str, Any] = {"people": people, "warm_up_s": round(warm, 2)}
    if people <= 100_000:
        from filon.core.demo.generator import generate_network

        err.print(f"[{people}] réseau de démonstration (générateur, sans base)…")
        started = time.perf_counter()
        net = generate_network(people, seed=seed)
        out["generate_s"] = round(time.perf_counter() - started, 1)
        out["source"] = "demo generator (filon.core.demo), graph_from_network"
        started = time.perf_counter()
        graph = graph_from_network(net)
        out["build_s"] = round(time.perf_counter() - started, 2)
        if rebuild:
            err.print(f"[{people}] écriture en base et reconstruction de l'index…")
            out["database"] = _rebuild_from_database(net)
        del net
    else:
        err.print(f"[{people}] graphe synthétique (numpy)…")
        out["source"] = "synthetic_graph (numpy, same shape)"
        started = time.perf_counter()
        graph = synthetic_graph(people, seed=seed)
        out["build_s"] = round(time.perf_counter() - started, 2)
    out.update(
        {
            "nodes": graph.n,
            "edges": graph.edge_count,
            "edges_per_person": round(graph.edge_count / people, 2),
            "graph_mb": round(graph.nbytes() / 2**20, 1),
            "peak_rss_mb": _peak_rss_mb(),
        }
    )
    to_person, to_org = _queries(graph, queries, seed)
    results: dict[str, Any] = {}
    ours: dict[str, list[float]] = {}
    for name, pairs in (("to_person", to_person), ("to_org", to_org)):
        err.print(f"[{people}] {len(pairs)} requêtes top-3 ({name})…")
        times, found = [], 0
        for a, b in pairs:
            t0 = time.perf_counter()
            paths = graph.paths(a, b, k=3)
            times.append(time.perf_counter() - t0)
            found += bool(paths)
        ours[name] = times
        results[name] = {"queries": len(pairs), "found": found, **_ms(times)}
    out["filon"] = results
    if nx_queries:
        err.print(f"[{people}] graphe networkx (même graphe pondéré)…")
        started = time.perf_counter()
        nxg, _kept, new_id = _networkx_graph(graph)
        out["networkx_build_s"] = round(time.perf_counter() - started, 1)
        out["peak_rss_mb_with_networkx"] = _peak_rss_mb()
        baseline: dict[str, Any] = {}
        for name, pairs in (("to_person", to_person), ("to_org", to_org)):
            subset = pairs[:nx_queries]
            err.print(f"[{people}] networkx : {len(subset)} requêtes ({name})…")
            times = []
            for a, b in subset:
                t0 = time.perf_counter()
                _networkx_paths(nxg, new_id, graph, a, b)
                times.append(time.perf_counter() - t0)
            same = ours[name][: len(subset)]
            baseline[name] = {
                "queries": len(subset),
                **_ms(times),
                "filon_median_ms_same_queries": round(statistics.median(same) * 1000, 2),
                "speedup": round(statistics.median(times) / statistics.median(same), 1),
            }
        out["networkx"] = baseline
        out["networkx_speedup"] = min(v["speedup"] for v in baseline.values())
        del nxg
    return out


def run(
    sizes: list[int],
    *,
    queries: int,
    nx_queries: int,
    nx_queries_large: int,
    seed: int,
    rebuild: bool,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "targets": TARGETS,
        "notes": (
            "Latencies are top-3 introduction paths (Graph.paths, k=3, at most 4 hops between "
            "people), compiled code warmed up first. networkx runs shortest_simple_paths (first "
            "3) on the same weighted graph, on the first queries only (networkx_queries): at "
            "1,000,000 people each networkx query takes seconds."
        ),
    }
    for people in sizes:
        nx_n = nx_queries if people <= 100_000 else nx_queries_large
        report[str(people)] = bench_size(
            people, queries=queries, nx_queries=nx_n, seed=seed, rebuild=rebuild
        )
        report[str(people)]["networkx_queries"] = nx_n
    return report
