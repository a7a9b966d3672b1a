"""Export the directory as an annuaire CSV, wipe it, import the file: the directory is the same.

The test uses a 500-member demo network; ``FILON_ROUNDTRIP_MEMBERS=30000`` runs it on the full
size (see docs or the issue's report for the measured figure).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from filon.association.models import DuesPayment
from filon.demo.load import generate_and_load
from filon.directory.models import Affiliation, ContactPoint, Person, Position, School
from filon.imports.actions import import_file
from filon.imports.annuaire import AnnuaireImporter, export_annuaire
from filon.orgs.models import Organisation

MEMBERS = int(os.environ.get("FILON_ROUNDTRIP_MEMBERS", "500"))


def directory() -> list[tuple[Any, ...]]:
    """Everything the annuaire format carries, per person, independent of database ids."""
    affs: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in Affiliation.objects.values_list("person_id", "school__code", "track", "year"):
        affs[row[0]].append(row[1:])
    contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, kind, value in ContactPoint.objects.values_list("person_id", "kind", "value"):
        contacts[pid].append((kind, value))
    jobs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, org, title in Position.objects.filter(end__isnull=True).values_list(
        "person_id", "organisation__name", "title"
    ):
        jobs[pid].append((org, title))
    dues: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for pid, year, amount, category in DuesPayment.objects.values_list(
        "person_id", "year", "amount", "category"
    ):
        dues[pid].append((year, amount, category))
    out = []
    for pk, *fields in Person.objects.values_list(
        "pk", "first_name", "last_name", "gender", "city", "country", "directory_opt_out"
    ):
        out.append(
            (
                *fields,
                tuple(sorted(affs[pk])),
                tuple(sorted(contacts[pk])),
                tuple(sorted(jobs[pk])),
                tuple(sorted(dues[pk])),
            )
        )
    return sorted(out)


def wipe() -> None:
    Person.objects.all().delete()
    # The demo's grants point to its organisations (protected keys): they go first.
    from filon.money.models import Programme, Project

    Project.objects.all().delete()
    while Programme.objects.exists():  # from the leaves up: the parent key is protected
        Programme.objects.filter(children__isnull=True).delete()
    schools = School.objects.exclude(organisation=None).values_list("organisation_id", flat=True)
    Organisation.objects.exclude(pk__in=list(schools)).delete()


@pytest.mark.django_db(transaction=MEMBERS > 5000)
def test_an_export_round_trips_through_wipe_and_import(tmp_path: Path) -> None:
    generate_and_load(MEMBERS, seed=7)
    before = directory()
    assert len(before) == MEMBERS  # the two personas included
    path = tmp_path / "annuaire.csv"
    rows = export_annuaire(path)
    assert rows >= MEMBERS
    wipe()
    assert Person.objects.count() == 0
    started = time.perf_counter()
    report = import_file(None, AnnuaireImporter(), path.read_bytes(), path.name)
    elapsed = time.perf_counter() - started
    assert report.errors == []
    assert report.counts["created"] == MEMBERS
    after = directory()
    assert after == before
    if MEMBERS > 5000:
        print(f"\n{MEMBERS} members, {rows} rows: import {elapsed:.1f} s")
