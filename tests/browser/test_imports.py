"""The staff's import flow in a browser: upload, preview, confirm, then the merge review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SOPHIE_EMAIL = "sophie.lambert@example.org"
SOPHIE_PASSWORD = "filon-sophie"


def _log_in(page: Any) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(SOPHIE_EMAIL)
    page.get_by_label("Mot de passe").fill(SOPHIE_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_staff_uploads_previews_confirms_and_reviews_a_duplicate(
    page: Any, screenshots: Path
) -> None:
    from filon.directory.models import Affiliation, Person

    aff = (
        Affiliation.objects.select_related("person", "school")
        .filter(track="ingenieur_civil")
        .order_by("pk")
        .first()
    )
    assert aff is not None
    near = aff.person.last_name[:-1] + ("e" if aff.person.last_name[-1] != "e" else "a")
    text = (
        "Nom;Prénom;Promo;Filière;Email;Portable;Entreprise;Fonction\r\n"
        f"{near};{aff.person.first_name};{aff.promo};Ingénieur civil;"
        "nouvelle.adresse@example.org;06 11 22 33 44;Safran SA;Ingénieur\r\n"
        "Nouvelle;Personne;N24;Docteur;n.personne@example.org;07 81 23 45 67;;\r\n"
    )
    before = Person.objects.count()
    _log_in(page)
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("Type de fichier").select_option("annuaire")
    page.get_by_label("Fichier", exact=True).set_input_files(
        files=[{"name": "annuaire.csv", "mimeType": "text/csv", "buffer": text.encode("cp1252")}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Aperçu : annuaire.csv")).to_be_visible()
    expect(page.get_by_text("doublon possible à examiner").first).to_be_visible()
    page.screenshot(path=str(screenshots / "imports-preview.png"), full_page=True)
    assert Person.objects.count() == before
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("heading", name="Importé : annuaire.csv")).to_be_visible()
    assert Person.objects.count() == before + 2
    page.get_by_role("link", name="Examiner les doublons possibles").click()
    expect(page.get_by_role("heading", name="Fiche existante").first).to_be_visible()
    page.screenshot(path=str(screenshots / "imports-merges.png"), full_page=True)
    page.get_by_role("button", name="Fusionner dans la fiche existante").click()
    expect(page.get_by_text("Fiches fusionnées")).to_be_visible()
    assert Person.objects.count() == before + 1
    page.goto(f"/annuaire/{aff.person_id}/")
    expect(page.get_by_role("heading", name="Provenance des données")).to_be_visible()
    page.screenshot(path=str(screenshots / "imports-provenance.png"), full_page=True)


def test_staff_imports_dues_from_the_dashboard_through_the_one_flow(
    page: Any, tmp_path: Path, screenshots: Path
) -> None:
    from filon.association.models import DuesPayment

    _log_in(page)
    page.goto("/association/tableau-de-bord/")
    page.get_by_role("link", name="Importer des cotisations (CSV)").click()
    expect(page.get_by_label("Type de fichier")).to_have_value("dues")
    bad = tmp_path / "paiements.csv"
    bad.write_bytes(
        "email;année;montant;date\r\n"
        "bernard.vasseur@example.org;2031;12,x;15/01/2031\r\n"
        "personne@nulle-part.fr;2031;30;15/01/2031\r\n".encode("cp1252")
    )
    page.get_by_label("Fichier", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Voir l'aperçu").click()
    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("cotisation attendue")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    page.screenshot(path=str(screenshots / "dues-import-errors.png"), full_page=True)

    good = tmp_path / "paiements-corrigés.csv"
    good.write_bytes(
        "email;année;montant;date;catégorie\r\n"
        "bernard.vasseur@example.org;2031;oui;15/01/2031;plein\r\n"
        "claire.dumas@example.org;2031;non;;\r\n".encode("cp1252")
    )
    page.goto("/imports/?kind=dues")
    page.get_by_label("Fichier", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Avertissements")).to_be_visible()
    expect(page.get_by_text("cotisation 2031")).to_be_visible()
    page.screenshot(path=str(screenshots / "dues-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("heading", name="Importé : paiements-corrigés.csv")).to_be_visible()
    assert DuesPayment.objects.filter(year=2031, amount=None).count() == 1


def test_staff_uploads_a_png_as_grants_and_reads_one_line(page: Any, tmp_path: Path) -> None:
    png = Path(__file__).resolve().parent.parent / "fixtures" / "imports" / "real" / "logo.png"
    _log_in(page)
    page.goto("/imports/")
    page.get_by_label("Type de fichier").select_option("funding")
    page.get_by_label("Fichier", exact=True).set_input_files(
        files=[{"name": "organization.csv", "mimeType": "text/csv", "buffer": png.read_bytes()}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    errors = page.locator("table.errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("image PNG")
