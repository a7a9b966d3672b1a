"""Compiled searches over the graph's CSR arrays (numba, ``cache=True``).

The graph is undirected and stored once per direction: row ``u`` of ``indptr``/``indices``
lists the neighbours of ``u``, sorted, with the cost of each edge in ``weights``. Every search
takes the same constraint arrays:

- ``flags`` per node: :data:`TRANSIT` (a path may pass through it: people, cohorts, groups,
  projects; organisations, labs and funders only end a path), :data:`PERSON` (counts as one
  hop), :data:`NO_INTERMEDIARY` (opted out of the directory or of being an intermediary: never
  in the middle of a path; only the source, the target, or the last person before an
  organisation target) and :data:`HIDDEN` (opted out of the directory: not even that last person,
  unless ``allow_hidden``);
- ``lvl_src``/``lvl_dst`` per stored edge: the audience level (0 members, 1 paying members, 2
  staff) needed to see the row's end and the column's end of the edge (a hidden career hides the
  colleague edges it implies); the viewer's own end never counts against the viewer;
- ``blocked_node``/``blocked_edge``: Yen's algorithm removes nodes and edges through them.

A graph may also carry an overlay (:class:`~filon.core.graph.index.Overlay`): a second CSR with
one row per node, holding every edge with a ``dirty`` end. The searches skip the base edges with
a dirty end and walk each node's overlay row too; overlay edge ``i`` has the id
``len(indices) + i`` (in ``blocked_edge``). Without changes the overlay is empty and no node is
dirty.

Hops count the people entered after the source, so ``person → cohort → person`` is one hop of two
edges; a search never returns a path of more than ``max_hops`` hops.

Workspaces (``dist``, ``pred``, ``hops``, ``pos``, the heaps, ``touched``) are allocated once per
graph with shape ``(2, n)`` (forward, backward) and only the nodes a search touched are reset, so
a query costs what it explores, not the size of the graph.
"""

from __future__ import annotations

import numpy as np
from numba import njit

TRANSIT = np.uint8(1)
PERSON = np.uint8(2)
NO_INTERMEDIARY = np.uint8(4)
HIDDEN = np.uint8(8)


@njit(cache=True)
def _sift_up(hkey, hnode, pos, i):  # type: ignore[no-untyped-def]
    key = hkey[i]
    node = hnode[i]
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= key:
            break
        hkey[i] = hkey[parent]
        hnode[i] = hnode[parent]
        pos[hnode[i]] = i
        i = parent
    hkey[i] = key
    hnode[i] = node
    pos[node] = i


@njit(cache=True)
def _sift_down(hkey, hnode, pos, i, size):  # type: ignore[no-untyped-def]
    key = hkey[i]
    node = hnode[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and hkey[c + 1] < hkey[c]:
            c += 1
        if hkey[c] >= key:
            break
        hkey[i] = hkey[c]
        hnode[i] = hnode[c]
        pos[hnode[i]] = i
        i = c
    hkey[i] = key
    hnode[i] = node
    pos[node] = i


@njit(cache=True)
def _push(hkey, hnode, pos, size, node, key):  # type: ignore[no-untyped-def]
    """Insert ``node`` or lower its key; returns the new heap size."""
    i = pos[node]
    if i >= 0:
        hkey[i] = key
        _sift_up(hkey, hnode, pos, i)
        return size
    hkey[size] = key
    hnode[size] = node
    _sift_up(hkey, hnode, pos, size)
    return size + 1


@njit(cache=True)
def _pop(hkey, hnode, pos, size):  # type: ignore[no-untyped-def]
    node = hnode[0]
    pos[node] = -2  # settled
    size -= 1
    if size > 0:
        hkey[0] = hkey[size]
        hnode[0] = hnode[size]
        pos[hnode[0]] = 0
        _sift_down(hkey, hnode, pos, 0, size)
    return node, size


@njit(cache=True)
def reset(dist, pos, touched, ntouched):  # type: ignore[no-untyped-def]
    """Forget the labels of the nodes the previous search touched."""
    for side in range(2):
        for i in range(ntouched[side]):
            v = touched[side, i]
            dist[side, v] = np.inf
            pos[side, v] = -1
        ntouched[side] = 0


@njit(cache=True)
def _visible(u, v, ls, ld, viewer, max_level):  # type: ignore[no-untyped-def]
    return (u == viewer or ls <= max_level) and (v == viewer or ld <= max_level)


@njit(cache=True)
def bidirectional(  # type: ignore[no-untyped-def]
    indptr,
    indices,
    weights,
    kinds,
    lvl_src,
    lvl_dst,
    o_indptr,
    o_indices,
    o_weights,
    o_kinds,
    o_lvl_src,
    o_lvl_dst,
    dirty,
    flags,
    source,
    target,
    viewer,
    max_level,
    max_hops,
    target_kinds,
    allow_hidden,
    blocked_node,
    blocked_edge,
    bound,
    dist,
    pred,
    hops,
    pos,
    hkey,
    hnode,
    touched,
    ntouched,
):
    """Cheapest constrained path from ``source`` to ``target``: (cost, a, b) or (bound, -1, -1).

    The path is ``source … a → b … target``; :func:`unwind` reads it from the workspaces.
    ``target_kinds`` is a bit mask of the edge kinds allowed as the target's last edge. Only a
    path cheaper than ``bound`` is looked for (Yen's algorithm knows when a deviation is too
    dear to matter), which stops the search early.
    Bidirectional Dijkstra (Pohl 1971; stopping rule of Goldberg & Harris): each step expands
    the side whose heap is smaller, so a cohort of thousands on one side lets the other catch up.

    Edges come from the base CSR (``indptr`` …, one row per node of the snapshot), minus those
    with a ``dirty`` end, and from the overlay CSR (``o_indptr`` …, one row per node), which
    holds every edge with a dirty end; overlay edge ``i`` has the id ``len(indices) + i``.
    """
    reset(dist, pos, touched, ntouched)
    n_base = indptr.shape[0] - 1
    m_base = indices.shape[0]
    target_is_person = (flags[target] & PERSON) != 0
    dist[0, source] = 0.0
    pred[0, source] = -1
    hops[0, source] = 0
    touched[0, 0] = source
    ntouched[0] = 1
    dist[1, target] = 0.0
    pred[1, target] = -1
    hops[1, target] = 0
    touched[1, 0] = target
    ntouched[1] = 1
    size_f = _push(hkey[0], hnode[0], pos[0], 0, source, 0.0)
    size_b = _push(hkey[1], hnode[1], pos[1], 0, target, 0.0)
    best = bound
    best_a = -1
    best_b = -1
    while size_f > 0 and size_b > 0:
        if hkey[0, 0] + hkey[1, 0] >= best:
            break
        if size_f <= size_b:
            u, size_f = _pop(hkey[0], hnode[0], pos[0], size_f)
            du = dist[0, u]
            final_only = u != source and (flags[u] & NO_INTERMEDIARY) != 0
            if u == target or (u != source and (flags[u] & TRANSIT) == 0):
                continue
            for part in range(2):
                if part == 0:
                    if u >= n_base or dirty[u]:
                        continue
                    lo, hi = indptr[u], indptr[u + 1]
                else:
                    lo, hi = o_indptr[u], o_indptr[u + 1]
                for i in range(lo, hi):
                    if part == 0:
                        v = indices[i]
                        if dirty[v]:
                            continue
                        e = i
                        kind, w, ls, ld = kinds[i], weights[i], lvl_src[i], lvl_dst[i]
                    else:
                        v = o_indices[i]
                        e = m_base + i
                        kind, w, ls, ld = o_kinds[i], o_weights[i], o_lvl_src[i], o_lvl_dst[i]
                    if blocked_edge[e] or blocked_node[v] or v == source:
                        continue
                    if final_only and v != target:
                        continue
                    if v == target:
                        if ((target_kinds >> kind) & 1) == 0:
                            continue
                    elif (flags[v] & TRANSIT) == 0:
                        continue
                    elif (flags[v] & NO_INTERMEDIARY) != 0:
                        if target_is_person:
                            continue
                        if (flags[v] & HIDDEN) != 0 and not allow_hidden:
                            continue
                    if not _visible(u, v, ls, ld, viewer, max_level):
                        continue
                    hv = hops[0, u] + (1 if (flags[v] & PERSON) != 0 else 0)
                    if hv > max_hops:
                        continue
                    nd = du + w
                    if nd + dist[1, v] < best and hv + hops[1, v] <= max_hops:
                        best = nd + dist[1, v]
                        best_a = u
                        best_b = v
                    if nd < dist[0, v] and pos[0, v] != -2:
                        if dist[0, v] == np.inf:
                            touched[0, ntouched[0]] = v
                            ntouched[0] += 1
                        dist[0, v] = nd
                        pred[0, v] = u
                        hops[0, v] = hv
                        size_f = _push(hkey[0], hnode[0], pos[0], size_f, v, nd)
        else:
            x, size_b = _pop(hkey[1], hnode[1], pos[1], size_b)
            dx = dist[1, x]
            if x == source or (x != target and (flags[x] & TRANSIT) == 0):
                continue
            for part in range(2):
                if part == 0:
                    if x >= n_base or dirty[x]:
                        continue
                    lo, hi = indptr[x], indptr[x + 1]
                else:
                    lo, hi = o_indptr[x], o_indptr[x + 1]
                for i in range(lo, hi):
                    if part == 0:
                        y = indices[i]
                        if dirty[y]:
                            continue
                        e = i
                        kind, w, ls, ld = kinds[i], weights[i], lvl_src[i], lvl_dst[i]
                    else:
                        y = o_indices[i]
                        e = m_base + i
                        kind, w, ls, ld = o_kinds[i], o_weights[i], o_lvl_src[i], o_lvl_dst[i]
                    if blocked_edge[e] or blocked_node[y] or y == target:
                        continue
                    if x == target and ((target_kinds >> kind) & 1) == 0:
                        continue
                    if y != source:
                        if (flags[y] & TRANSIT) == 0:
                            continue
                        if (flags[y] & NO_INTERMEDIARY) != 0:
                            if x != target or target_is_person:
                                continue
                            if (flags[y] & HIDDEN) != 0 and not allow_hidden:
                                continue
                    if not _visible(x, y, ls, ld, viewer, max_level):
                        continue
                    hy = hops[1, x] + (1 if (flags[x] & PERSON) != 0 else 0)
                    lower = 1 if (y != source and (flags[y] & PERSON) != 0) else 0
                    if hy + lower > max_hops:
                        continue
                    nd = dx + w
                    if nd + dist[0, y] < best and hops[0, y] + hy <= max_hops:
                        best = nd + dist[0, y]
                        best_a = y
                        best_b = x
                    if nd < dist[1, y] and pos[1, y] != -2:
                        if dist[1, y] == np.inf:
                            touched[1, ntouched[1]] = y
                            ntouched[1] += 1
                        dist[1, y] = nd
                        pred[1, y] = x
                        hops[1, y] = hy
                        size_b = _push(hkey[1], hnode[1], pos[1], size_b, y, nd)
    # Leave no node in a heap: the next search starts from clean positions.
    for i in range(size_f):
        pos[0, hnode[0, i]] = -1
    for i in range(size_b):
        pos[1, hnode[1, i]] = -1
    return best, best_a, best_b


@njit(cache=True)
def unwind(pred, a, b, out):  # type: ignore[no-untyped-def]
    """Write the path ``source … a → b … target`` into ``out``; returns its length."""
    n = 0
    v = a
    while v != -1:
        out[n] = v
        n += 1
        v = pred[0, v]
    out[:n] = out[:n][::-1].copy()
    v = b
    while v != -1:
        out[n] = v
        n += 1
        v = pred[1, v]
    return n


@njit(cache=True)
def single_source(  # type: ignore[no-untyped-def]
    indptr,
    indices,
    weights,
    lvl_src,
    lvl_dst,
    o_indptr,
    o_indices,
    o_weights,
    o_lvl_src,
    o_lvl_dst,
    dirty,
    flags,
    source,
    viewer,
    max_level,
    max_hops,
    wanted,
    n_wanted,
    dist,
    pred,
    hops,
    pos,
    hkey,
    hnode,
    touched,
    ntouched,
):
    """Dijkstra from ``source`` until the ``n_wanted`` nodes marked in ``wanted`` are settled.

    People who may not be intermediaries are reached (they may end a path) but not expanded;
    organisations, labs and funders likewise. Labels stay in side 0 of the workspaces; returns
    how many wanted nodes were reached. Base and overlay edges as in :func:`bidirectional`.
    """
    reset(dist, pos, touched, ntouched)
    n_base = indptr.shape[0] - 1
    dist[0, source] = 0.0
    pred[0, source] = -1
    hops[0, source] = 0
    touched[0, 0] = source
    ntouched[0] = 1
    size = _push(hkey[0], hnode[0], pos[0], 0, source, 0.0)
    found = 0
    while size > 0 and found < n_wanted:
        u, size = _pop(hkey[0], hnode[0], pos[0], size)
        if wanted[u]:
            found += 1
        if u != source and ((flags[u] & TRANSIT) == 0 or (flags[u] & NO_INTERMEDIARY) != 0):
            continue
        du = dist[0, u]
        for part in range(2):
            if part == 0:
                if u >= n_base or dirty[u]:
                    continue
                lo, hi = indptr[u], indptr[u + 1]
            else:
                lo, hi = o_indptr[u], o_indptr[u + 1]
            for i in range(lo, hi):
                if part == 0:
                    v = indices[i]
                    if dirty[v]:
                        continue
                    w, ls, ld = weights[i], lvl_src[i], lvl_dst[i]
                else:
                    v = o_indices[i]
                    w, ls, ld = o_weights[i], o_lvl_src[i], o_lvl_dst[i]
                if pos[0, v] == -2:
                    continue
                if (flags[v] & HIDDEN) != 0 and not wanted[v]:
                    continue
                if not _visible(u, v, ls, ld, viewer, max_level):
                    continue
                hv = hops[0, u] + (1 if (flags[v] & PERSON) != 0 else 0)
                if hv > max_hops:
                    continue
                nd = du + w
                if nd < dist[0, v]:
                    if dist[0, v] == np.inf:
                        touched[0, ntouched[0]] = v
                        ntouched[0] += 1
                    dist[0, v] = nd
                    pred[0, v] = u
                    hops[0, v] = hv
                    size = _push(hkey[0], hnode[0], pos[0], size, v, nd)
    for i in range(size):
        pos[0, hnode[0, i]] = -1
    return found


@njit(cache=True)
def overlapping_pairs(group, start, end, cap):  # type: ignore[no-untyped-def]
    """Pairs ``(i, j)`` of intervals of the same group that overlap, at most ``cap`` per ``i``.

    The input is sorted by group, then start. Each interval is paired with the next ``cap``
    intervals of its group that start before it ends (the people who arrived closest after it),
    so a group of 3,000 concurrent intervals yields 3,000 × cap pairs, not 4.5 million.
    """
    n = group.shape[0]
    out_i = np.empty(n * cap, np.int64)
    out_j = np.empty(n * cap, np.int64)
    m = 0
    for i in range(n):
        taken = 0
        j = i + 1
        while j < n and taken < cap and group[j] == group[i] and start[j] <= end[i]:
            if end[j] >= start[i]:
                out_i[m] = i
                out_j[m] = j
                m += 1
                taken += 1
            j += 1
    return out_i[:m], out_j[:m]


@njit(cache=True)
def max_concurrent(group, start, end, n_groups):  # type: ignore[no-untyped-def]
    """The largest number of intervals of each group open on the same day (sorted input)."""
    best = np.zeros(n_groups, np.int64)
    n = group.shape[0]
    i = 0
    while i < n:
        g = group[i]
        k = i
        while k < n and group[k] == g:
            k += 1
        ends = np.sort(end[i:k])
        open_ = 0
        e = 0
        for s in range(i, k):
            while e < k - i and ends[e] < start[s]:
                e += 1
                open_ -= 1
            open_ += 1
            if open_ > best[g]:
                best[g] = open_
        i = k
    return best
