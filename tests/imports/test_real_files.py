"""Files as an association's back office writes them: tolerant dues and phones, one-line
refusals of wrong files, dues and grants through the one import flow, « what changes »."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from filon.association.models import DuesPayment
from filon.directory.models import ContactPoint, Person
from filon.imports.dues import DuesCell, parse_dues_cell
from filon.imports.models import ImportRun, RunStatus
from filon.imports.sources import IMPORTERS
from tests.imports.conftest import FIXTURES, run, table_counts

pytestmark = pytest.mark.django_db

REAL = FIXTURES / "real"
PNG = (REAL / "logo.png").read_bytes()


def read(name: str) -> bytes:
    return (REAL / name).read_bytes()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        ("non", None),
        ("N", None),
        ("0", None),
        ("-", None),
        ("oui", DuesCell(None, None, "full")),
        ("x", DuesCell(None, None, "full")),
        ("✓", DuesCell(None, None, "full")),
        ("à jour", DuesCell(None, None, "full")),
        ("2020", DuesCell(None, None, "full")),
        ("15/01/2020", DuesCell(None, date(2020, 1, 15), "full")),
        ("120", DuesCell(Decimal("120.00"), None, "full")),
        ("1 200,50 €", DuesCell(Decimal("1200.50"), None, "full")),
        ("30,00 (réduit)", DuesCell(Decimal("30.00"), None, "reduced")),
        ("oui (à vie)", DuesCell(None, None, "life")),
    ],
)
def test_the_dues_cell_table(cell: str, expected: DuesCell | None) -> None:
    assert parse_dues_cell(cell) == expected


@pytest.mark.parametrize("cell", ["peut-être", "-5", "12 €/mois", "30 (gratuit)"])
def test_a_dues_cell_that_says_nothing_known_is_an_error(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_dues_cell(cell)


def test_a_back_office_export_imports_every_valid_row() -> None:
    report = run("annuaire", read("annuaire_backoffice.csv"), "annuaire_backoffice.csv")
    assert report.errors == [] and report.written
    assert report.counts["created"] == 8
    dues = {
        (p.person.last_name, p.year): (p.amount, p.category)
        for p in DuesPayment.objects.select_related("person")
    }
    assert dues == {
        ("Arnaud", 2019): (None, "full"),
        ("Benoît", 2019): (None, "full"),
        ("Carpentier", 2019): (None, "full"),
        ("Carpentier", 2020): (Decimal("120.00"), "full"),
        ("Dubreuil", 2020): (None, "full"),
        ("Étienne", 2019): (None, "full"),
        ("Étienne", 2020): (Decimal("30.00"), "reduced"),
        ("Fournier", 2020): (None, "full"),
        ("Garnier", 2019): (None, "full"),
        ("Garnier", 2020): (None, "full"),
        ("Hubert", 2020): (None, "full"),
    }
    assert DuesPayment.objects.get(person__last_name="Hubert").paid_on == date(2020, 1, 15)
    # Possible but unassigned mobiles: the row is kept, the number dropped with a warning.
    warned = {(w.line, w.value) for w in report.warnings}
    assert {(3, "07 12 70 91 08"), (4, "07 00 00 00 01"), (8, "07 12 70 91 09")} <= warned
    garnier = Person.objects.get(last_name="Garnier")
    assert list(
        ContactPoint.objects.filter(person=garnier, kind="phone").values_list("value", flat=True)
    ) == ["+33142345678"]
    assert not ContactPoint.objects.filter(person__last_name="Benoît", kind="phone").exists()


def test_two_truly_bad_rows_are_named_and_nothing_is_written() -> None:
    before = table_counts()
    report = run("annuaire", read("annuaire_two_bad_rows.csv"), "annuaire_two_bad_rows.csv")
    assert report.rejected_lines == [3, 5]
    assert {e.field for e in report.errors} == {"Email", "Promo"}
    assert not report.written and table_counts() == before
    # The unassigned mobile of line 3 is a warning, not the reason of the refusal.
    assert [w.line for w in report.warnings] == [3]


@pytest.mark.parametrize("kind", [*sorted(IMPORTERS), "funding"])
@pytest.mark.parametrize("name", ["logo.csv", "logo.json", "logo.xml", "logo.vcf"])
def test_a_png_is_refused_in_one_line_by_every_importer(kind: str, name: str) -> None:
    options = {"member": "nobody@example.org"} if kind == "linkedin" else {}
    report = run(kind, PNG, name, **options)
    refusal = [e for e in report.errors if e.field == "fichier"]
    assert len(refusal) == 1 and "image PNG" in refusal[0].expected
    assert refusal[0].line == 1 and not report.written
    assert str(refusal[0]).count("\n") == 0


@pytest.mark.parametrize(
    ("kind", "data", "says"),
    [
        ("annuaire", b'{"nom": "Dupont"}', "du JSON"),
        ("theses", b"Nom;Prenom\nDupont;Jean\n", "un fichier JSON attendu"),
        ("orcid", b"BEGIN:VCARD\r\nFN:Jean\r\nEND:VCARD\r\n", "une vCard"),
        ("vcard", b"<html><body>x</body></html>", "XML"),
        ("dues", b"PK\x03\x04binary", "ZIP"),
    ],
)
def test_a_wrong_format_is_said_in_one_line(kind: str, data: bytes, says: str) -> None:
    report = run(kind, data, "fichier")
    assert len(report.errors) == 1 and says in report.errors[0].expected


def _people(*names: tuple[str, str, str]) -> None:
    header = "Nom;Prénom;Promo;Filière;Email;Ville\r\n"
    rows = "".join(
        f"{last};{first};P 2012;Ingénieur civil;{email};Paris\r\n" for last, first, email in names
    )
    assert run("annuaire", (header + rows).encode(), "annuaire.csv").written


def test_a_dues_file_is_an_import_like_the_others() -> None:
    _people(
        ("Arnaud", "Lucie", "lucie.arnaud@example.org"),
        ("Benoît", "Marc", "marc.benoit@example.org"),
        ("Carpentier", "Anne", "anne.carpentier@example.org"),
        ("Étienne", "Sarah", "sarah.etienne@example.org"),
    )
    people = Person.objects.count()
    report = run("dues", read("cotisations_2021.csv"), "cotisations_2021.csv")
    assert report.errors == [] and report.written
    assert Person.objects.count() == people  # a dues file creates nobody
    assert [w.line for w in report.warnings] == [4]  # « non »: no payment, the row skipped
    got = {
        p.person.last_name: (p.amount, p.category, p.paid_on)
        for p in DuesPayment.objects.select_related("person")
    }
    assert got == {
        "Arnaud": (None, "full", date(2021, 1, 1)),
        "Benoît": (Decimal("120.00"), "full", date(2021, 1, 15)),
        "Étienne": (Decimal("30.00"), "reduced", date(2021, 2, 3)),
    }
    run_row = ImportRun.objects.get(pk=report.run_id)
    assert run_row.kind == "dues" and run_row.status == RunStatus.DONE
    again = run("dues", read("cotisations_2021.csv"), "cotisations_2021.csv")
    assert again.counts["unchanged"] == 3 and again.counts["updated"] == 0
    changed = read("cotisations_2021.csv").replace(b"120,00", b"150,00")
    refused = run("dues", changed, "cotisations_2021.csv")
    assert refused.rejected_lines == [3] and "différente" in refused.errors[0].expected


def test_a_dues_file_names_an_unknown_member() -> None:
    data = b"email;annee;montant\r\nnobody@example.org;2021;oui\r\n"
    report = run("dues", data, "c.csv")
    assert report.rejected_lines == [2]


def test_a_changed_export_shows_what_changes_and_who_is_absent() -> None:
    header = "Identifiant;Nom;Prénom;Promo;Filière;Email;Ville\r\n"
    first = (
        header
        + "1;Arnaud;Lucie;P 2012;Ingénieur civil;lucie.arnaud@example.org;Paris\r\n"
        + "2;Benoît;Marc;E 2005;Ingénieur civil;marc.benoit@example.org;Lyon\r\n"
        + "3;Carpentier;Anne;N 1998;Docteur;anne.carpentier@example.org;Nantes\r\n"
    )
    assert run("annuaire", first.encode(), "v1.csv").written
    second = (
        header
        + "1;Arnaud;Lucie;P 2012;Ingénieur civil;lucie.arnaud@example.org;Marseille\r\n"
        + "3;Carpentier;Anne;N 1998;Docteur;anne.carpentier@example.org;Nantes\r\n"
        + "4;Dubreuil;Paul;P 2016;Docteur;paul.dubreuil@example.org;Toulouse\r\n"
    )
    report = run("annuaire", second.encode(), "v2.csv", dry_run=True)
    data = report.as_dict()
    by_line = {item["line"]: item for item in data["items"]}
    assert by_line[2]["status"] == "updated"
    assert by_line[2]["diffs"] == [{"field": "ville", "old": "Paris", "new": "Marseille"}]
    assert by_line[3]["status"] == "unchanged" and by_line[4]["status"] == "created"
    assert [a["label"] for a in data["absent"]] == ["Marc Benoît"] and data["absent_count"] == 1
    assert Person.objects.filter(last_name="Benoît").exists()  # never deleted


def test_the_cli_report_shows_warnings_apart(tmp_path: Any) -> None:
    from filon.cli import app

    path = tmp_path / "annuaire.csv"
    path.write_bytes(read("annuaire_backoffice.csv"))
    result = CliRunner().invoke(app, ["import", "annuaire", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["errors"] == [] and len(payload["warnings"]) == 3
    text = CliRunner().invoke(app, ["import", "annuaire", str(path), "--dry-run"])
    assert "Avertissements : 3" in text.stdout
    assert "avertissement : annuaire.csv:3: Portable « 07 12 70 91 08 »" in text.stderr


def test_import_help_lists_every_accepted_form() -> None:
    from filon.cli import app

    out = CliRunner().invoke(app, ["import", "--help"], terminal_width=200).stdout
    for form in ("oui", "✓", "à jour", "07 12 70 91 08", "1 200,50", "15/01/2020", "PNG"):
        assert form in out, form


# -- the one upload flow -----------------------------------------------------------------------


def _upload(client: Client, kind: str, data: bytes, name: str, **extra: Any) -> Any:
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})


def test_staff_upload_a_dues_file_in_the_same_flow(staff_client: Client) -> None:
    _people(("Arnaud", "Lucie", "lucie.arnaud@example.org"))
    data = b"email;annee;montant\r\nlucie.arnaud@example.org;2022;oui\r\n"
    response = _upload(staff_client, "dues", data, "cotisations.csv")
    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "Aperçu : cotisations.csv" in page and "Confirmer l" in page
    assert "cotisation 2022" in page
    run_row = ImportRun.objects.get(filename="cotisations.csv")
    assert staff_client.post(f"/imports/{run_row.pk}/confirmer/").status_code == 302
    assert DuesPayment.objects.filter(year=2022, amount=None).count() == 1


def test_the_old_dues_upload_address_leads_to_the_one_flow(staff_client: Client) -> None:
    response = staff_client.get("/association/cotisations/import/")
    assert response.status_code == 302 and response["Location"] == "/imports/?kind=dues"
    page = staff_client.get("/imports/?kind=dues").content.decode()
    assert '<option value="dues" selected>' in page


def test_staff_upload_a_cordis_grant_file(staff_client: Client) -> None:
    org = FIXTURES.parent / "money" / "cordis" / "organization.csv"
    projects = FIXTURES.parent / "money" / "cordis" / "project.csv"
    response = _upload(
        staff_client,
        "funding",
        org.read_bytes(),
        "organization.csv",
        projects=SimpleUploadedFile("project.csv", projects.read_bytes()),
    )
    assert response.status_code == 302
    run_row = ImportRun.objects.get(filename="organization.csv")
    assert run_row.kind == "funding" and not run_row.report.get("errors"), run_row.report
    assert staff_client.post(f"/imports/{run_row.pk}/confirmer/").status_code == 302
    run_row.refresh_from_db()
    assert run_row.status == RunStatus.DONE


def test_staff_upload_a_png_as_grants_and_read_one_line(staff_client: Client) -> None:
    response = _upload(staff_client, "funding", PNG, "organization.csv")
    page = staff_client.get(response["Location"]).content.decode()
    assert page.count("image PNG") == 1 and "Confirmer l" not in page


def test_a_pending_preview_shows_its_progress(staff_client: Client) -> None:
    run_row = ImportRun.objects.create(
        kind="annuaire",
        filename="grand.csv",
        sha256="0" * 64,
        report={"pending": True, "items": [], "total": 30000, "done": 12000},
        stored_name="absent.upload",
    )
    page = staff_client.get(f"/imports/{run_row.pk}/").content.decode()
    assert '<progress max="30000" value="12000">' in page and "Confirmer l" not in page
    assert 'hx-trigger="every 1s"' in page
    part = staff_client.get(f"/imports/{run_row.pk}/progression/")
    assert part.status_code == 200 and b"12000" in part.content
    run_row.report = {"rows": 1, "errors": []}
    run_row.save()
    done = staff_client.get(f"/imports/{run_row.pk}/progression/")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_a_large_upload_is_previewed_by_the_queue(staff_client: Client, monkeypatch: Any) -> None:
    from filon.imports import views

    queued: list[int] = []
    monkeypatch.setattr(views, "can_defer", lambda: True)
    monkeypatch.setattr(views, "QUEUE_FROM_LINES", 2)
    monkeypatch.setattr(views, "enqueue", lambda task, pk: queued.append(pk))
    data = "Nom;Prénom\r\nA;B\r\nC;D\r\n".encode()
    response = _upload(staff_client, "annuaire", data, "grand.csv")
    run_row = ImportRun.objects.get(filename="grand.csv")
    assert queued == [run_row.pk] and run_row.report["pending"]
    from filon.imports.tasks import run_preview

    run_preview(run_row.pk)
    run_row.refresh_from_db()
    assert run_row.report["created"] == 2 and not run_row.report.get("pending")
    assert response.status_code == 302
