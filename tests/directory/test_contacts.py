"""Contact details: revealed only on request, per contact visibility, logged, limited per day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from filon.audit.models import AuditEntry
from filon.directory import actions
from filon.directory.models import ContactReveal, Person
from filon.directory.queries import start_of_day
from tests.directory.conftest import (
    EMAIL_MEMBERS,
    EMAIL_PRIVATE,
    PHONE_PAYING,
    PHONE_PAYING_DISPLAY,
    Cast,
)

#: What each audience gets when they reveal Hélène's details.
REVEALED = {
    "member": {EMAIL_MEMBERS},
    "paying": {EMAIL_MEMBERS, PHONE_PAYING},
    "staff": {EMAIL_MEMBERS, PHONE_PAYING, EMAIL_PRIVATE},
    "owner": {EMAIL_MEMBERS, PHONE_PAYING, EMAIL_PRIVATE},
}
ALL_CONTACTS = {EMAIL_MEMBERS, PHONE_PAYING, EMAIL_PRIVATE}


def reveal_url(person: Person) -> str:
    return f"/annuaire/{person.pk}/coordonnees/"


def reveal(client: Client, person: Person, *, htmx: bool = True) -> Any:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reveal_url(person), **headers)


def shown(html: str) -> set[str]:
    found = set()
    for value in ALL_CONTACTS:
        if value.startswith("+"):
            if PHONE_PAYING_DISPLAY in html:
                found.add(value)
        elif f'href="mailto:{value}"' in html:
            found.add(value)
    return found


@pytest.mark.parametrize("role", ["member", "paying", "staff", "owner"])
def test_each_audience_sees_the_contact_points_of_its_level(cast: Cast, role: str) -> None:
    response = reveal(cast.client(role), cast.person)
    assert response.status_code == 200
    assert shown(response.content.decode()) == REVEALED[role]


def test_it_hides_contact_points_from_outsider(cast: Cast) -> None:
    response = reveal(cast.client("outsider"), cast.person)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert shown(response.content.decode()) == set()
    assert not ContactReveal.objects.exists()


def test_phone_is_in_the_french_national_format_and_email_a_mailto_link(cast: Cast) -> None:
    html = reveal(cast.client("paying"), cast.person).content.decode()
    assert f'<a href="tel:{PHONE_PAYING}">{PHONE_PAYING_DISPLAY}</a>' in html
    assert f'<a href="mailto:{EMAIL_MEMBERS}">{EMAIL_MEMBERS}</a>' in html


def test_htmx_gets_the_fragment_and_no_js_gets_the_whole_page(cast: Cast) -> None:
    fragment = reveal(cast.client("member"), cast.person).content.decode()
    assert fragment.lstrip().startswith('<section class="card contacts" id="contacts"')
    assert "<html" not in fragment
    page = reveal(cast.client("member"), cast.person, htmx=False).content.decode()
    assert "<html" in page
    assert "<h1>Hélène Durand</h1>" in page
    assert shown(page) == REVEALED["member"]


def test_reveal_needs_a_post_with_a_csrf_token(cast: Cast) -> None:
    assert cast.client("member").get(reveal_url(cast.person)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.member)
    assert strict.post(reveal_url(cast.person)).status_code == 403
    assert not ContactReveal.objects.exists()


def test_the_button_carries_the_csrf_token_and_the_htmx_swap(cast: Cast) -> None:
    html = cast.client("member").get(f"/annuaire/{cast.person.pk}/").content.decode()
    assert f'hx-post="{reveal_url(cast.person)}"' in html
    assert f'action="{reveal_url(cast.person)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_reveal_is_logged_with_viewer_and_time(cast: Cast) -> None:
    before = timezone.now()
    reveal(cast.client("paying"), cast.person)
    logged = ContactReveal.objects.get()
    assert logged.viewer == cast.paying
    assert logged.person == cast.person
    assert before <= logged.at <= timezone.now()
    assert logged.ip == "127.0.0.1"
    entry = AuditEntry.objects.get(action="contact.reveal")
    assert entry.actor == cast.paying
    assert entry.target_type == "directory.person"
    assert entry.target_id == str(cast.person.pk)
    assert entry.details == {"kinds": ["email", "phone"], "count": 2}


def test_the_owner_sees_who_revealed_their_details(cast: Cast) -> None:
    reveal(cast.client("member"), cast.person)
    reveal(cast.client("staff"), cast.person)
    response = cast.client("owner").get("/profil/consultations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/annuaire/{cast.member.person_id}/">Marc Membre</a>' in html
    assert "Sophie Lambert (équipe de l&#x27;association)" in html
    assert html.index("Sophie Lambert") < html.index("Marc Membre"), "latest first"
    # Dates are shown in the project's time zone.
    at = timezone.localtime(ContactReveal.objects.get(viewer=cast.member).at)
    assert f"{at:%H:%M}" in html
    # The viewer's e-mail never appears, only their name.
    assert cast.member.email not in html


def test_the_viewers_page_is_paginated_and_only_about_me(cast: Cast, make_person: Any) -> None:
    other = make_person("Autre", "Personne")
    now = timezone.now()
    ContactReveal.objects.bulk_create(
        ContactReveal(viewer=cast.member, person=cast.person, at=now - timedelta(minutes=i))
        for i in range(60)
    )
    ContactReveal.objects.create(viewer=cast.paying, person=other)
    first = cast.client("owner").get("/profil/consultations/").content.decode()
    assert first.count("Marc Membre</a>") == 50
    assert "Paule Cotisante" not in first
    second = cast.client("owner").get("/profil/consultations/?page=2").content.decode()
    assert second.count("Marc Membre</a>") == 10
    assert "Page 2 sur 2" in second


def test_other_members_cannot_see_my_viewers(cast: Cast) -> None:
    reveal(cast.client("member"), cast.person)
    html = cast.client("paying").get("/profil/consultations/").content.decode()
    assert "Marc Membre" not in html
    assert cast.client("staff").get("/profil/consultations/").status_code == 404


def test_revealing_ones_own_details_is_not_counted(cast: Cast) -> None:
    with override_settings(REVEALS_PER_DAY=0):
        response = reveal(cast.client("owner"), cast.person)
    assert response.status_code == 200
    assert shown(response.content.decode()) == ALL_CONTACTS
    assert not ContactReveal.objects.exists()


@override_settings(REVEALS_PER_DAY=2)
def test_past_the_daily_limit_it_answers_429_and_reveals_nothing(
    cast: Cast, make_person: Any
) -> None:
    client = cast.client("paying")
    others = [make_person(f"Autre{i}") for i in range(2)]
    for other in others:
        assert reveal(client, other).status_code == 200
    response = reveal(client, cast.person)
    assert response.status_code == 429
    html = response.content.decode()
    assert "limite de 2 consultations de coordonnées par jour" in html
    assert shown(html) == set()
    assert not ContactReveal.objects.filter(person=cast.person).exists()
    assert ContactReveal.objects.filter(viewer=cast.paying).count() == 2
    refused = AuditEntry.objects.get(action="contact.reveal_refused")
    assert refused.actor == cast.paying
    assert refused.target_id == str(cast.person.pk)
    assert AuditEntry.objects.filter(action="contact.reveal").count() == 2
    # Without JavaScript: the whole page, with the message, still a 429.
    page = reveal(client, cast.person, htmx=False)
    assert page.status_code == 429
    assert "<h1>Hélène Durand</h1>" in page.content.decode()
    assert shown(page.content.decode()) == set()
    # Other members are not affected by this member's count.
    assert reveal(cast.client("member"), cast.person).status_code == 200


@override_settings(REVEALS_PER_DAY=1)
def test_the_limit_counts_since_midnight_in_the_project_time_zone(cast: Cast) -> None:
    midnight = start_of_day()
    ContactReveal.objects.create(
        viewer=cast.member, person=cast.person, at=midnight - timedelta(seconds=1)
    )
    assert reveal(cast.client("member"), cast.person).status_code == 200
    ContactReveal.objects.filter(at__gte=midnight).update(at=midnight)
    assert reveal(cast.client("member"), cast.person).status_code == 429


def test_midnight_is_local_midnight() -> None:
    # 22:30 UTC on 30 June is 00:30 on 1 July in Paris (summer time): the day began at 22:00 UTC.
    late = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    with override_settings(TIME_ZONE="Europe/Paris"):
        assert start_of_day(late) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    with override_settings(TIME_ZONE="UTC"):
        assert start_of_day(late) == datetime(2026, 6, 30, 0, 0, tzinfo=UTC)


def test_the_page_says_how_many_reveals_are_left(cast: Cast) -> None:
    with override_settings(REVEALS_PER_DAY=5):
        reveal(cast.client("member"), cast.person)
        html = cast.client("member").get(f"/annuaire/{cast.person.pk}/").content.decode()
    assert "Il vous reste 4 affichages aujourd'hui." in html


def test_opted_out_person_cannot_be_revealed_by_other_members(cast: Cast) -> None:
    Person.objects.filter(pk=cast.person.pk).update(directory_opt_out=True)
    assert reveal(cast.client("member"), cast.person).status_code == 404
    assert not ContactReveal.objects.exists()
    assert reveal(cast.client("staff"), cast.person).status_code == 200


def test_a_person_with_nothing_visible_shows_no_button(cast: Cast, make_person: Any) -> None:
    quiet = make_person("Sans", "Coordonnées", contacts=False)
    html = cast.client("member").get(f"/annuaire/{quiet.pk}/").content.decode()
    assert "Afficher les coordonnées" not in html
    assert "Aucune coordonnée n'est partagée avec vous." in html


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a server database"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reveals_never_pass_the_limit(make_person: Any, make_user: Any) -> None:
    """Six reveals at once from one member (as from six server processes), limit 3: 3 pass."""
    viewer = make_user(person=make_person("Pressé"))
    targets = [make_person(f"Cible{i}") for i in range(6)]
    barrier = threading.Barrier(len(targets))
    results: list[str] = []

    def run(target: Person) -> None:
        try:
            barrier.wait()
            actions.reveal_contacts(viewer, target)
            results.append("ok")
        except actions.RevealLimitReached:
            results.append("refused")
        finally:
            connection.close()

    with override_settings(REVEALS_PER_DAY=3):
        threads = [threading.Thread(target=run, args=(t,)) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == ["ok"] * 3 + ["refused"] * 3
    assert ContactReveal.objects.filter(viewer=viewer).count() == 3


@override_settings(REVEALS_PER_DAY=1)
def test_once_the_limit_is_reached_the_page_says_so_instead_of_the_button(cast: Cast) -> None:
    assert reveal(cast.client("member"), cast.person).status_code == 200
    html = cast.client("member").get(f"/annuaire/{cast.person.pk}/").content.decode()
    assert "Afficher les coordonnées" not in html
    assert "la limite du jour" in html
