"""Editing and deleting a project's meetings, hypotheses, competences, desires and scenarios."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import Role
from filon.audit.models import AuditEntry
from filon.directory.privacy import viewer_for
from filon.projects import actions, queries
from filon.projects.models import (
    Commitment,
    Competence,
    Desire,
    Hypothesis,
    Meeting,
    Note,
    Scenario,
    Verdict,
)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def project(member: Any) -> dict[str, Any]:
    """A scenario whose "who" hypothesis is supported by three meetings (one with a commitment)."""
    s = actions.save_scenario(member, {"title": "Cartes de risque", "segment": "Assureurs"})
    h = actions.add_hypothesis(member, s, "who", "Les assureurs achètent des cartes")
    meetings = [
        actions.log_meeting(
            member,
            actions.MeetingInput(
                contact_name=f"Personne {org}",
                organisation=org,
                date=date(2026, 3, i + 1),
                scenarios=[s],
                notes=[("pain", "Les sinistres coûtent cher")],
                commitments=[("reputation", "Me présente à son directeur")] if i == 2 else [],
                verdicts=[(h, "supports", 2, "")],
            ),
        )
        for i, org in enumerate(["Groupama", "Pacifica", "Axa"])
    ]
    c = actions.add_competence(member, "Traitement d'images satellite", blocks=[2])
    d = actions.add_desire(member, "status", "Indépendante", 4)
    return {"scenario": s, "h": h, "meetings": meetings, "competence": c, "desire": d}


def _state(member: Any, scenario: Scenario, h: Hypothesis) -> str:
    data = queries.scenario_page(viewer_for(member), scenario.pk)
    return next(row["a"].state for row in data["hypotheses"] if row["h"].pk == h.pk)


def _urls(p: dict[str, Any]) -> list[str]:
    m, h, c, d, s = p["meetings"][0], p["h"], p["competence"], p["desire"], p["scenario"]
    return [
        f"/projet/rencontres/{m.pk}/modifier/",
        f"/projet/rencontres/{m.pk}/supprimer/",
        f"/projet/hypotheses/{h.pk}/modifier/",
        f"/projet/hypotheses/{h.pk}/supprimer/",
        f"/projet/competences/{c.pk}/modifier/",
        f"/projet/competences/{c.pk}/supprimer/",
        f"/projet/envies/{d.pk}/modifier/",
        f"/projet/envies/{d.pk}/supprimer/",
        f"/projet/scenarios/{s.pk}/supprimer/",
    ]


def test_owner_sees_the_links_and_the_pages(member_client: Client, project: dict[str, Any]) -> None:
    home = member_client.get("/projet/").content.decode()
    scen = member_client.get(f"/projet/scenarios/{project['scenario'].pk}/").content.decode()
    for url in _urls(project):
        assert url in home + scen, url
        response = member_client.get(url)
        assert response.status_code == 200, url
        assert 'name="csrfmiddlewaretoken"' in response.content.decode(), url
    # A confirmation page deletes nothing by itself.
    assert Meeting.objects.count() == 3 and Hypothesis.objects.count() == 1
    assert Competence.objects.count() == 1 and Desire.objects.count() == 1


def test_others_get_404_and_anonymous_the_login_page(
    project: dict[str, Any], make_user: Any, make_person: Any, staff_client: Client
) -> None:
    other = _client(make_user(Role.MEMBER, person=make_person("Odile")))
    staff_with_person = _client(make_user(Role.STAFF, person=make_person("Sacha")))
    for url in _urls(project):
        for client in (other, staff_client, staff_with_person):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"title": "x", "statement": "x"}).status_code == 404, url
        response = Client().post(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"], url
    assert Meeting.objects.count() == 3 and Hypothesis.objects.count() == 1
    assert Competence.objects.count() == 1 and Desire.objects.count() == 1
    assert Scenario.objects.filter(parked=False).count() == 1
    assert not AuditEntry.objects.filter(action__endswith=".delete").exists()
    assert not AuditEntry.objects.filter(action__endswith=".update").exists()


def test_actions_refuse_someone_else(
    project: dict[str, Any], make_user: Any, make_person: Any
) -> None:
    other = make_user(Role.MEMBER, person=make_person("Odile"))
    m = project["meetings"][0]
    calls = [
        lambda: actions.delete_meeting(other, m),
        lambda: actions.update_meeting(
            other, m, actions.MeetingInput(contact_name="x", date=date.today())
        ),
        lambda: actions.delete_hypothesis(other, project["h"]),
        lambda: actions.update_hypothesis(other, project["h"], {"statement": "x"}),
        lambda: actions.delete_competence(other, project["competence"]),
        lambda: actions.update_competence(other, project["competence"], "x"),
        lambda: actions.delete_desire(other, project["desire"]),
        lambda: actions.update_desire(other, project["desire"], "place", "x"),
        lambda: actions.delete_scenario(other, project["scenario"]),
    ]
    for call in calls:
        with pytest.raises(queries.NotFound):
            call()


def test_csrf_is_required(member: Any, project: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    m = project["meetings"][0]
    assert client.post(f"/projet/rencontres/{m.pk}/supprimer/").status_code == 403
    assert Meeting.objects.filter(pk=m.pk).exists()


def test_edit_a_meeting(member: Any, member_client: Client, project: dict[str, Any]) -> None:
    s, h, m = project["scenario"], project["h"], project["meetings"][2]
    form = member_client.get(f"/projet/rencontres/{m.pk}/modifier/").content.decode()
    assert "Personne Axa" in form and "Les sinistres coûtent cher" in form
    assert _state(member, s, h) == "supported"
    response = member_client.post(
        f"/projet/rencontres/{m.pk}/modifier/",
        {"contact_name": "Personne Axa (corrigé)", "organisation": "Axa", "date": "2026-03-04",
         "format": "phone", "note_kind_1": "fact", "note_text_1": "Ils achètent déjà des cartes",
         "commitment": "money", "commitment_detail": "Devis demandé",
         f"verdict_{h.pk}": "refutes", f"strength_{h.pk}": "3", f"quote_{h.pk}": "Trop cher"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/projet/scenarios/{s.pk}/"
    m.refresh_from_db()
    assert (m.contact_name, m.format, m.date) == (
        "Personne Axa (corrigé)",
        "phone",
        date(2026, 3, 4),
    )
    assert [(n.kind, n.text) for n in Note.objects.filter(meeting=m)] == [
        ("fact", "Ils achètent déjà des cartes")
    ]
    assert [(c.kind, c.detail) for c in Commitment.objects.filter(meeting=m)] == [
        ("money", "Devis demandé")
    ]
    v = Verdict.objects.get(meeting=m)
    assert (v.effect, v.strength, v.quote) == ("refutes", 3, "Trop cher")
    # Two supports and a refutation: the hypothesis is no longer supported.
    assert _state(member, s, h) == "testing"
    entry = AuditEntry.objects.get(action="projects.meeting.update")
    assert entry.target_id == str(m.pk) and entry.actor_id == member.pk


def test_delete_a_supporting_meeting_changes_the_hypothesis_state(
    member: Any, member_client: Client, project: dict[str, Any]
) -> None:
    s, h, m = project["scenario"], project["h"], project["meetings"][2]
    assert _state(member, s, h) == "supported"
    page = member_client.get(f"/projet/scenarios/{s.pk}/").content.decode()
    assert "status-supported" in page
    response = member_client.post(f"/projet/rencontres/{m.pk}/supprimer/")
    assert response.status_code == 302 and response["Location"] == f"/projet/scenarios/{s.pk}/"
    assert not Meeting.objects.filter(pk=m.pk).exists()
    assert not Verdict.objects.filter(meeting_id=m.pk).exists()
    assert not Note.objects.filter(meeting_id=m.pk).exists()
    assert _state(member, s, h) == "testing"
    page = member_client.get(f"/projet/scenarios/{s.pk}/").content.decode()
    assert "Personne Axa" not in page and "status-supported" not in page
    assert "status-testing" in page
    entry = AuditEntry.objects.get(action="projects.meeting.delete")
    assert entry.target_id == str(m.pk) and entry.actor_id == member.pk


def test_edit_and_delete_a_hypothesis(
    member: Any, member_client: Client, project: dict[str, Any]
) -> None:
    s, h = project["scenario"], project["h"]
    response = member_client.post(
        f"/projet/hypotheses/{h.pk}/modifier/",
        {"dimension": "why", "statement": "Les assureurs paient des cartes", "criterion": "3/5",
         "criticality": "5"},
    )  # fmt: skip
    assert response.status_code == 302
    h.refresh_from_db()
    assert (h.dimension, h.statement, h.criticality) == (
        "why",
        "Les assureurs paient des cartes",
        5,
    )
    assert AuditEntry.objects.filter(action="projects.hypothesis.update", target_id=str(h.pk))
    response = member_client.post(f"/projet/hypotheses/{h.pk}/supprimer/")
    assert response["Location"] == f"/projet/scenarios/{s.pk}/"
    assert not Hypothesis.objects.exists() and not Verdict.objects.exists()
    assert Meeting.objects.count() == 3  # the meetings stay
    assert AuditEntry.objects.filter(action="projects.hypothesis.delete", target_id=str(h.pk))
    assert queries.scenario_page(viewer_for(member), s.pk)["state"].status == "draft"


def test_edit_and_delete_a_competence(member_client: Client, project: dict[str, Any]) -> None:
    c = project["competence"]
    c.rome_codes = ["keep-me"]
    c.save()
    response = member_client.post(
        f"/projet/competences/{c.pk}/modifier/",
        {"statement": "Imagerie satellite", "evidence": "Thèse", "blocks": ["4"], "taxonomy": ""},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.statement, c.evidence, c.blocks) == ("Imagerie satellite", "Thèse", [4])
    assert AuditEntry.objects.filter(action="projects.competence.update", target_id=str(c.pk))
    assert member_client.post(f"/projet/competences/{c.pk}/supprimer/").status_code == 302
    assert not Competence.objects.exists()
    assert AuditEntry.objects.filter(action="projects.competence.delete", target_id=str(c.pk))


def test_edit_and_delete_a_desire(member_client: Client, project: dict[str, Any]) -> None:
    d = project["desire"]
    response = member_client.post(
        f"/projet/envies/{d.pk}/modifier/", {"kind": "place", "text": "Toulouse", "weight": "5"}
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.kind, d.text, d.weight) == ("place", "Toulouse", 5)
    assert AuditEntry.objects.filter(action="projects.desire.update", target_id=str(d.pk))
    assert member_client.post(f"/projet/envies/{d.pk}/supprimer/").status_code == 302
    assert not Desire.objects.exists()
    assert AuditEntry.objects.filter(action="projects.desire.delete", target_id=str(d.pk))


def test_delete_a_scenario_archives_it_when_it_has_meetings(
    member: Any, member_client: Client, project: dict[str, Any]
) -> None:
    s = project["scenario"]
    confirm = member_client.get(f"/projet/scenarios/{s.pk}/supprimer/").content.decode()
    assert "archivé" in confirm
    response = member_client.post(f"/projet/scenarios/{s.pk}/supprimer/")
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.parked and Meeting.objects.count() == 3
    assert AuditEntry.objects.filter(action="projects.scenario.archive", target_id=str(s.pk))
    # Without meetings, it is deleted with its hypotheses.
    empty = actions.save_scenario(member, {"title": "Vide"})
    actions.add_hypothesis(member, empty, "why", "x")
    assert member_client.post(f"/projet/scenarios/{empty.pk}/supprimer/").status_code == 302
    assert not Scenario.objects.filter(pk=empty.pk).exists()
    assert Hypothesis.objects.filter(scenario_id=empty.pk).count() == 0
    assert AuditEntry.objects.filter(action="projects.scenario.delete", target_id=str(empty.pk))


def test_editing_a_long_meeting_keeps_every_note_and_commitment(
    member: Any, member_client: Client, project: dict[str, Any]
) -> None:
    from filon.projects.forms import meeting_initial

    h = project["h"]
    m = actions.log_meeting(
        member,
        actions.MeetingInput(
            contact_name="Jeanne",
            date=date(2026, 4, 1),
            scenarios=[project["scenario"]],
            notes=[("fact", f"Fait {i}") for i in range(7)],
            commitments=[("time", "Une heure"), ("money", "Un devis")],
            verdicts=[(h, "supports", 3, "Oui")],
            referrals=[(f"Relais {i}", "", None) for i in range(4)],
        ),
    )
    page = member_client.get(f"/projet/rencontres/{m.pk}/modifier/").content.decode()
    assert "Fait 6" in page and "Relais 3" in page
    data = {k: v for k, v in meeting_initial(m).items() if v is not None}
    data["contact_name"] = "Jeanne Martin"
    assert member_client.post(f"/projet/rencontres/{m.pk}/modifier/", data).status_code == 302
    m.refresh_from_db()
    assert m.contact_name == "Jeanne Martin"
    assert [n.text for n in m.notes.all()] == [f"Fait {i}" for i in range(7)]
    assert [c.kind for c in m.commitments.all()] == ["time", "money"]
    assert [(v.effect, v.strength, v.quote) for v in m.verdicts.all()] == [("supports", 3, "Oui")]
    assert m.referrals.count() == 4
