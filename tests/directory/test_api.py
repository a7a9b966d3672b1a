"""The directory's API applies the same privacy rules, log and limit as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from filon.accounts.actions import issue_api_token
from filon.audit.models import AuditEntry
from filon.directory.models import ContactReveal, Person
from filon.directory.privacy import FIELD_GROUPS
from tests.directory.conftest import (
    EMAIL_MEMBERS,
    EMAIL_PRIVATE,
    MARKERS,
    PHONE_PAYING,
    PHONE_PAYING_DISPLAY,
    Cast,
)
from tests.directory.test_profile import SEES

#: The API key of each field group (the thesis group is the list of theses).
KEYS = {
    "city": "city",
    "bio": "bio",
    "positions": "positions",
    "thesis": "theses",
    "skills": "skills",
}


def person_json(cast: Cast, role: str, person: Person | None = None) -> dict[str, Any]:
    response = cast.client(role).get(f"/api/people/{(person or cast.person).pk}")
    assert response.status_code == 200
    return response.json()


def contacts(cast: Cast, role: str, person: Person | None = None) -> Any:
    return cast.client(role).post(f"/api/people/{(person or cast.person).pk}/contacts")


@pytest.mark.parametrize("level", ["members", "paying", "private"])
@pytest.mark.parametrize("group", list(FIELD_GROUPS))
def test_each_field_group_is_null_for_whoever_may_not_see_it(
    cast: Cast, group: str, level: str
) -> None:
    cast.set_visibility(**{group: level})
    for role in ("owner", "member", "paying", "staff"):
        body = person_json(cast, role)
        value = body[KEYS[group]]
        if role in SEES[level]:
            assert MARKERS[group].rstrip(".") in str(value), (group, level, role)
        else:
            assert value is None, (group, level, role)
            assert MARKERS[group] not in str(body)


def test_the_page_and_the_api_show_the_same_groups(cast: Cast) -> None:
    cast.set_visibility(city="paying", skills="private", thesis="paying")
    for role in ("member", "paying"):
        body = person_json(cast, role)
        html = cast.client(role).get(f"/annuaire/{cast.person.pk}/").content.decode()
        for group, key in KEYS.items():
            assert (body[key] is not None) == (MARKERS[group] in html), (role, group)


def test_the_profile_carries_promos_and_funders_with_their_kind(cast: Cast) -> None:
    body = person_json(cast, "member")
    assert [p["label"] for p in body["promos"]] == ["P19"]
    thesis = body["theses"][0]
    assert thesis["advisors"] == [{"name": "Paul Directeur", "person_id": None}]
    assert thesis["funders"][0]["kind"] == "anr"
    assert thesis["funders"][0]["kind_label"] == "ANR"
    assert "contacts" not in body


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", {EMAIL_MEMBERS}),
        ("paying", {EMAIL_MEMBERS, PHONE_PAYING}),
        ("staff", {EMAIL_MEMBERS, PHONE_PAYING, EMAIL_PRIVATE}),
        ("owner", {EMAIL_MEMBERS, PHONE_PAYING, EMAIL_PRIVATE}),
    ],
)
def test_revealed_contacts_follow_each_contact_visibility(
    cast: Cast, role: str, expected: set[str]
) -> None:
    response = contacts(cast, role)
    assert response.status_code == 200
    got = response.json()["contacts"]
    assert {c["value"] for c in got} == expected
    for c in got:
        if c["kind"] == "phone":
            assert c["display"] == PHONE_PAYING_DISPLAY


def test_an_api_reveal_is_logged_like_a_page_reveal(cast: Cast) -> None:
    contacts(cast, "member")
    logged = ContactReveal.objects.get()
    assert (logged.viewer, logged.person) == (cast.member, cast.person)
    assert AuditEntry.objects.get(action="contact.reveal").actor == cast.member
    html = cast.client("owner").get("/profil/consultations/").content.decode()
    assert "Marc Membre" in html


@override_settings(REVEALS_PER_DAY=1)
def test_the_api_shares_the_daily_limit_with_the_pages(cast: Cast, make_person: Any) -> None:
    other = make_person("Autre")
    page = cast.client("paying").post(f"/annuaire/{other.pk}/coordonnees/")
    assert page.status_code == 200
    response = contacts(cast, "paying")
    assert response.status_code == 429
    assert "limite de 1 consultation de coordonnées par jour" in response.json()["detail"]
    assert EMAIL_MEMBERS not in response.content.decode()
    assert not ContactReveal.objects.filter(person=cast.person).exists()
    assert AuditEntry.objects.filter(action="contact.reveal_refused").count() == 1


def test_a_bearer_token_reveals_and_counts(cast: Cast) -> None:
    token = issue_api_token(cast.paying, "script")
    response = Client().post(
        f"/api/people/{cast.person.pk}/contacts", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert ContactReveal.objects.get().viewer == cast.paying


def test_opted_out_person_is_a_404_for_other_members(cast: Cast) -> None:
    Person.objects.filter(pk=cast.person.pk).update(directory_opt_out=True)
    for role in ("member", "paying"):
        assert cast.client(role).get(f"/api/people/{cast.person.pk}").status_code == 404
        assert contacts(cast, role).status_code == 404
    assert not ContactReveal.objects.exists()
    for role in ("owner", "staff"):
        assert person_json(cast, role)["full_name"] == "Hélène Durand"


def test_every_endpoint_is_a_401_for_outsider(cast: Cast) -> None:
    client = cast.client("outsider")
    assert client.get(f"/api/people/{cast.person.pk}").status_code == 401
    assert client.post(f"/api/people/{cast.person.pk}/contacts").status_code == 401
    assert client.get("/api/me/export").status_code == 401
    assert not ContactReveal.objects.exists()


def test_api_export_is_the_gdpr_export(cast: Cast) -> None:
    response = cast.client("owner").get("/api/me/export")
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["full_name"] == "Hélène Durand"
    assert {c["value"] for c in body["contact_points"]} == {
        EMAIL_MEMBERS,
        PHONE_PAYING,
        EMAIL_PRIVATE,
    }
    assert AuditEntry.objects.get(action="gdpr.export").actor == cast.owner


def test_the_schema_documents_the_new_endpoints(client: Client, db: None) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths["/api/people/{person_id}/contacts"]
    assert "429" in paths["/api/people/{person_id}/contacts"]["post"]["responses"]
    assert "get" in paths["/api/me/export"]
