"""Bulk writers tell the indexes whom they touched: nobody else's documents are rewritten."""

from __future__ import annotations

from typing import Any

import pytest

from filon.directory.models import Person, Position, SearchDocument
from filon.directory.privacy import audience
from filon.directory.search import SearchParams, search
from filon.network.models import GraphChange, GraphChangeKind
from filon.orgs.models import Organisation
from tests.imports.conftest import run
from tests.money.conftest import import_cordis

pytestmark = pytest.mark.django_db


def _seqs() -> dict[tuple[int, int], int]:
    return {
        (p, lvl): s for p, lvl, s in SearchDocument.objects.values_list("person_id", "level", "seq")
    }


def _found(query: str) -> list[int]:
    return [r.id for r in search(audience(2), SearchParams(query=query), per_page=100).results]


def test_an_annuaire_import_rewrites_only_the_people_of_its_rows(make_person: Any) -> None:
    bystander = make_person("Rose", "Valette")
    before = _seqs()
    text = "nom\tprénom\tpromo\tfilière\tentreprise\nKerbrat\tYann\tP90\tingénieur\tSafran\n"
    assert run("annuaire", text.encode("utf-8")).errors == []
    after = _seqs()
    yann = Person.objects.get(last_name="Kerbrat")
    assert _found("kerbrat safran") == [yann.pk]
    assert after[(bystander.pk, 0)] == before[(bystander.pk, 0)]
    assert not GraphChange.objects.filter(kind=GraphChangeKind.FULL).exists()


def test_a_grants_import_rewrites_no_document_and_logs_its_organisations(make_person: Any) -> None:
    make_person("Rose", "Valette")
    before = _seqs()
    GraphChange.objects.all().delete()
    report = import_cordis()
    assert report.written, report.errors
    assert _seqs() == before
    assert not GraphChange.objects.filter(kind=GraphChangeKind.FULL).exists()
    places = set(
        GraphChange.objects.filter(kind=GraphChangeKind.PLACE).values_list("ref", flat=True)
    )
    assert places >= set(
        Organisation.objects.filter(participations__isnull=False).values_list("pk", flat=True)
    )


def test_a_merge_rewrites_the_people_of_the_merged_organisations(
    make_person: Any, cast: Any
) -> None:
    from filon.money.actions import merge_organisations

    keep = Organisation.objects.create(name="Alstom Transport", kind="company")
    drop = Organisation.objects.create(name="Alsthom Transports", kind="company")
    worker = make_person("Inès", "Carpentier")
    Position.objects.create(person=worker, organisation=drop, title="Ingénieure voie")
    bystander = make_person("Rose", "Valette")
    before = _seqs()
    merge_organisations(cast.staff, keep, drop)
    after = _seqs()
    assert worker.pk in _found("alstom transport carpentier")
    assert after[(worker.pk, 2)] > before[(worker.pk, 2)]
    assert after[(bystander.pk, 2)] == before[(bystander.pk, 2)]
