"""The API's contract: every operation typed, every error code declared, one error body, and bad
input refused at the boundary with a 4xx that says what is wrong (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filon.accounts.models import User
from filon.api.schemas import NUL_REFUSED, SURROGATE_REFUSED
from filon.outreach.models import Ask, ContactRequest, Offer

HUGE = "99999999999999999999"  # more than a bigint column holds


def post_json(client: Client, path: str, body: str) -> Any:
    """POST a JSON text as written (a lone surrogate survives only as a \\u escape)."""
    return client.post(path, body, content_type="application/json")


def assert_refused(response: Any, field: str, *, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and field in body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]
    assert all(isinstance(e["message"], str) and e["message"] for e in body["errors"])
    return body


# -- the schema ----------------------------------------------------------------------------


@pytest.fixture
def schema(client: Client, db: None) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
    ]


def test_every_operation_answers_a_typed_schema(schema: dict[str, Any]) -> None:
    untyped = []
    for method, path, op in operations(schema):
        ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
        body = ok["content"]["application/json"]["schema"]
        if "$ref" not in body and body.get("type") != "array":
            untyped.append(f"{method} {path}")
    assert untyped == []
    assert len(operations(schema)) >= 30


def test_every_error_is_declared_with_the_one_error_body(schema: dict[str, Any]) -> None:
    ref = "#/components/schemas/ErrorOut"
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}
    for method, path, op in operations(schema):
        codes = {int(k) for k in op["responses"]}
        assert 401 in codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in codes, (method, path)
        if op.get("requestBody"):
            assert {400, 403} <= codes, (method, path)
        for code, answer in op["responses"].items():
            if int(code) >= 400:
                assert answer["content"]["application/json"]["schema"] == {"$ref": ref}


def test_text_parameters_tell_that_nul_is_refused(schema: dict[str, Any]) -> None:
    kind = next(p for p in schema["paths"]["/api/asks"]["get"]["parameters"] if p["name"] == "kind")
    assert kind["schema"]["pattern"] == "^[^\\x00]*$"


# -- bad input: 422, never 500 ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/asks", "/api/offers"])
def test_a_huge_person_id_is_a_422(member_client: Client, path: str) -> None:
    assert_refused(member_client.get(path, {"person_id": HUGE}), "query.person_id")


def test_path_ids_too_large_for_the_database_are_a_422(member_client: Client) -> None:
    assert_refused(member_client.get(f"/api/people/{HUGE}"), "path.person_id")
    assert_refused(member_client.get(f"/api/asks/{HUGE}"), "path.ask_id")


def test_huge_organisation_ids_are_a_422(member_client: Client) -> None:
    body = f'{{"kind": "job", "title": "Un poste", "organisations": [1, {HUGE}]}}'
    assert_refused(post_json(member_client, "/api/asks", body), "body.organisations")
    assert not Ask.objects.exists()


def test_a_lone_surrogate_in_a_title_is_a_422(member_client: Client) -> None:
    for path, kind in (("/api/asks", "job"), ("/api/offers", "cifre")):
        body = f'{{"kind": "{kind}", "title": "Titre \\ud800"}}'
        refused = assert_refused(post_json(member_client, path, body), "body.title")
        assert SURROGATE_REFUSED in refused["errors"][0]["message"]
    assert not Ask.objects.exists() and not Offer.objects.exists()


def test_a_nul_in_a_title_is_a_422(member_client: Client) -> None:
    body = '{"kind": "job", "title": "Titre\\u0000"}'
    refused = assert_refused(post_json(member_client, "/api/asks", body), "body.title")
    assert NUL_REFUSED in refused["errors"][0]["message"]
    assert not Ask.objects.exists()


def test_a_nul_in_a_message_is_a_422(member_client: Client, make_person: Any) -> None:
    other = make_person("Autre")
    body = f'{{"recipient_id": {other.pk}, "message": "Bonjour\\u0000"}}'
    assert_refused(post_json(member_client, "/api/contact-requests", body), "body.message")
    assert not ContactRequest.objects.exists()


def test_a_nul_in_a_query_parameter_is_a_422(member_client: Client) -> None:
    assert_refused(member_client.get("/api/asks", {"kind": "job\x00"}), "query.kind")
    assert_refused(member_client.get("/api/search", {"q": "a\x00b"}), "query.q")


def test_a_blank_title_is_a_422(member_client: Client) -> None:
    response = post_json(member_client, "/api/asks", '{"kind": "job", "title": "   "}')
    assert_refused(response, "body.title")


def test_an_unknown_kind_is_a_422_naming_the_field(member_client: Client) -> None:
    response = post_json(member_client, "/api/asks", '{"kind": "nope", "title": "Un titre"}')
    assert_refused(response, "body.kind")


def test_an_unreadable_body_is_a_400_in_the_error_shape(member_client: Client) -> None:
    response = post_json(member_client, "/api/asks", '{"kind": ')
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_401_says_how_to_sign_in(client: Client, db: None) -> None:
    body = client.get("/api/me").json()
    assert "Bearer" in body["detail"]


def test_out_of_range_counts_are_a_422(member_client: Client) -> None:
    assert_refused(member_client.get("/api/asks", {"limit": 0}), "query.limit")
    assert_refused(member_client.get("/api/network/paths", {"to": 1, "k": 11}), "query.k")


# -- optional parameters are optional ---------------------------------------------------------


def test_paths_without_a_target_are_no_paths(member_client: Client) -> None:
    response = member_client.get("/api/network/paths")
    assert response.status_code == 200
    assert response.json() == {"paths": []}


def test_a_trail_without_funder_or_programme_is_empty(member_client: Client) -> None:
    response = member_client.get("/api/money/trail")
    assert response.status_code == 200
    assert response.json()["nodes"] == [] and response.json()["links"] == []


def test_the_gdpr_export_keeps_every_section(member_client: Client, member: User) -> None:
    body = member_client.get("/api/me/export").json()
    assert body["account"]["email"] == member.email
    assert "contact_points" in body  # a section beyond the declared ones
