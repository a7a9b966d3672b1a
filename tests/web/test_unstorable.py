"""Text no database can store never reaches a view: a NUL character in a form field or a query
string gets the site's 400 page (PostgreSQL would answer the query with an error, a 500)."""

from __future__ import annotations

from django.test import Client

from filon.accounts.models import User
from filon.directory.models import Person
from filon.outreach.models import Ask

ASK = {
    "kind": "job",
    "title": "Un poste de R&D en télédétection satellitaire",
    "text": "Je cherche une équipe R&D.",
    "sectors": ["C"],
    "organisations": "",
    "skills": "Python",
}


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_written(member_client: Client) -> None:
    response = member_client.post("/entraide/demandes/nouvelle/", {**ASK, "title": "Un\x00poste"})
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    assert not Ask.objects.exists()
    # The same form without the NUL is accepted.
    assert member_client.post("/entraide/demandes/nouvelle/", ASK).status_code == 302
    assert Ask.objects.count() == 1


def test_a_nul_in_a_field_that_is_no_text_field_is_a_400(member_client: Client) -> None:
    response = member_client.post("/entraide/demandes/nouvelle/", {**ASK, "sectors": ["C\x00"]})
    assert response.status_code == 400
    assert not Ask.objects.exists()


def test_a_nul_in_a_profile_field_leaves_the_profile_unchanged(
    member_client: Client, member: User
) -> None:
    assert member.person is not None
    city = member.person.city
    response = member_client.post("/profil/modifier/", {"city": "Paris\x00"})
    assert response.status_code == 400
    assert Person.objects.get(pk=member.person.pk).city == city


def test_a_nul_in_a_query_string_is_a_400(member_client: Client) -> None:
    assert member_client.get("/annuaire/", {"q": "Dupont\x00"}).status_code == 400
    assert member_client.get("/annuaire/", {"q\x00": "Dupont"}).status_code == 400
    assert member_client.get("/annuaire/", {"q": "Dupont"}).status_code == 200


def test_a_nul_on_the_login_form_is_a_400(client: Client, db: None) -> None:
    response = client.post("/connexion/", {"login": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_invalid_utf8_in_a_form_is_read_as_replacement_characters(member_client: Client) -> None:
    """A lone surrogate's UTF-8 bytes are no valid UTF-8: Django reads them as U+FFFD."""
    body = "kind=job&title=Titre%20%ED%A0%80&text=&organisations=&skills=&sectors=C"
    response = member_client.post(
        "/entraide/demandes/nouvelle/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert Ask.objects.get().title.startswith("Titre \ufffd")


def test_the_api_answers_for_itself(member_client: Client) -> None:
    response = member_client.get("/api/asks", {"kind": "job\x00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.kind"
