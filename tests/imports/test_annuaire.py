"""`filon import annuaire`: the association's directory export, as Excel and others save it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from filon.association.models import DuesPayment
from filon.directory.models import Affiliation, ContactPoint, Person, Position
from filon.imports.actions import import_file
from filon.imports.annuaire import AnnuaireImporter, Mapping
from filon.imports.base import Status
from filon.imports.models import ImportRun, Provenance
from filon.orgs.models import Organisation
from tests.imports.conftest import run

pytestmark = pytest.mark.django_db

FRENCH = (
    "Nom;Prénom;Civilité;Promo;Filière;Email;Portable;Entreprise;Fonction;Ville;Pays\r\n"
    "Lefèvre;Hélène;Mme;P58;Ingénieur civil;helene.lefevre@example.org;06 12 34 56 78;"
    "Société Générale SA;Directrice des risques;Paris;France\r\n"
    "Nguyễn;Đức;M.;E 2005;Docteur;duc.nguyen@example.org;+33 6 23 45 67 89;"
    "Thales Alenia Space SAS;Ingénieur système;Cannes;FR\r\n"
    "Muller;Cécile;Mme;N'12;Mastère spécialisé;cecile.muller@example.org;0033634567890;;;Nancy;\r\n"
)


def people() -> dict[str, Person]:
    return {p.last_name: p for p in Person.objects.all()}


def test_it_reads_a_french_excel_file_cp1252_with_semicolons() -> None:
    # What Excel in French saves: Windows-1252, ";", French headers, promos as P58 / E 2005.
    data = FRENCH.replace("Nguyễn", "Nguyen").replace("Đức", "Duc").encode("cp1252")
    report = run("annuaire", data, "annuaire.csv")
    assert (report.encoding, report.delimiter) == ("cp1252", ";")
    assert report.errors == []
    assert report.counts["created"] == 3 and report.written
    p = people()
    helene = p["Lefèvre"]
    assert (helene.first_name, helene.gender, helene.city, helene.country) == (
        "Hélène",
        "f",
        "Paris",
        "FR",
    )
    assert [(a.school.code, a.year, a.track) for a in helene.affiliations.all()] == [
        ("P", 1958, "ingenieur_civil")
    ]
    assert [(a.school.code, a.year, a.track) for a in p["Nguyen"].affiliations.all()] == [
        ("E", 2005, "docteur")
    ]
    assert [(a.school.code, a.year) for a in p["Muller"].affiliations.all()] == [("N", 2012)]
    phones = {c.person.last_name: c.value for c in ContactPoint.objects.filter(kind="phone")}
    assert phones == {"Lefèvre": "+33612345678", "Nguyen": "+33623456789", "Muller": "+33634567890"}
    position = helene.positions.get()
    assert (position.title, position.organisation.name, position.end) == (
        "Directrice des risques",
        "Société Générale SA",
        None,
    )


def test_it_reads_utf8_with_a_bom_commas_and_english_headers() -> None:
    text = (
        "Last name,First name,Class of,School,Degree,Email,Mobile,Company,Job title\n"
        "Nguyễn,Đức,2005,Mines Saint-Étienne,PhD,duc@example.org,+33 6 23 45 67 89,"
        '"ACRI-ST, Sophia",CTO\n'
    )
    report = run("annuaire", text.encode("utf-8-sig"))
    assert (report.encoding, report.delimiter) == ("utf-8-sig", ",")
    assert report.errors == []
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("Đức", "Nguyễn")
    assert [(a.school.code, a.year, a.track) for a in person.affiliations.all()] == [
        ("E", 2005, "docteur")
    ]
    assert person.positions.get().organisation.name == "ACRI-ST, Sophia"


def test_it_reads_tab_separated_files() -> None:
    text = "nom\tprénom\tpromo\tfilière\nDurand\tPaul\tP90\tingénieur\n"
    report = run("annuaire", text.encode("utf-8"))
    assert report.delimiter == "\t" and report.errors == []
    assert Person.objects.get().affiliations.get().year == 1990


def test_one_bad_row_writes_nothing_and_names_the_row_line_and_field(counts: Any) -> None:
    before = counts()
    bad = FRENCH.replace("+33 6 23 45 67 89", "06 12")
    report = run("annuaire", bad.encode("utf-8"), "annuaire.csv")
    assert not report.written
    assert counts() == before
    assert [(e.line, e.field, e.value) for e in report.errors] == [(3, "Portable", "06 12")]
    assert "téléphone" in report.errors[0].expected
    assert str(report.errors[0]).startswith("annuaire.csv:3: Portable « 06 12 »")
    assert report.rejected_lines == [3]


def test_every_bad_row_is_reported_not_only_the_first(counts: Any) -> None:
    before = counts()
    text = (
        "Nom;Prénom;Promo;Filière;Email;Téléphone\n"
        "Martin;Jean;X58;Ingénieur civil;jean@example.org;\n"  # no such school
        "Durand;Paul;P90;Ingénieur civil;paul@example;\n"  # no domain
        "Petit;Anne;P91;Ingénieur civil;;06 12 34 56 78\n"  # valid
        "\n"
        ";Marie;P92;Plombier;;123\n"  # three errors on one line
    )
    report = run("annuaire", text.encode("utf-8"))
    assert counts() == before
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "Promo"),
        (3, "Email"),
        (6, "Nom"),
        (6, "Filière"),
        (6, "Téléphone"),
    ]
    assert report.rejected_lines == [2, 3, 6]
    assert report.counts["rejected"] == 3


def test_a_multiline_quoted_cell_keeps_the_line_numbers_an_editor_shows() -> None:
    text = (
        "Nom;Prénom;Promo;Fonction;Entreprise;Email\n"
        'Martin;Jean;P58;"Directeur\nde la recherche";Pechiney;jean@example.org\n'
        "Durand;Paul;P90;;;pas-une-adresse\n"
    )
    report = run("annuaire", text.encode("utf-8"))
    assert [(e.line, e.field) for e in report.errors] == [(4, "Email")]


def test_duplicates_inside_one_file_are_merged_into_one_person() -> None:
    text = (
        "Nom;Prénom;Promo;Filière;Email;Portable\n"
        "Dumas;Claire;P15;Ingénieur civil;claire@example.org;06 12 34 56 78\n"
        "Dumas;Claire;P19;Docteur;claire@example.org;\n"  # same e-mail: her second diploma
        "DUMAS;claire;P19;Docteur;;+33612345678\n"  # same phone, nothing new
        "Dumas;Claire;P15;Ingénieur civil;;\n"  # same name, school and year
    )
    report = run("annuaire", text.encode("utf-8"))
    assert report.errors == []
    assert [i.status for i in report.items] == [
        Status.CREATED,
        Status.MERGED,
        Status.MERGED,
        Status.MERGED,
    ]
    assert report.items[1].note == "même personne que la ligne 2"
    person = Person.objects.get()
    assert sorted((a.year, a.track) for a in person.affiliations.all()) == [
        (2015, "ingenieur_civil"),
        (2019, "docteur"),
    ]
    assert person.contact_points.count() == 2


def test_reimporting_the_same_file_changes_nothing(counts: Any) -> None:
    data = FRENCH.encode("utf-8")
    run("annuaire", data)
    before = counts()
    report = run("annuaire", data)
    assert report.counts == {
        "created": 0,
        "updated": 0,
        "merged": 0,
        "unchanged": 3,
        "rejected": 0,
        "review": 0,
    }
    after = counts()
    # Only the log of the attempt itself is new.
    assert {k: v for k, v in after.items() if k != "imports.ImportRun"} == {
        k: v for k, v in before.items() if k != "imports.ImportRun"
    }
    assert after["imports.ImportRun"] == before["imports.ImportRun"] + 1


def test_dry_run_writes_nothing_and_says_what_would_change(counts: Any) -> None:
    before = counts()
    report = run("annuaire", FRENCH.encode("utf-8"), dry_run=True)
    assert counts() == before
    assert report.dry_run and not report.written
    assert report.counts["created"] == 3
    assert "e-mail helene.lefevre@example.org" in report.items[0].changes


def test_it_updates_existing_members_found_by_email(make_person: Any) -> None:
    anne = make_person("Anne", "Martin", year=2010, city="Lyon")
    email = anne.contact_points.get(kind="email").value
    text = f"Nom;Prénom;Email;Ville;Portable\nMartin;Anne;{email.upper()};Grenoble;07 81 23 45 67\n"
    report = run("annuaire", text.encode("utf-8"), "maj.csv")
    assert [i.status for i in report.items] == [Status.UPDATED]
    anne.refresh_from_db()
    assert anne.city == "Grenoble"
    assert anne.contact_points.filter(kind="phone", value="+33781234567").exists()
    assert Person.objects.count() == 1
    # Provenance: the new phone and the changed city name the file and the line.
    sources = {(p.field, p.line, p.run.filename) for p in Provenance.objects.filter(person=anne)}
    assert ("", 2, "maj.csv") in sources and ("city", 2, "maj.csv") in sources


def test_the_same_name_school_and_year_is_the_same_person(make_person: Any) -> None:
    make_person(
        "Jean-François", "Lefèvre", school="P", year=1958, track="ingenieur_civil", contacts=False
    )
    text = "Nom;Prénom;Promo;Filière\nLEFEVRE;Jean-Francois;P58;Ingénieur civil\n"
    report = run("annuaire", text.encode("utf-8"))
    assert [i.status for i in report.items] == [Status.UNCHANGED]
    assert Person.objects.count() == 1


def test_a_close_name_in_the_same_promo_goes_to_the_merge_review(make_person: Any) -> None:
    from filon.imports.models import MatchCandidate

    existing = make_person("Jean", "Dupont", school="P", year=1990, track="ingenieur_civil")
    text = "Nom;Prénom;Promo;Filière;Email\nDupond;Jean;P90;Ingénieur civil;jd@example.org\n"
    report = run("annuaire", text.encode("utf-8"))
    assert report.items[0].status == Status.CREATED and report.items[0].review
    candidate = MatchCandidate.objects.get()
    assert candidate.existing == existing
    assert candidate.incoming.last_name == "Dupond"
    assert candidate.score >= 88
    # Imported again, the record finds the person it made: no second candidate.
    again = run("annuaire", text.encode("utf-8"))
    assert [i.status for i in again.items] == [Status.UNCHANGED]
    assert MatchCandidate.objects.count() == 1


def test_a_mapping_file_describes_another_layout() -> None:
    mapping = Mapping.from_toml(
        """
        delimiter = "|"
        [columns]
        "NOM_NAISSANCE" = "last_name"
        "PRENOM_USUEL" = "first_name"
        "MILLESIME" = "promo"
        "CURSUS" = "filière"
        "MEL" = "email"
        "GSM" = "mobile"
        "OBS" = "ignore"
        """
    )
    text = (
        "NOM_NAISSANCE|PRENOM_USUEL|MILLESIME|CURSUS|MEL|GSM|OBS\n"
        "Roux|Léa|E 2015|master|lea@example.org|06 99 88 77 66|x\n"
    )
    report = import_file(None, AnnuaireImporter(mapping=mapping), text.encode("utf-8"), "x.csv")
    assert report.errors == [] and report.delimiter == "|"
    person = Person.objects.get()
    assert (person.last_name, person.affiliations.get().track) == ("Roux", "master")
    assert person.contact_points.filter(value="+33699887766").exists()


def test_a_mapping_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="champ inconnu"):
        Mapping.from_toml('[columns]\n"X" = "pointure"\n')


def test_a_file_without_name_columns_is_refused_at_its_header(counts: Any) -> None:
    before = counts()
    report = run("annuaire", b"email;promo\na@example.org;P58\n")
    assert counts() == before
    assert [(e.line, e.field) for e in report.errors] == [(1, "en-tête"), (1, "en-tête")]


def test_dues_columns_create_payments_once() -> None:
    text = (
        "Nom;Prénom;Promo;Filière;Cotisation 2019;Cotisation 2020;"
        "Cotisation année;Montant cotisation\n"
        "Vasseur;Bernard;P58;Ingénieur civil;60,00 (retraité);60;2021;60,00\n"
    )
    run("annuaire", text.encode("utf-8"))
    assert sorted(DuesPayment.objects.values_list("year", "amount", "category")) == [
        (2019, Decimal("60.00"), "retired"),
        (2020, Decimal("60.00"), "full"),
        (2021, Decimal("60.00"), "full"),
    ]
    assert [i.status for i in run("annuaire", text.encode("utf-8")).items] == [Status.UNCHANGED]


def test_organisations_are_matched_whatever_their_legal_form() -> None:
    Organisation.objects.create(name="Thales Alenia Space", kind="company")
    before = Organisation.objects.count()
    text = (
        "Nom;Prénom;Promo;Filière;Entreprise;Fonction\n"
        "Roux;Léa;E15;master;THALES ALENIA SPACE SAS;Ingénieure\n"
        "Blanc;Marc;E16;master;Thales Alenia Space France;Ingénieur\n"
    )
    run("annuaire", text.encode("utf-8"))
    names = sorted(Position.objects.values_list("organisation__name", flat=True))
    assert names == ["Thales Alenia Space", "Thales Alenia Space France"]
    assert Organisation.objects.count() == before + 1


def test_the_run_and_the_audit_log_record_the_import() -> None:
    from filon.audit.models import AuditEntry

    report = run("annuaire", FRENCH.encode("utf-8"), "annuaire.csv")
    run_row = ImportRun.objects.get(pk=report.run_id)
    assert (run_row.kind, run_row.filename, run_row.status, run_row.origin) == (
        "annuaire",
        "annuaire.csv",
        "done",
        "cli",
    )
    entry = AuditEntry.objects.get(action="import.run")
    assert entry.details["created"] == 3 and entry.details["file"] == "annuaire.csv"
    assert Affiliation.objects.count() == 3
