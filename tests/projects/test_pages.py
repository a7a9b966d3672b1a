"""Project pages: privacy, creating a scenario and hypotheses, logging meetings, GDPR."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import Role
from filon.audit.models import AuditEntry
from filon.directory.privacy import viewer_for
from filon.projects import actions, queries
from filon.projects.models import Hypothesis, Meeting, Referral, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(member: Any) -> Scenario:
    return actions.save_scenario(
        member, {"title": "Télédétection pour les assureurs agricoles", "segment": "Assureurs"}
    )


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_anonymous_is_sent_to_login(scenario: Scenario) -> None:
    for url in ("/projet/", f"/projet/scenarios/{scenario.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_another_member_and_staff_get_404(
    scenario: Scenario, make_user: Any, make_person: Any, staff_client: Client
) -> None:
    other = _client(make_user(Role.MEMBER, person=make_person("Odile")))
    urls = [
        f"/projet/scenarios/{scenario.pk}/",
        f"/projet/scenarios/{scenario.pk}/fiche/",
        f"/projet/scenarios/{scenario.pk}/modifier/",
        f"/projet/scenarios/{scenario.pk}/rencontre/",
    ]
    for url in urls:
        assert other.get(url).status_code == 404, url
        assert staff_client.get(url).status_code == 404, url
    # Staff without a directory entry have no project page either.
    assert staff_client.get("/projet/").status_code == 404
    # Another member's own page does not list the scenario.
    assert scenario.title not in other.get("/projet/").content.decode()


def test_create_scenario_add_hypothesis_and_log_meeting(member: Any, member_client: Client) -> None:
    response = member_client.post(
        "/projet/scenarios/nouveau/",
        {"title": "Cartes de risque", "offer_type": "study", "segment": "Assureurs agricoles"},
    )
    scen = Scenario.objects.get(title="Cartes de risque")
    assert response.status_code == 302 and scen.person_id == member.person_id
    member_client.post(
        f"/projet/scenarios/{scen.pk}/",
        {"h-dimension": "who", "h-statement": "Les assureurs achètent des cartes",
         "h-criterion": "3 assureurs sur 5", "h-criticality": "4"},
    )  # fmt: skip
    h = Hypothesis.objects.get(scenario=scen)
    page = member_client.get(f"/projet/scenarios/{scen.pk}/").content.decode()
    assert "Les assureurs achètent des cartes" in page and "non testée" in page

    for i, org in enumerate(["Groupama", "Pacifica", "Axa"]):
        data = {
            "contact_name": f"Personne {i}", "organisation": org, "date": f"2026-03-0{i + 1}",
            "format": "video", "note_kind_1": "pain", "note_text_1": "Les sinistres coûtent cher",
            f"verdict_{h.pk}": "supports", f"strength_{h.pk}": "2",
            "commitment": "reputation" if i == 2 else "",
            "next_step": "Envoyer une maquette", "next_step_date": "2026-04-01",
        }  # fmt: skip
        if i == 0:
            data["referral_name_1"] = "Paul Tiers"
        assert (
            member_client.post(f"/projet/scenarios/{scen.pk}/rencontre/", data).status_code == 302
        )
    data = queries.scenario_page(viewer_for(member), scen.pk)
    assert [row["a"].state for row in data["hypotheses"]] == ["supported"]
    assert Referral.objects.filter(name="Paul Tiers").count() == 1
    assert AuditEntry.objects.filter(action="projects.meeting.log").count() == 3
    assert AuditEntry.objects.filter(action="projects.scenario.create").count() == 1


def test_fluff_meeting_is_flagged_and_does_not_count(member: Any, scenario: Scenario) -> None:
    h = actions.add_hypothesis(member, scenario, "why", "Les sinistres coûtent cher")
    for org in "ABC":
        actions.log_meeting(
            member,
            actions.MeetingInput(
                contact_name=f"M. {org}", organisation=org, date=date(2026, 1, 5),
                notes=[("compliment", "Super idée !"), ("fluff", "On en aurait besoin")],
                verdicts=[(h, "supports", 3, "")],
            ),
        )  # fmt: skip
    viewer = viewer_for(member)
    data = queries.scenario_page(viewer, scenario.pk)
    row = data["hypotheses"][0]
    assert row["a"].state == "untested" and row["a"].ignored == 3
    assert all(m["flags"].zombie and m["flags"].flagged_notes == 2 for m in data["meetings"])
    client = _client(member)
    page = client.get(f"/projet/scenarios/{scenario.pk}/").content.decode()
    assert "sans engagement ni suite" in page and "sans preuve : ne compte pas" in page


def test_reminders_and_follow_up(member: Any, member_client: Client, scenario: Scenario) -> None:
    yesterday = date.today() - timedelta(days=1)
    m = actions.log_meeting(
        member,
        actions.MeetingInput(
            contact_name="Jeanne", date=yesterday, scenarios=[scenario],
            next_step="Rappeler Jeanne", next_step_date=yesterday,
        ),
    )  # fmt: skip
    assert "Rappeler Jeanne" in member_client.get("/projet/").content.decode()
    member_client.post(f"/projet/rencontres/{m.pk}/suivi/")
    assert Meeting.objects.get(pk=m.pk).next_step_done
    assert "Rappeler Jeanne" not in member_client.get("/projet/").content.decode()


def test_referral_chain_on_the_scenario(member: Any, make_person: Any, scenario: Scenario) -> None:
    ben = make_person("Ben", "Relais", school="E")
    first = actions.log_meeting(
        member,
        actions.MeetingInput(
            contact_name="Ana", date=date(2026, 1, 1), scenarios=[scenario],
            referrals=[("Ben Relais", "", ben)],
        ),
    )  # fmt: skip
    second = actions.log_meeting(
        member,
        actions.MeetingInput(
            contact_name="Ben Relais", contact=ben, date=date(2026, 2, 1), scenarios=[scenario]
        ),
    )
    data = queries.scenario_page(viewer_for(member), scenario.pk)
    links = {row["meeting"].pk: (row["parent"], row["depth"]) for row in data["chain"]}
    assert links[first.pk] == (None, 0)
    assert links[second.pk] == (first, 1)


def test_actions_refuse_someone_elses_scenario(
    scenario: Scenario, make_user: Any, make_person: Any
) -> None:
    other = make_user(Role.MEMBER, person=make_person("Odile"))
    with pytest.raises(queries.NotFound):
        actions.add_hypothesis(other, scenario, "who", "x")
    with pytest.raises(queries.NotFound):
        actions.save_scenario(other, {"title": "volé"}, scenario=scenario)
    with pytest.raises(queries.NotFound):
        actions.log_meeting(
            other, actions.MeetingInput(contact_name="x", date=date.today(), scenarios=[scenario])
        )


def test_competences_and_desires(member: Any, member_client: Client) -> None:
    member_client.post(
        "/projet/",
        {
            "c-statement": "Traitement d'images satellite",
            "c-evidence": "Thèse",
            "c-blocks": ["2", "4"],
            "c-taxonomy": "géomaticien, teaching and training",
        },
    )
    member_client.post("/projet/", {"d-kind": "status", "d-text": "Indépendante", "d-weight": "4"})
    page = member_client.get("/projet/").content.decode()
    assert "Traitement d&#x27;images satellite" in page and "bloc 4" in page
    assert "ROME · Géomaticien / Géomaticienne" in page
    assert "ESCO · teaching and training" in page
    assert "Indépendante" in page


def test_gdpr_export_and_erasure(member: Any, member_client: Client, scenario: Scenario) -> None:
    from filon.directory.actions import erase_person
    from filon.directory.queries import personal_data

    actions.log_meeting(
        member, actions.MeetingInput(contact_name="Jeanne", date=date.today(), scenarios=[scenario])
    )
    data = personal_data(member)
    assert data["project"]["scenarios"][0]["title"] == scenario.title
    assert data["project"]["meetings"][0]["with"] == "Jeanne"
    erase_person(member, member.person)
    assert not Scenario.objects.exists() and not Meeting.objects.exists()


def test_edit_scenario_and_print_sheet(member: Any, member_client: Client) -> None:
    from filon.orgs.models import Organisation

    Organisation.objects.create(name="Groupama", kind="company")
    s = actions.save_scenario(member, {"title": "Cartes", "price_model": "fixed"})
    response = member_client.post(
        f"/projet/scenarios/{s.pk}/modifier/",
        {"title": "Cartes de sinistres", "offer_type": "study", "nace": "65, 66",
         "buyers": "Groupama, Inconnue SA", "price_min": "15000", "price_max": "40000"},
    )  # fmt: skip
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.title == "Cartes de sinistres" and s.nace_codes == ["65", "66"]
    assert [o.name for o in s.buyer_organisations.all()] == ["Groupama"]
    sheet = member_client.get(f"/projet/scenarios/{s.pk}/fiche/").content.decode()
    assert "offer-sheet.css" in sheet and "15000 – 40000 €" in sheet and "Groupama" in sheet


def test_the_sheet_leaves_out_the_boxes_the_scenario_does_not_fill(
    member: Any, member_client: Client
) -> None:
    from filon.orgs.models import Organisation

    bare = actions.save_scenario(member, {"title": "Cartes"})
    sheet = member_client.get(f"/projet/scenarios/{bare.pk}/fiche/").content.decode()
    for heading in ("Mon offre", "Qui finance déjà", "Qui achète", "Leur problème"):
        assert f"<h2>{heading}</h2>" not in sheet, heading
    full = actions.save_scenario(
        member,
        {"title": "Cartes", "expertise_link": "Ma thèse sur Sentinel-2",
         "money_note": "Le CNES finance des études d'usage."},
    )  # fmt: skip
    full.funders.add(Organisation.objects.create(name="CNES", kind="agency"))
    sheet = member_client.get(f"/projet/scenarios/{full.pk}/fiche/").content.decode()
    mine = sheet.split("<h2>Mon offre</h2>")[1].split("</section>")[0]
    assert "Ma thèse sur Sentinel-2" in mine
    funding = sheet.split("<h2>Qui finance déjà</h2>")[1].split("</section>")[0]
    assert "CNES" in funding and "études d&#x27;usage" in funding


def test_hypotheses_are_listed_by_testing_priority(member: Any, scenario: Scenario) -> None:
    low = actions.add_hypothesis(member, scenario, "who", "Peu important", criticality=1)
    high = actions.add_hypothesis(member, scenario, "why", "Décisif", criticality=5)
    data = queries.scenario_page(viewer_for(member), scenario.pk)
    assert [row["h"].pk for row in data["hypotheses"]] == [high.pk, low.pk]
    assert [row["priority"] for row in data["hypotheses"]] == [5.0, 1.0]
