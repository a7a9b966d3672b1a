from __future__ import annotations

from typing import Any

import pytest

from filon.network.index import forget_index


@pytest.fixture(autouse=True)
def _fresh_graph() -> Any:
    """Each test's database is new: so is the graph this process searches."""
    forget_index()
    yield
    forget_index()
