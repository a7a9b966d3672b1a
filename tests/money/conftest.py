"""Helpers of the money tests: the shipped grant file and its mapping, the CORDIS fixtures."""

from __future__ import annotations

from pathlib import Path

from filon.money.actions import import_funding
from filon.money.importers import FundingMapping, MappedImporter, make_importer
from filon.money.loader import FundingReport

ROOT = Path(__file__).resolve().parents[2]
NORWAY = ROOT / "filon" / "data" / "funding" / "eu_h2020_norway" / "dataset.csv"
NORWAY_MAPPING = ROOT / "filon" / "data" / "funding" / "mappings" / "eu_h2020_norway.toml"
FIXTURES = ROOT / "tests" / "fixtures" / "money"
CORDIS = FIXTURES / "cordis"


def import_norway(data: bytes | None = None, *, dry_run: bool = False) -> FundingReport:
    importer = MappedImporter(FundingMapping.from_file(NORWAY_MAPPING))
    return import_funding(
        None,
        importer,
        NORWAY.read_bytes() if data is None else data,
        "dataset.csv",
        dry_run=dry_run,
    )


def import_cordis(
    organizations: bytes | None = None,
    projects: bytes | None = None,
    *,
    name: str = "organization.csv",
    dry_run: bool = False,
    with_projects: bool = True,
) -> FundingReport:
    if projects is None and with_projects:
        projects = (CORDIS / "project.csv").read_bytes()
    importer = make_importer(format="cordis", projects=projects)
    data = (CORDIS / "organization.csv").read_bytes() if organizations is None else organizations
    return import_funding(None, importer, data, name, dry_run=dry_run)
