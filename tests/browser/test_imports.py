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
