"""Reference data shipped with Filon: the NACE Rev. 2 sector list."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

NACE_FILE = Path(__file__).resolve().parent.parent / "data" / "nace" / "nace_rev2_codes.csv"


def nace_rows() -> Iterator[dict[str, str]]:
    """The rows of the shipped NACE list, parents before children."""
    with NACE_FILE.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
