"""Builds the in-memory indexes before the server takes requests.

`filon serve` runs gunicorn with ``--preload``: the application is imported once in the master
process, which builds the directory search indexes and the network graph (and compiles the
graph's kernels) here; the workers are forked with them already in memory. Without this, the
first search or map of each worker would pay several seconds on a 30,000-member directory.
"""

from __future__ import annotations

import logging
import time

from django.db import connections

log = logging.getLogger(__name__)


def warm_up() -> None:
    from filon.directory.search import warm_up as warm_up_search
    from filon.network.index import network_index

    started = time.perf_counter()
    try:
        warm_up_search()
        network_index()
    finally:
        # Connections must not be shared by the forked workers.
        connections.close_all()
    log.info("indexes ready in %.1f s", time.perf_counter() - started)
