"""CORDIS's official layout: organization.csv with its project.csv, or joined in one file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filon.directory.models import Person, Position
from filon.imports.models import ImportRun
from filon.money import queries
from filon.money.models import OrgMatchCandidate, Participation, Programme, Project, Role
from filon.orgs.models import OrgAlias, Organisation, OrgIdentifier
from tests.money.conftest import CORDIS, import_cordis

pytestmark = pytest.mark.django_db


def _space_directory() -> dict[str, Organisation]:
    """The organisations the directory already knows, as a member's profile names them."""
    orgs = {
        "tas": Organisation.objects.create(
            name="Thales Alenia Space", short_name="TAS", kind="company"
        ),
        "acri": Organisation.objects.create(name="ACRI-ST", kind="startup"),
        "cnes": Organisation.objects.create(
            name="Centre national d'études spatiales", short_name="CNES", kind="agency"
        ),
        "airbus": Organisation.objects.create(name="Airbus Defence and Space", kind="company"),
        "campus": Organisation.objects.create(
            name="Université Côte d'Azur - Campus SophiaTech", kind="university"
        ),
    }
    someone = Person.objects.create(first_name="Alice", last_name="Martin")
    Position.objects.create(person=someone, organisation=orgs["tas"], title="Ingénieure système")
    return orgs


def test_it_imports_the_official_layout() -> None:
    report = import_cordis()
    assert report.written, report.errors
    assert report.rows == 13 and report.counts["created"] == 13
    assert report.delimiter == ";"
    assert Project.objects.count() == 3
    assert Participation.objects.count() == 13
    assert Organisation.objects.filter(participations__isnull=False).distinct().count() == 10
    assert report.as_dict(items=False)["funding"]["total"] == {"EUR": "6499000.50"}

    alpine = queries.project_money(queries.find_project("ALPINESAT"))
    assert alpine["id"] == "990001"
    assert alpine["coordinator"] == "THALES ALENIA SPACE FRANCE SAS"
    assert alpine["total"] == {"EUR": Decimal("1500000.00")}
    assert alpine["topic_code"] == "LC-SPACE-02-EO-2018"
    assert alpine["call"] == "H2020-SPACE-2018"
    assert alpine["total_cost"] == Decimal("1650000.00")
    associated = next(p for p in alpine["participants"] if p["role"] == Role.ASSOCIATED)
    assert associated["amount"] is None and associated["name"] == "SWISS SNOW INSTITUTE"
    assert [p["code"] for p in alpine["programme_path"]] == [
        "H2020",
        "H2020-EU.2.",
        "H2020-EU.2.1.",
        "H2020-EU.2.1.6.",
    ]
    orbit = queries.project_money(queries.find_project("990003"))
    assert orbit["total"] == {"EUR": Decimal("2999000.50")}
    assert [p["code"] for p in orbit["programme_path"]] == ["HORIZON", "HORIZON.2", "HORIZON.2.4"]
    assert Programme.objects.get(code="HORIZON.2.4").name_fr == "Numérique, industrie et espace"
    # CORDIS's own codes: PIC as identifier, EL and UK as ISO 3166 codes, activity types.
    greek = Organisation.objects.get(name="HELLENIC CENTRE FOR MARINE RESEARCH")
    assert (greek.country, greek.kind) == ("GR", "lab")
    assert Organisation.objects.get(name="SPACE DATA UK LTD").country == "GB"
    assert OrgIdentifier.objects.get(scheme="pic", value="999000004").organisation.name == (
        "METEOROLOGISK INSTITUTT"
    )
    third = Participation.objects.get(organisation__name="SPACE DATA UK LTD")
    assert (third.role, third.contribution, third.activity_type) == ("third_party", 0, "PRC")
    assert ImportRun.objects.get().options["format"] == "cordis"


def test_it_finds_the_directorys_organisations_behind_the_grant_names() -> None:
    orgs = _space_directory()
    report = import_cordis()
    assert report.written
    tas = orgs["tas"]
    # "THALES ALENIA SPACE FRANCE SAS" is the Thales Alenia Space where a member works.
    assert Participation.objects.filter(organisation=tas).count() == 2
    assert tas.identifiers.get().value == "999000001"
    assert OrgAlias.objects.filter(organisation=tas, name="THALES ALENIA SPACE FRANCE SAS").exists()
    assert queries.organisation_money(tas)["received"] == {"EUR": Decimal("1812501.25")}
    # Its Italian sister company has a PIC of its own: another organisation.
    italy = Organisation.objects.get(name="THALES ALENIA SPACE ITALIA SPA")
    assert italy != tas and italy.participations.count() == 1
    # Same names once legal forms and accents are ignored.
    assert orgs["acri"].participations.count() == 2
    assert orgs["cnes"].participations.count() == 1
    assert orgs["airbus"].participations.get().role == Role.COORDINATOR
    # A name that contains a known one is only a possible duplicate: created, sent to review.
    candidate = OrgMatchCandidate.objects.get()
    assert candidate.existing == orgs["campus"]
    assert candidate.incoming.name == "UNIVERSITE COTE D'AZUR"
    assert candidate.run == ImportRun.objects.get() and candidate.line > 1
    assert report.counts["review"] == 1


def test_project_columns_may_come_in_the_same_file() -> None:
    projects = (CORDIS / "project.csv").read_text(encoding="utf-8").splitlines()
    organisations = (CORDIS / "organization.csv").read_text(encoding="utf-8").splitlines()
    title = {p.split(";")[0]: p.split(";")[3] for p in projects[1:]}
    legal = {p.split(";")[0]: p.split(";")[8] for p in projects[1:]}
    joined = [organisations[0] + ';"title";"legalBasis";"frameworkProgramme"'] + [
        f'{row};{title[row.split(";")[0]]};{legal[row.split(";")[0]]};"H2020"'
        for row in organisations[1:]
        if row.startswith('"99000')
    ]
    report = import_cordis("\n".join(joined).encode(), name="joined.csv", with_projects=False)
    assert report.written, report.errors
    alpine = Project.objects.get(identifier="990001")
    assert alpine.title == "Snow and glacier monitoring from Sentinel time series"
    assert alpine.programme is not None and alpine.programme.code == "H2020-EU.2.1.6."


def test_bad_rows_are_reported_with_their_line_and_nothing_is_written() -> None:
    lines = (CORDIS / "organization.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"participant"', '"sponsor"')
    lines[6] = lines[6].replace('"900000"', '"neuf cents"')
    report = import_cordis("\n".join(lines).encode())
    assert not report.written
    assert report.rejected_lines == [4, 7]
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("organization.csv:4: role « sponsor »") for m in messages), messages
    assert any(m.startswith("organization.csv:7: ecContribution « neuf cents »") for m in messages)
    assert Project.objects.count() == Participation.objects.count() == 0
    assert Organisation.objects.count() == 3  # the schools' own, loaded by the migrations
    assert ImportRun.objects.count() == 0


def test_a_file_that_is_not_cordis_is_refused_at_its_header() -> None:
    report = import_cordis(b"nom;montant\nACME;12\n", name="autre.csv")
    assert not report.written
    assert report.errors[0].line == 1 and "projectID" in report.errors[0].value


def test_an_error_in_project_csv_names_that_file() -> None:
    projects = (
        (CORDIS / "project.csv")
        .read_text(encoding="utf-8")
        .replace('"2019-01-01"', '"le 1er janvier"', 1)
    )
    report = import_cordis(projects=projects.encode())
    assert not report.written
    assert str(report.errors[0]).startswith("project.csv:2: startDate « le 1er janvier »")
