"""Helpers of the import tests: the shipped sample files, running an import, counting rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from filon.imports.actions import import_file
from filon.imports.base import ImportReport
from filon.imports.sources import make_importer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def fixture(source: str, name: str) -> Path:
    return FIXTURES / source / name


def run(
    kind: str, data: bytes, name: str = "fichier", *, dry_run: bool = False, **options: Any
) -> ImportReport:
    return import_file(None, make_importer(kind, options), data, name, dry_run=dry_run)


def table_counts() -> dict[str, int]:
    """Rows in every table an import may write: to prove that nothing was written."""
    from filon.association.models import DuesPayment
    from filon.directory.models import (
        Affiliation,
        ContactPoint,
        Person,
        Position,
        Thesis,
        ThesisAdvisor,
    )
    from filon.imports.models import (
        ImportRun,
        MatchCandidate,
        PersonFunding,
        PersonIdentifier,
        Provenance,
    )
    from filon.network.models import Tie
    from filon.orgs.models import Organisation, OrgIdentifier

    models = (
        Person,
        Affiliation,
        ContactPoint,
        Position,
        Thesis,
        ThesisAdvisor,
        DuesPayment,
        Tie,
        Organisation,
        OrgIdentifier,
        PersonIdentifier,
        PersonFunding,
        MatchCandidate,
        Provenance,
        ImportRun,
    )
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.fixture
def counts() -> Any:
    return table_counts
