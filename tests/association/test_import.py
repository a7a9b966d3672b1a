"""Importing dues payments from CSV: detection, atomicity, every error reported, idempotence,
the upload → preview → confirm pages and `filon import dues`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from filon.association.actions import ImportRefused, import_dues_payments
from filon.association.importers import plan_dues_import
from filon.association.models import DuesPayment
from filon.audit.models import AuditEntry
from filon.cli import app
from filon.directory.models import ContactPoint, Person

UPLOAD = "/association/cotisations/import/"
CONFIRM = "/association/cotisations/import/confirmer/"


def email_of(person: Person) -> str:
    return person.contact_points.get(kind="email").value


@pytest.fixture
def people(make_person: Any) -> list[Person]:
    return [make_person(track="ingenieur_civil", year=1990 + i, thesis=None) for i in range(3)]


def _french(people: list[Person]) -> bytes:
    """What Excel in French saves: cp1252, ';', French headers, decimal commas, dd/mm/yyyy."""
    a, b, c = (email_of(p) for p in people)
    text = (
        "Courriel;Année;Montant (€);Date de paiement;Catégorie\r\n"
        f"{a};2020;120,00;15/01/2020;Plein tarif\r\n"
        f"{b.upper()};2020;30,50;03/02/2020;réduit\r\n"
        f"{c};2021;60;2021-03-01;Retraité\r\n"
    )
    return text.encode("cp1252")


def _english(people: list[Person]) -> bytes:
    """UTF-8 with a BOM, ',' and English headers, ISO dates, a quoted cell."""
    a, b, _c = (email_of(p) for p in people)
    text = (
        "Email,Year,Amount,Date,Category\n"
        f'{a},2022,"1,200.00",2022-01-15,life\n'
        f"{b},2022,120.00,2022-02-03,\n"
    )
    return text.encode("utf-8-sig")


def test_a_french_excel_file_is_read(people: list[Person]) -> None:
    plan = plan_dues_import(_french(people), "paiements.csv")
    assert (plan.encoding, plan.delimiter) == ("cp1252", ";")
    assert plan.errors == []
    assert [(p.person_id, p.year, p.amount, p.category, p.paid_on) for p in plan.to_create] == [
        (people[0].pk, 2020, Decimal("120.00"), "full", date(2020, 1, 15)),
        (people[1].pk, 2020, Decimal("30.50"), "reduced", date(2020, 2, 3)),
        (people[2].pk, 2021, Decimal("60.00"), "retired", date(2021, 3, 1)),
    ]
    assert [p.line for p in plan.to_create] == [2, 3, 4]
    assert import_dues_payments(None, plan) == 3
    assert DuesPayment.objects.count() == 3


def test_a_utf8_bom_file_with_commas_and_english_headers_is_read(people: list[Person]) -> None:
    plan = plan_dues_import(_english(people), "payments.csv")
    assert (plan.encoding, plan.delimiter) == ("utf-8-sig", ",")
    assert plan.errors == []
    assert [(p.amount, p.category) for p in plan.to_create] == [
        (Decimal("1200.00"), "life"),
        (Decimal("120.00"), "full"),
    ]


def test_excels_unicode_text_export_is_read(people: list[Person]) -> None:
    text = f"email\tannée\tmontant\tdate\n{email_of(people[0])}\t2020\t120,00\t01/02/2020\n"
    plan = plan_dues_import(text.encode("utf-16"), "unicode.txt")
    assert (plan.encoding, plan.delimiter, plan.errors) == ("utf-16", "\t", [])
    assert plan.to_create[0].person_id == people[0].pk


def test_a_tab_separated_file_with_person_ids_is_read(people: list[Person]) -> None:
    text = f"id\tyear\tamount\tdate\n{people[0].pk}\t2020\t120\t01/02/2020\n"
    plan = plan_dues_import(text.encode(), "ids.tsv")
    assert plan.delimiter == "\t"
    assert plan.errors == []
    assert plan.to_create[0].person_id == people[0].pk


def test_every_invalid_row_is_reported_and_nothing_is_written(people: list[Person]) -> None:
    a, b, c = (email_of(p) for p in people)
    text = (
        "email;année;montant;date;catégorie\n"
        f"{a};2020;120;15/01/2020;plein\n"  # 2: valid
        "\n"  # 3: blank, skipped but counted by the editor
        f"{b};2020;12,x;15/01/2020;plein\n"  # 4: amount
        f'{c};20;"60\n'  # 5-6: year; the quoted amount spans two lines (and is valid)
        '";31/02/2021;vip\n'
        "inconnu@example.org;2021;60;01/03/2021;\n"  # 7: unknown e-mail
        f"{a};2020;120;15/01/2020;plein\n"  # 8: the same payment as line 2
    )
    plan = plan_dues_import(text.encode("utf-8"), "paiements.csv")
    messages = [str(e) for e in plan.errors]
    assert messages == [
        "paiements.csv:4: montant « 12,x » : nombre attendu",
        "paiements.csv:5: année « 20 » : année sur quatre chiffres attendue (ex. 2020)",
        "paiements.csv:5: date « 31/02/2021 » : date attendue (jj/mm/aaaa ou aaaa-mm-jj)",
        "paiements.csv:5: catégorie « vip » : "
        "catégorie attendue : plein, réduit, retraité ou à vie",
        "paiements.csv:7: email « inconnu@example.org » : "
        "adresse e-mail d'un membre de l'annuaire attendue",
        "paiements.csv:8: année « 2020 » : "
        "une seule cotisation par membre et par année (déjà ligne 2)",
    ]
    assert plan.rejected_lines == [4, 5, 7, 8]
    assert len(plan.to_create) == 1
    with pytest.raises(ImportRefused):
        import_dues_payments(None, plan)
    assert not DuesPayment.objects.exists()
    assert not AuditEntry.objects.filter(action="dues.import").exists()


def test_missing_columns_are_reported_on_the_header_line(db: None) -> None:
    plan = plan_dues_import(b"\n\nnom;montant\nDupont;12\n", "f.csv")
    assert {e.line for e in plan.errors} == {3}
    text = " / ".join(str(e) for e in plan.errors)
    assert "« email » ou « id »" in text
    assert "« année »" in text
    assert "« date »" in text
    assert "« montant »" not in text


def test_a_spreadsheet_that_is_not_a_csv_is_refused_clearly(db: None) -> None:
    plan = plan_dues_import(b"email;annee;montant;date\nPK\x03\x04\x00\x00;1\n", "x.xlsx")
    assert [(e.line, e.field) for e in plan.errors] == [(2, "fichier")]
    assert "un fichier texte CSV attendu" in str(plan.errors[0])
    assert plan.to_create == []
    assert plan_dues_import(b"", "vide.csv").errors[0].expected == (
        "un en-tête et des lignes attendus"
    )


def test_reimporting_the_same_file_changes_nothing(people: list[Person]) -> None:
    data = _french(people)
    import_dues_payments(None, plan_dues_import(data, "paiements.csv"))
    before = list(DuesPayment.objects.order_by("pk").values())
    again = plan_dues_import(data, "paiements.csv")
    assert again.errors == []
    assert again.to_create == []
    assert len(again.unchanged) == 3
    assert import_dues_payments(None, again) == 0
    assert list(DuesPayment.objects.order_by("pk").values()) == before


def test_a_different_payment_for_the_same_year_is_an_error(people: list[Person]) -> None:
    DuesPayment.objects.create(
        person=people[0], year=2020, amount=Decimal("90"), paid_on=date(2020, 1, 2)
    )
    plan = plan_dues_import(_french(people), "paiements.csv")
    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert (error.line, error.field, error.value) == (2, "Année", "2020")
    assert "différente est déjà enregistrée" in error.expected
    assert "90,00 €" in error.expected


def test_an_email_shared_by_two_members_asks_for_the_id(people: list[Person]) -> None:
    shared = email_of(people[0])
    ContactPoint.objects.create(person=people[1], kind="email", value=shared)
    plan = plan_dues_import(f"email;year;amount;date\n{shared};2020;10;2020-01-01\n".encode(), "f")
    assert "indiquez l'identifiant" in plan.errors[0].expected


def test_a_payment_recorded_since_the_preview_refuses_the_whole_import(
    people: list[Person],
) -> None:
    plan = plan_dues_import(_french(people), "paiements.csv")
    DuesPayment.objects.create(
        person=people[2], year=2021, amount=Decimal("60"), paid_on=date(2021, 3, 1)
    )
    with pytest.raises(ImportRefused):
        import_dues_payments(None, plan)
    assert DuesPayment.objects.count() == 1


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_cli_imports_a_file_and_writes_an_audit_row(
    cli: CliRunner, people: list[Person], tmp_path: Path
) -> None:
    path = tmp_path / "paiements.csv"
    path.write_bytes(_french(people))
    result = cli.invoke(app, ["import", "dues", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] is True
    assert (report["created"], report["unchanged"], report["rejected"]) == (3, 0, 0)
    assert DuesPayment.objects.count() == 3
    entry = AuditEntry.objects.get(action="dues.import")
    assert entry.details["created"] == 3
    assert entry.details["file"] == "paiements.csv"
    assert entry.details["source"] == "cli"

    again = cli.invoke(app, ["import", "dues", str(path)])
    assert again.exit_code == 0, again.output
    assert "inchangées : 3" in again.stdout
    assert DuesPayment.objects.count() == 3


def test_cli_dry_run_writes_nothing(cli: CliRunner, people: list[Person], tmp_path: Path) -> None:
    path = tmp_path / "paiements.csv"
    path.write_bytes(_french(people))
    result = cli.invoke(app, ["import", "dues", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Cotisations qui seraient créées" in result.stdout
    assert people[0].full_name in result.stdout
    assert "rien n'a été écrit" in result.stdout
    assert not DuesPayment.objects.exists()
    assert not AuditEntry.objects.filter(action="dues.import").exists()


def test_cli_lists_every_invalid_row_and_exits_1(
    cli: CliRunner, people: list[Person], tmp_path: Path
) -> None:
    a, b, _c = (email_of(p) for p in people)
    path = tmp_path / "paiements.csv"
    path.write_text(
        f"email;année;montant;date\n{a};2020;12,x;01/01/2020\n{b};2020;10;2020-13-01\n"
        f"{a};2021;10;01/01/2021\n",
        encoding="utf-8",
    )
    result = cli.invoke(app, ["import", "dues", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["written"] is False
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert "paiements.csv:2: montant « 12,x » : nombre attendu" in result.stderr
    assert "paiements.csv:3: date « 2020-13-01 »" in result.stderr
    assert "rien n'a été écrit" in result.stderr
    assert not DuesPayment.objects.exists()


def test_cli_shows_progress_on_a_big_file(cli: CliRunner, demo: Any, tmp_path: Path) -> None:
    ids = list(Person.objects.values_list("pk", flat=True))
    lines = ["id;année;montant;date"]
    lines += [f"{pid};{year};10;01/01/{year}" for pid in ids for year in range(1990, 1998)]
    path = tmp_path / "gros.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli.invoke(app, ["import", "dues", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == len(lines) - 1 == 2400
    assert "Lecture de gros.csv" in result.stderr


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "imports" / "dues"


def _upload(client: Client, data: bytes, name: str = "paiements.csv") -> Any:
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_upload_preview_then_confirm(
    staff_client: Client, people: list[Person], media: Path
) -> None:
    assert staff_client.get(UPLOAD).status_code == 200
    preview = _upload(staff_client, _french(people))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Aperçu : paiements.csv" in html
    assert "Confirmer l&#x27;import de 3 cotisations" in html or "Confirmer l'import de 3" in html
    assert people[1].full_name in html
    assert not DuesPayment.objects.exists()
    token = preview.context["token"]
    assert (media / f"{token}.csv").read_bytes() == _french(people)

    done = staff_client.post(CONFIRM, {"token": token}, follow=True)
    assert done.redirect_chain == [(UPLOAD, 302)]
    assert "paiements.csv importé : 3 cotisation(s) créée(s)" in done.content.decode()
    assert DuesPayment.objects.count() == 3
    assert AuditEntry.objects.get(action="dues.import").details["source"] == "web"
    assert not (media / f"{token}.csv").exists()
    # The token is spent: confirming again writes nothing more.
    again = staff_client.post(CONFIRM, {"token": token}, follow=True)
    assert "plus disponible" in again.content.decode()
    assert DuesPayment.objects.count() == 3


def test_an_invalid_upload_lists_the_errors_and_offers_no_confirmation(
    staff_client: Client, people: list[Person], media: Path
) -> None:
    data = _french(people).replace(b"120,00", b"12,x").replace(b"Retrait", b"Inconnu")
    html = _upload(staff_client, data).content.decode()
    assert "Lignes refusées" in html
    assert "12,x" in html
    assert "nombre attendu" in html
    assert "catégorie attendue" in html
    assert CONFIRM not in html
    assert not DuesPayment.objects.exists()


def test_a_token_from_another_session_is_refused(
    staff_client: Client, staff: Any, people: list[Person], media: Path
) -> None:
    token = _upload(staff_client, _french(people)).context["token"]
    other = Client()
    other.force_login(staff)
    response = other.post(CONFIRM, {"token": token}, follow=True)
    assert "plus disponible" in response.content.decode()
    assert other.post(CONFIRM, {"token": "../../etc/passwd"}).status_code == 302
    assert not DuesPayment.objects.exists()


def test_members_may_not_import(member_client: Client, people: list[Person], media: Path) -> None:
    assert member_client.get(UPLOAD).status_code == 403
    assert _upload(member_client, _french(people)).status_code == 403
    assert member_client.post(CONFIRM, {"token": "x" * 32}).status_code == 403
    assert not DuesPayment.objects.exists()
