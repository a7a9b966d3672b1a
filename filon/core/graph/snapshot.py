"""A graph on disk: written once, then memory-mapped by every process that searches it.

A snapshot is a folder ``graph-…`` of ``.npy`` files (the CSR arrays, the node flags and kinds,
the positions table) and ``meta.pickle`` (labels, the key of each node, tie kinds, and whatever
the caller adds: the change-log sequence number it includes, the database it came from; the
small part of it also in ``info.json``).
:func:`publish` writes it into a temporary folder, renames it into place, then points the
``CURRENT`` file at it (written aside and renamed: a reader sees the old name or the new one,
never half of one). :func:`load` maps the arrays read-only (``np.load(mmap_mode="r")``): N
processes share one copy in the page cache, and loading costs milliseconds whatever the size.

Only one process rebuilds at a time: :class:`FolderLock` is an ``fcntl.flock`` on the folder's
``lock`` file.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from filon.core.graph.index import EDGE_FIELDS, Graph, Positions

_ARRAYS = ("indptr", *EDGE_FIELDS)
_NODE_ARRAYS = ("flags", "node_kind")
CURRENT = "CURRENT"
PREFIX = "graph-"


def _write(folder: Path, graph: Graph, meta: dict[str, Any]) -> None:
    for name in _ARRAYS + _NODE_ARRAYS:
        np.save(folder / f"{name}.npy", np.ascontiguousarray(getattr(graph, name)))
    if graph.positions is not None:
        for name, array in graph.positions.arrays().items():
            np.save(folder / f"pos_{name}.npy", array)
    refs: list[Any] = [None] * graph.n
    for key, node in graph.keys.items():
        refs[node] = key
    payload = {
        **meta,
        "labels": list(graph.labels),
        "refs": refs,
        "tie_kinds": list(graph.tie_kinds),
        "nodes": graph.n,
        "edges": graph.edge_count,
    }
    with open(folder / "meta.pickle", "wb") as f:
        pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
    summary = {k: v for k, v in payload.items() if k not in ("labels", "refs", "tie_kinds")}
    (folder / "info.json").write_text(json.dumps(summary, default=str))


def info(folder: Path) -> dict[str, Any]:
    """The snapshot's small facts (the caller's meta, node and edge counts), without loading it."""
    try:
        return dict(json.loads((folder / "info.json").read_text()))
    except (OSError, ValueError):
        return {}


def publish(root: Path, graph: Graph, meta: dict[str, Any], name: str) -> Path:
    """Write ``graph`` as the snapshot ``root/graph-<name>`` and make it the current one."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        _write(tmp, graph, meta)
        folder = root / f"{PREFIX}{name}"
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = root / f".{CURRENT}-{uuid.uuid4().hex}"
    pointer.write_text(folder.name)
    os.replace(pointer, root / CURRENT)
    return folder


def current(root: Path) -> Path | None:
    """The current snapshot's folder, or None."""
    try:
        name = (root / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    folder = root / name
    return folder if name.startswith(PREFIX) and folder.is_dir() else None


def load(folder: Path) -> tuple[Graph, dict[str, Any]]:
    """The snapshot's graph (arrays memory-mapped read-only) and its meta."""
    with open(folder / "meta.pickle", "rb") as f:
        meta = pickle.load(f)
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    flags = np.array(np.load(folder / "flags.npy"))  # small, and each process's own copy
    node_kind = np.array(np.load(folder / "node_kind.npy"))
    refs = meta["refs"]
    keys = {ref: node for node, ref in enumerate(refs) if ref is not None}
    graph = Graph(
        arrays["indptr"],
        arrays["indices"],
        arrays["weights"],
        arrays["kinds"],
        arrays["lvl_src"],
        arrays["lvl_dst"],
        arrays["context"],
        arrays["y0"],
        arrays["y1"],
        flags,
        node_kind,
        meta["labels"],
        keys=keys,
        tie_kinds=meta["tie_kinds"],
    )
    if (folder / "pos_indptr.npy").exists():
        cols = {
            name: np.load(folder / f"pos_{name}.npy", mmap_mode="r")
            for name in (*Positions.FIELDS, "indptr")
        }
        graph.positions = Positions(**cols)
    return graph, meta


def prune(root: Path, *, keep: int = 2, grace: float = 600.0) -> list[Path]:
    """Remove the snapshots but the current and the ``keep - 1`` newest others, once they are
    older than ``grace`` seconds (a process may still be loading one); also stale temporary
    folders. Processes that mapped a removed snapshot keep reading it until they move on (the
    files live as long as a map does)."""
    now = time.time()
    live = current(root)
    found = sorted(
        (p for p in root.glob(f"{PREFIX}*") if p.is_dir() and p != live),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    removed = []
    for folder in found[max(0, keep - 1) :]:
        if now - folder.stat().st_mtime > grace:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for tmp in root.glob(".tmp-*"):
        if now - tmp.stat().st_mtime > max(grace, 3600):
            shutil.rmtree(tmp, ignore_errors=True)
    return removed


class FolderLock:
    """An exclusive ``flock`` on ``root/lock``: one process at a time rebuilds the snapshot.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with FolderLock(root) as held, FolderLock(root, blocking=False) as other:
    ...     held.acquired, other.acquired
    (True, False)
    """

    def __init__(self, root: Path, *, blocking: bool = True) -> None:
        self.root = root
        self.blocking = blocking
        self.acquired = False
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        self.root.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | (0 if self.blocking else fcntl.LOCK_NB))
            self.acquired = True
        except BlockingIOError:
            self.acquired = False
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            if self.acquired:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
