from __future__ import annotations

from typing import Any

import pytest

from filon.directory.search import forget_indexes
from filon.network.index import forget_index


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Any:
    forget_indexes()
    forget_index()
    yield
    forget_indexes()
    forget_index()
