"""The site's pages: sign-in, home, language, administration, headers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from django.utils.html import escape

from filon.accounts.models import User

LOGIN = "/connexion/"


def test_anonymous_home_redirects_to_the_login_page(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/"
    assert client.get(response["Location"]).status_code == 200


def test_login_with_email_and_password_shows_the_persons_home(client: Client, demo: Any) -> None:
    claire = demo.login("docteur")
    response = client.post(
        LOGIN, {"username": claire.email, "password": claire.password}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    person = demo.person("docteur")
    assert person.full_name == "Claire Dumas"
    assert "Claire Dumas" in html
    assert '<span class="promo">P19</span>' in html
    thesis = person.theses.get()
    assert escape(thesis.title) in html


def test_login_of_a_factory_member_shows_their_promo_and_thesis(
    client: Client, member: User
) -> None:
    response = client.post(
        LOGIN, {"username": member.email, "password": "un-mot-de-passe-de-test"}, follow=True
    )
    html = response.content.decode()
    assert member.person is not None
    assert member.person.full_name in html
    assert '<span class="promo">P19</span>' in html
    assert "Modélisation des réservoirs fracturés" in html


def test_wrong_password_shows_the_french_error(client: Client, member: User) -> None:
    response = client.post(LOGIN, {"username": member.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_logout_by_post_returns_to_the_login_page(member_client: Client) -> None:
    assert member_client.get("/").status_code == 200
    response = member_client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert member_client.get("/")["Location"] == "/connexion/?next=/"


def test_anonymous_visitor_can_switch_the_language(client: Client, db: None) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(LOGIN).content.decode()


def test_pages_are_in_french_by_default(client: Client, db: None) -> None:
    assert '<html lang="fr">' in client.get(LOGIN).content.decode()


def test_admins_see_the_administration_link_and_open_the_admin(client: Client, db: None) -> None:
    client.force_login(User.objects.create_superuser("admin@example.org", "x"))
    html = client.get("/").content.decode()
    assert 'href="/admin/"' in html
    assert "Administration" in html
    assert client.get("/admin/").status_code == 200


def test_staff_without_admin_rights_see_no_administration_link(staff_client: Client) -> None:
    # The admin would only show them Django's « no permission » page.
    html = staff_client.get("/").content.decode()
    assert 'href="/admin/"' not in html


def test_member_sees_no_administration_and_is_turned_away_from_it(
    member_client: Client,
) -> None:
    html = member_client.get("/").content.decode()
    assert 'href="/admin/"' not in html
    assert "Administration" not in html
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_security_headers(client: Client, member_client: Client) -> None:
    for response in (client.get(LOGIN), member_client.get("/")):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_home_page_runs_in_a_bounded_number_of_queries(
    client: Client, demo: Any, django_assert_max_num_queries: Any
) -> None:
    # Session, user, person and its prefetches (affiliations, positions, theses, advisors,
    # fundings, contact points), dues, and the header's name; my groups and their events; the
    # opportunities that fit me (competences, scenarios and their buyers, open opportunities):
    # none of them per row.
    claire = demo.user("docteur")
    client.force_login(claire)
    with django_assert_max_num_queries(17):
        response = client.get("/")
    assert response.status_code == 200
    assert "Claire Dumas" in response.content.decode()
