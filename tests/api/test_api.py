"""The JSON API: schema, authentication (session and bearer token), and who may see whom."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from filon.accounts.actions import issue_api_token
from filon.accounts.models import ApiToken, Role, User
from filon.audit.models import AuditEntry
from filon.directory.models import ContactPoint, Person

NOT_FOUND = {"detail": "Personne introuvable."}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_is_served(client: Client, db: None) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/me" in schema["paths"]
    assert "/api/people/{person_id}" in schema["paths"]


def test_anonymous_me_is_a_json_401_not_a_redirect(client: Client, db: None) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_session_me_returns_the_person_with_promos(member_client: Client, member: User) -> None:
    response = member_client.get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == member.email
    assert body["role"] == "member"
    assert member.person is not None
    assert body["person"]["id"] == member.person.pk
    assert body["person"]["full_name"] == member.person.full_name
    assert [p["label"] for p in body["person"]["promos"]] == ["P19"]
    assert body["person"]["promos"][0]["track"] == "docteur"
    assert {c["kind"] for c in body["contacts"]} == {"email", "phone"}


def test_me_of_an_account_without_a_person(staff_client: Client, staff: User) -> None:
    body = staff_client.get("/api/me").json()
    assert body["email"] == staff.email
    assert body["person"] is None
    assert body["contacts"] == []


def test_bearer_token_authenticates(client: Client, member: User) -> None:
    token = issue_api_token(member, "script")
    response = client.get("/api/me", **bearer(token))
    assert response.status_code == 200
    assert response.json()["email"] == member.email
    assert ApiToken.objects.get(user=member).last_used_at is not None


def test_wrong_bearer_token_is_a_401(client: Client, member: User) -> None:
    token = issue_api_token(member, "script")
    response = client.get("/api/me", **bearer(token + "x"))
    assert response.status_code == 401
    assert client.get("/api/me", **bearer("fln_" + "A" * 43)).status_code == 401


def test_token_of_a_deactivated_account_is_a_401(client: Client, member: User) -> None:
    token = issue_api_token(member, "script")
    member.is_active = False
    member.save()
    assert client.get("/api/me", **bearer(token)).status_code == 401


def test_token_is_stored_only_as_a_hash(member: User) -> None:
    raw = issue_api_token(member, "script")
    stored = ApiToken.objects.get(user=member)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_creating_a_token_writes_an_audit_entry(member: User) -> None:
    assert not AuditEntry.objects.filter(action="api_token.create").exists()
    issue_api_token(member, "script")
    entry = AuditEntry.objects.get(action="api_token.create")
    token = ApiToken.objects.get(user=member)
    assert entry.actor == member
    assert entry.target_type == "accounts.apitoken"
    assert entry.target_id == str(token.pk)
    assert entry.details["name"] == "script"


@pytest.fixture
def hidden(make_person: Any, make_user: Any) -> User:
    """An account whose person opted out of the directory."""
    return make_user(Role.MEMBER, person=make_person("Cachée", directory_opt_out=True))


def test_opted_out_person_is_hidden_from_other_members(member_client: Client, hidden: User) -> None:
    response = member_client.get(f"/api/people/{hidden.person_id}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_opted_out_person_is_visible_to_staff(staff_client: Client, hidden: User) -> None:
    response = staff_client.get(f"/api/people/{hidden.person_id}")
    assert response.status_code == 200
    assert response.json()["id"] == hidden.person_id


def test_opted_out_person_sees_themself(client: Client, hidden: User) -> None:
    client.force_login(hidden)
    response = client.get(f"/api/people/{hidden.person_id}")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Cachée"


def test_visible_person_is_shown_to_a_member(member_client: Client, make_person: Any) -> None:
    other = make_person("Visible")
    response = member_client.get(f"/api/people/{other.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == other.full_name


def test_nonexistent_person_answers_like_a_hidden_one(member_client: Client, hidden: User) -> None:
    missing = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    absent = member_client.get(f"/api/people/{missing}")
    hidden_response = member_client.get(f"/api/people/{hidden.person_id}")
    assert absent.status_code == hidden_response.status_code == 404
    assert absent.content == hidden_response.content
    assert absent.json() == NOT_FOUND


def test_anonymous_people_detail_is_a_401(client: Client, make_person: Any) -> None:
    person = make_person()
    assert client.get(f"/api/people/{person.pk}").status_code == 401


def test_people_detail_never_includes_contact_points(client: Client, demo: Any) -> None:
    claire = demo.person("docteur")
    contacts = list(ContactPoint.objects.filter(person=claire))
    assert {c.kind for c in contacts} == {"email", "phone"}
    for role in ("ingenieur", "staff", "docteur"):
        client.force_login(demo.user(role))
        response = client.get(f"/api/people/{claire.pk}")
        assert response.status_code == 200
        text = response.content.decode()
        assert response.json()["full_name"] == "Claire Dumas"
        assert "contacts" not in response.json()
        assert "@" not in text
        for c in contacts:
            assert c.value not in text
            assert c.display not in text
            assert c.value.removeprefix("+33") not in text
