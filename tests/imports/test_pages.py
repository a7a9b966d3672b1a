"""The staff's import pages: upload → preview → confirm, the merge review, provenance."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from filon.directory.models import Person
from filon.imports.models import ImportRun, MatchCandidate, MatchStatus
from tests.imports.conftest import fixture, run

pytestmark = pytest.mark.django_db

HOME = "/imports/"
MERGES = "/imports/fusions/"
CSV = (
    "Nom;Prénom;Promo;Filière;Email;Portable\n"
    "Lefèvre;Hélène;P58;Ingénieur civil;helene@example.org;06 12 34 56 78\n"
    "Roux;Léa;E15;Master;lea@example.org;\n"
).encode("cp1252")


def upload(client: Client, data: bytes, kind: str = "annuaire", **extra: Any) -> Any:
    return client.post(
        HOME, {"kind": kind, "file": SimpleUploadedFile("annuaire.csv", data), **extra}
    )


@pytest.mark.parametrize("url", [HOME, MERGES])
def test_it_sends_anonymous_visitors_to_the_login_page(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("url", [HOME, MERGES])
def test_it_refuses_members(member_client: Client, url: str) -> None:
    assert member_client.get(url).status_code == 403


def test_it_refuses_a_member_posting_a_file(member_client: Client) -> None:
    assert upload(member_client, CSV).status_code == 403
    assert not ImportRun.objects.exists()


def test_upload_shows_a_preview_then_confirm_writes(staff_client: Client) -> None:
    response = upload(staff_client, CSV)
    assert response.status_code == 302
    run_row = ImportRun.objects.get()
    assert run_row.status == "preview" and Person.objects.count() == 0
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Aperçu : annuaire.csv" in html and "Lefèvre" in html and "Confirmer l" in html
    assert run_row.report["created"] == 2
    done = staff_client.post(f"/imports/{run_row.pk}/confirmer/")
    assert done.status_code == 302
    run_row.refresh_from_db()
    assert run_row.status == "done" and run_row.stored_name == ""
    assert Person.objects.count() == 2
    assert run_row.actor is not None and run_row.actor.is_association_staff
    # Confirming twice does not import twice.
    staff_client.post(f"/imports/{run_row.pk}/confirmer/")
    assert Person.objects.count() == 2


def test_a_file_with_a_bad_row_cannot_be_confirmed(staff_client: Client) -> None:
    bad = CSV.replace(b"06 12 34 56 78", b"06 12")
    response = upload(staff_client, bad)
    html = staff_client.get(response["Location"]).content.decode()
    assert "Lignes refusées" in html and "06 12" in html and "Confirmer l" not in html
    run_row = ImportRun.objects.get()
    staff_client.post(f"/imports/{run_row.pk}/confirmer/")
    assert Person.objects.count() == 0


def test_a_linkedin_upload_needs_the_member(staff_client: Client) -> None:
    data = fixture("linkedin", "Connections.SYNTHETIC-example.csv").read_bytes()
    response = upload(staff_client, data, kind="linkedin")
    assert response.status_code == 200 and "Indiquez le membre" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_merge_review_merges_or_keeps_apart(staff_client: Client, make_person: Any) -> None:
    for first in ("Jean", "Marc"):
        make_person(first, "Dupont", school="P", year=1990, track="ingenieur_civil")
    text = (
        "Nom;Prénom;Promo;Filière;Email\n"
        "Dupond;Jean;P90;Ingénieur civil;jd@example.org\n"
        "Dupond;Marc;P90;Ingénieur civil;md@example.org\n"
    )
    run("annuaire", text.encode())
    assert MatchCandidate.objects.count() == 2
    html = staff_client.get(MERGES).content.decode()
    assert "Fiche existante" in html and "jd@example.org" in html
    jean, marc = MatchCandidate.objects.order_by("incoming__first_name")
    staff_client.post(f"/imports/fusions/{jean.pk}/", {"decision": "keep_existing"})
    assert not Person.objects.filter(last_name="Dupond", first_name="Jean").exists()
    staff_client.post(f"/imports/fusions/{marc.pk}/", {"decision": "separate"})
    marc.refresh_from_db()
    assert marc.status == MatchStatus.SEPARATE
    assert "Aucun doublon possible" in staff_client.get(MERGES).content.decode()


def test_a_member_cannot_merge(member_client: Client, make_person: Any) -> None:
    make_person("Jean", "Dupont", school="P", year=1990, track="ingenieur_civil")
    run("annuaire", b"Nom;Prenom;Promo;Filiere;Email\nDupond;Jean;P90;IC;jd@example.org\n")
    candidate = MatchCandidate.objects.get()
    before = Person.objects.count()
    response = member_client.post(
        f"/imports/fusions/{candidate.pk}/", {"decision": "keep_existing"}
    )
    assert response.status_code == 403
    assert Person.objects.count() == before


def test_the_profile_shows_the_provenance_to_staff_only(
    staff_client: Client, member_client: Client
) -> None:
    run("annuaire", CSV, "annuaire-2024.csv")
    person = Person.objects.get(last_name="Lefèvre")
    staff_html = staff_client.get(f"/annuaire/{person.pk}/").content.decode()
    assert "Provenance des données" in staff_html and "annuaire-2024.csv" in staff_html
    assert "ligne 2" in staff_html
    member_html = member_client.get(f"/annuaire/{person.pk}/").content.decode()
    assert "Provenance des données" not in member_html
    assert "annuaire-2024.csv" not in member_html
