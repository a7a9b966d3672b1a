"""The demo docteure builds an offer scenario: creates it, writes a hypothesis, logs a meeting
with a supporting verdict and a referral, and sees the hypothesis state and her contacts change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from filon.directory.models import Person

pytestmark = pytest.mark.browser

CLAIRE = ("claire.dumas@example.org", "filon-claire")


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _someone_to_recommend() -> Person:
    """A findable member with a name nobody else bears, outside Claire's school."""
    people = (
        Person.objects.filter(directory_opt_out=False)
        .exclude(affiliations__school__code="P")
        .exclude(positions__organisation__name="EDF")
        .order_by("pk")
    )
    for p in people:
        if Person.objects.filter(name_folded=p.name_folded).count() == 1:
            return p
    raise AssertionError("the demo network has members of other schools")


def test_claire_tests_a_scenario(page: Any, live_server: Any, screenshots: Path) -> None:
    referred = _someone_to_recommend()
    _log_in(page, *CLAIRE)
    page.get_by_role("navigation").get_by_role("link", name="Mon projet").click()
    expect(page.get_by_role("heading", name="Mon projet professionnel")).to_be_visible()
    page.screenshot(path=str(screenshots / "projects-1-home.png"), full_page=True)

    # 1. A new scenario.
    page.get_by_role("link", name="Nouveau scénario").click()
    page.get_by_label("Titre").fill("Surveillance des forêts pour les énergéticiens")
    page.get_by_label("L'offre en une phrase").fill("Repérer la végétation sous les lignes")
    page.get_by_label("Segment de clients").fill("Gestionnaires de réseaux électriques")
    page.get_by_label("Organisations exemples (noms, séparés par des virgules)").fill("EDF")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_role("heading", name="Surveillance des forêts pour les énergéticiens")
    ).to_be_visible()

    # 2. A hypothesis: untested.
    page.get_by_label("Question").select_option("who")
    page.get_by_role("textbox", name="Hypothèse", exact=True).fill(
        "Les gestionnaires de réseaux paient déjà des inspections"
    )
    page.get_by_label("Nous avons raison si…").fill("2 gestionnaires sur 3 citent un budget")
    page.get_by_role("button", name="Ajouter l'hypothèse").click()
    hypothesis = page.locator(".hypothesis").first
    expect(hypothesis).to_contain_text("non testée")
    entry = page.locator(f'ol.targeted li[data-person="{referred.pk}"]')
    expect(entry).to_have_count(0)
    page.screenshot(path=str(screenshots / "projects-2-scenario.png"), full_page=True)

    # 3. A meeting: a pain, a commitment of time, a supporting verdict and a referral.
    page.get_by_role("link", name="Noter une rencontre").first.click()
    page.get_by_label("Personne rencontrée").fill("Jeanne Réseau")
    page.get_by_label("Son organisation").first.fill("EDF")
    page.get_by_label("Date", exact=True).fill("2026-03-10")
    page.get_by_label("Forme").select_option("video")
    page.get_by_label("Type de note 1").select_option("pain")
    page.get_by_label("Note 1", exact=True).fill(
        "Les élagages d'urgence coûtent des millions par an"
    )
    page.get_by_label("Engagement obtenu").select_option("time")
    page.get_by_label("Les gestionnaires de réseaux paient déjà des inspections").select_option(
        "supports"
    )
    page.get_by_label("Personne recommandée 1").fill(referred.full_name)
    page.get_by_label("Prochaine étape", exact=True).fill("Envoyer une étude de cas")
    page.screenshot(path=str(screenshots / "projects-3-meeting.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer la rencontre").click()

    # 4. The hypothesis is being tested; the referred person is among the contacts.
    expect(page.get_by_text("Rencontre enregistrée.")).to_be_visible()
    expect(hypothesis).to_contain_text("en test")
    expect(hypothesis).to_contain_text("1 pour")
    expect(entry).to_contain_text("vous a été recommandé")
    expect(entry).to_contain_text("Jeanne Réseau")
    expect(page.locator("ul.meetings")).to_contain_text("Jeanne Réseau")
    page.screenshot(path=str(screenshots / "projects-4-after-meeting.png"), full_page=True)
    page.locator("section", has=page.locator("#hyp-title")).screenshot(
        path=str(screenshots / "projects-4a-hypothesis.png")
    )
    entry.screenshot(path=str(screenshots / "projects-4b-referred-contact.png"))
    page.locator("section", has=page.locator("#meetings-title")).screenshot(
        path=str(screenshots / "projects-4c-meetings.png")
    )

    # 5. The printable offer sheet.
    page.get_by_role("link", name="Fiche offre imprimable").click()
    expect(
        page.get_by_role("heading", name="Surveillance des forêts pour les énergéticiens")
    ).to_be_visible()
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshots / "projects-5-sheet.png"), full_page=True)
