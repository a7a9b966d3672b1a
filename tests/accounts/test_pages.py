"""The account pages: API tokens (expiry, list, revoke), the staff's « Comptes » page, the
GDPR export from a profile, the « Administration » link, error pages and the favicon."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.utils import timezone

from filon.accounts import errors, invitations
from filon.accounts.actions import issue_api_token
from filon.accounts.models import AccountState, ApiToken, Role, User
from filon.audit.models import AuditEntry
from filon.directory.actions import export_personal_data
from filon.directory.models import Person

# -- API tokens ------------------------------------------------------------------------------


def test_tokens_expire_after_the_configured_days(member: User) -> None:
    raw = issue_api_token(member, "script")
    token = ApiToken.objects.get(user=member)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me").status_code == 401
    with override_settings(API_TOKEN_DAYS=7):
        issue_api_token(member, "court")
    short = ApiToken.objects.get(user=member, name="court")
    assert short.expires_at - short.created_at < timedelta(days=7, minutes=1)


def test_members_create_list_and_revoke_their_own_tokens(
    member_client: Client, member: User, make_user: Any
) -> None:
    page = member_client.get("/compte/jetons/")
    assert page.status_code == 200 and "Aucun jeton." in page.content.decode()
    created = member_client.post("/compte/jetons/", {"name": "mon tableur"})
    html = created.content.decode()
    raw = re.search(r'<code id="new-token">(fln_[^<]+)</code>', html)
    assert raw, html
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw.group(1)}").get("/api/me").status_code == 200
    listed = member_client.get("/compte/jetons/").content.decode()
    assert "mon tableur" in listed and raw.group(1) not in listed  # shown once
    token = ApiToken.objects.get(user=member)
    other = make_user()
    theirs = ApiToken.issue(other, "le leur")[0]
    assert member_client.post(f"/compte/jetons/{theirs.pk}/revoquer/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert member_client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw.group(1)}").get("/api/me").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_account_page(member_client: Client) -> None:
    html = member_client.get("/compte/").content.decode()
    assert "Mon compte" in html
    for link in ("/compte/email/", "/compte/password/change/", "/compte/2fa/", "/compte/jetons/"):
        assert f'href="{link}"' in html


def test_changing_the_login_address_needs_its_confirmation(
    member_client: Client, member: User, mailoutbox: list
) -> None:
    old = member.email
    response = member_client.post(
        "/compte/email/", {"action_add": "", "email": "Nouvelle@Example.org"}
    )
    assert response.status_code in (200, 302)
    member.refresh_from_db()
    assert member.email == old
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    member_client.post("/" + link.group(0).split("/", 3)[3])
    member.refresh_from_db()
    assert member.email == "nouvelle@example.org"


# -- the staff's « Comptes » page ------------------------------------------------------------


def test_staff_page_shows_every_state_and_acts(
    staff_client: Client, make_person: Any, make_user: Any, mailoutbox: list
) -> None:
    never = make_person("Jamais", "Invitée")
    invited = make_person("Déjà", "Invité")
    invitations.invite([invited.pk])
    active = make_person("Bien", "Actif")
    make_user(Role.MEMBER, person=active)
    html = staff_client.get("/comptes/").content.decode()
    for label in ("Jamais invité", "Invité", "Actif", "Adresse en échec", "Désactivé"):
        assert label in html
    assert "invité le" in staff_client.get("/comptes/?q=Déjà").content.decode()
    # Invite the one never invited.
    response = staff_client.post(f"/comptes/personne/{never.pk}/inviter/")
    assert response.status_code == 302
    assert User.objects.get(person=never).state == AccountState.INVITED
    # Re-send within seven days only when forced.
    count = len(mailoutbox)
    staff_client.post(f"/comptes/personne/{invited.pk}/inviter/")
    assert len(mailoutbox) == count
    staff_client.post(f"/comptes/personne/{invited.pk}/inviter/", {"force": "1"})
    assert len(mailoutbox) == count + 1
    # Deactivate, then reactivate.
    account = User.objects.get(person=active)
    staff_client.post(f"/comptes/compte/{account.pk}/desactiver/")
    account.refresh_from_db()
    assert account.state == AccountState.DISABLED
    assert "Désactivé" in staff_client.get("/comptes/?state=disabled").content.decode()
    staff_client.post(f"/comptes/compte/{account.pk}/reactiver/")
    account.refresh_from_db()
    assert account.state == AccountState.ACTIVE


def test_members_cannot_use_the_staff_page(member_client: Client, member: User) -> None:
    assert member_client.get("/comptes/").status_code == 403
    assert member_client.post(f"/comptes/compte/{member.pk}/desactiver/").status_code == 403


def test_a_large_batch_from_the_page_goes_to_the_task_queue(
    staff_client: Client,
    make_person: Any,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = [make_person() for _ in range(4)]
    with (
        mock.patch("filon.accounts.views.PAGE_BATCH_LIMIT", 2),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post("/comptes/inviter/", {"q": ""}, follow=True)
    html = response.content.decode()
    if "arrière-plan" in html:  # the task queue ran it (at once, in the tests)
        assert User.objects.filter(person__in=people).count() == 4
    else:
        assert "filon accounts invite --all" in html
        assert not User.objects.filter(person__in=people).exists()


def test_a_small_batch_runs_from_the_page(staff_client: Client, make_person: Any) -> None:
    people = [make_person() for _ in range(3)]
    staff_client.post("/comptes/inviter/", {"q": ""})
    assert User.objects.filter(person__in=people).count() == 3


# -- GDPR export from the profile --------------------------------------------------------------


def test_staff_download_a_members_gdpr_export(
    staff_client: Client, staff: User, member: User
) -> None:
    person = member.person
    assert person is not None
    profile = staff_client.get(f"/annuaire/{person.pk}/").content.decode()
    url = f"/comptes/personne/{person.pk}/donnees.json"
    assert url in profile
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    same = export_personal_data(member)  # what `filon gdpr export` writes
    assert data["account"] == same["account"] and data["person"] == same["person"]
    logged = AuditEntry.objects.get(action="gdpr.export.staff")
    assert logged.actor == staff and logged.target_id == str(person.pk)


def test_members_cannot_download_someone_elses_export(
    member_client: Client, make_user: Any, make_person: Any
) -> None:
    other = make_user(person=make_person())
    assert other.person is not None
    url = f"/comptes/personne/{other.person.pk}/donnees.json"
    assert member_client.get(url).status_code == 403
    assert url not in member_client.get(f"/annuaire/{other.person.pk}/").content.decode()


def test_a_person_without_an_account_is_exported_too(
    staff_client: Client, make_person: Any
) -> None:
    person: Person = make_person()
    assert (
        f"/comptes/personne/{person.pk}/donnees.json"
        in staff_client.get(f"/annuaire/{person.pk}/").content.decode()
    )
    response = staff_client.get(f"/comptes/personne/{person.pk}/donnees.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"] is None and data["person"]["id"] == person.pk
    assert staff_client.get("/comptes/personne/99999999/donnees.json").status_code == 404


# -- « Administration » ----------------------------------------------------------------------


def test_administration_link_only_for_those_who_can_use_it(
    staff_client: Client, make_user: Any
) -> None:
    assert 'href="/admin/"' not in staff_client.get("/").content.decode()
    admin = Client()
    admin.force_login(make_user(Role.ADMIN))
    assert 'href="/admin/"' in admin.get("/").content.decode()


# -- error pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_404_in_the_layout(member_client: Client, language: str) -> None:
    member_client.cookies["django_language"] = language
    response = member_client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="topbar"' in html
    assert ("Page introuvable" if language == "fr" else "Page not found") in html


def test_414_for_a_very_long_address(member_client: Client) -> None:
    response = member_client.get("/annuaire/", {"q": "x" * 5000})
    assert response.status_code == 414
    assert "Adresse trop longue" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_413_for_a_too_large_body(member_client: Client) -> None:
    response = member_client.post("/profil/modifier/", {"bio": "x" * 5000})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()


def test_403_page(member_client: Client) -> None:
    response = member_client.get("/comptes/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_500_page_is_static_and_needs_no_database() -> None:
    request = RequestFactory().get("/")
    # No database access here (the test has no db fixture): any query would raise.
    response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur est survenue" in html and "Something went wrong" in html
    assert "{%" not in html


def test_429_page(client: Client, db: None) -> None:
    response = errors.too_many_requests(RequestFactory().get("/"))
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()


def test_favicon(client: Client, db: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
