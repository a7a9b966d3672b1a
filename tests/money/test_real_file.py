"""The real Norwegian H2020 file, through the shipped mapping, gives back the source's own totals
to the cent: per project, per organisation, per programme, and overall.

The expected figures are those of ../shared/research/data-sources.md §1, computed from the CSV
with Decimal (see that page for the one-line commands).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from filon.core.money import as_strings, totals
from filon.imports.models import ImportRun, Provenance
from filon.money import queries
from filon.money.models import Participation, Programme, Project, Role
from filon.orgs.models import Organisation, OrgIdentifier
from tests.money.conftest import import_norway

pytestmark = pytest.mark.django_db


def test_it_reproduces_the_sources_totals_to_the_cent() -> None:
    report = import_norway()
    assert report.written and not report.errors
    assert report.rows == 2931
    assert report.counts["created"] == 2931

    # Overall: 2931 rows, 1957 projects, 693 organisations, 1,672,234,782.37 EUR.
    assert Participation.objects.count() == 2931
    assert Project.objects.count() == 1957
    funder = Organisation.objects.get(name="Commission européenne")
    in_file = Organisation.objects.filter(participations__isnull=False).distinct()
    assert in_file.count() == 693
    assert funder not in in_file
    everything = totals(Participation.objects.values_list("contribution", "currency"))
    assert as_strings(everything) == {"EUR": "1672234782.37"}
    assert report.as_dict(items=False)["funding"]["total"] == {"EUR": "1672234782.37"}

    # Per project: KEPLER 821984, 3 beneficiaries, 1,058,422.50 EUR, coordinated by MET Norway.
    kepler = queries.project_money(queries.find_project("821984"))
    assert kepler["acronym"] == "KEPLER"
    assert kepler["topic_code"] == "LC-SPACE-02-EO-2018"
    assert len(kepler["participants"]) == 3
    assert kepler["total"] == {"EUR": Decimal("1058422.50")}
    assert kepler["coordinator"] == "METEOROLOGISK INSTITUTT"
    assert [p["code"] for p in kepler["programme_path"]] == [
        "H2020",
        "H2020-EU.2.",
        "H2020-EU.2.1.",
        "H2020-EU.2.1.6.",
    ]

    # Per organisation: SINTEF AS, org. no. 919303808: 226 projects, 55 coordinated.
    sintef = queries.find_organisation("919303808")
    assert sintef is not None and sintef.name == "SINTEF AS"
    money = queries.organisation_money(sintef)
    assert (money["projects"], money["coordinated"]) == (226, 55)
    assert money["received"] == {"EUR": Decimal("144362062.51")}
    assert money["identifiers"] == {"orgnr": "919303808"}

    # Per programme: LEIT-SPACE (H2020 EU.2.1.6.): 44 participations, 32 projects.
    space = queries.find_programme("LEIT-SPACE")
    assert space is not None and space.code == "H2020-EU.2.1.6."
    assert queries.find_programme("EU.2.1.6.") == space
    figures = queries.programme_money(space)
    assert (figures["participations"], figures["projects"]) == (44, 32)
    assert figures["total"] == {"EUR": Decimal("14230043.02")}
    # The whole tree adds up to the file's total, and its root holds everything.
    root = queries.programme_money(Programme.objects.get(code="H2020"))
    assert root["total"] == everything and root["participations"] == 2931


def test_it_reads_the_file_faithfully() -> None:
    import_norway()
    # Organisations are told apart by their number, not their name (two TELLU AS).
    assert OrgIdentifier.objects.filter(scheme="orgnr").count() == 692
    assert Organisation.objects.filter(name="TELLU AS").count() == 2
    # The three rows with no organisation go to one placeholder, so that no money is lost.
    unknown = Organisation.objects.get(name="Participant non identifié (H2020 Norvège)")
    assert unknown.participations.count() == 3
    # The same organisation twice in one project, under two participant numbers, stays twice.
    leanships = Participation.objects.filter(
        project__identifier="636146", organisation__identifiers__value="979750730"
    )
    assert sorted(leanships.values_list("number", flat=True)) == [23, 40]
    # Roles and dates.
    assert Participation.objects.filter(role=Role.COORDINATOR).count() == 706
    kepler = Project.objects.get(identifier="821984")
    assert (kepler.start.isoformat(), kepler.end.isoformat()) == ("2019-01-01", "2021-06-30")
    assert kepler.funder is not None and kepler.funder.name == "Commission européenne"
    # French names from the shipped nomenclature.
    assert Programme.objects.get(code="H2020-EU.2.").name_fr == "Primauté industrielle"
    # Every created fact knows its file and line.
    run = ImportRun.objects.get()
    assert run.kind == "funding" and run.report["funding"]["total"] == {"EUR": "1672234782.37"}
    first = Provenance.objects.filter(run=run, record_key__startswith="funding:821984:").first()
    assert first is not None and first.line > 1


def test_importing_again_changes_nothing() -> None:
    import_norway()
    before = (Participation.objects.count(), Project.objects.count(), Organisation.objects.count())
    again = import_norway()
    assert again.written
    assert again.counts["unchanged"] == 2931
    assert again.counts["created"] == again.counts["updated"] == 0
    after = (Participation.objects.count(), Project.objects.count(), Organisation.objects.count())
    assert after == before


def test_a_dry_run_reports_everything_and_writes_nothing() -> None:
    report = import_norway(dry_run=True)
    assert report.dry_run and not report.written
    assert report.counts["created"] == 2931
    assert report.as_dict(items=False)["funding"]["projects"] == 1957
    assert Participation.objects.count() == Project.objects.count() == 0
    assert ImportRun.objects.count() == 0
