"""The profile page: who sees which part of a profile (the rules of filon.directory.privacy)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.html import escape

from filon.directory.models import Person, ThesisAdvisor
from filon.directory.privacy import FIELD_GROUPS
from tests.directory.conftest import (
    EMAIL_MEMBERS,
    EMAIL_PRIVATE,
    MARKERS,
    PHONE_PAYING,
    PHONE_PAYING_DISPLAY,
    Cast,
)

#: Who sees a field group at each visibility level (the outsider never does).
SEES = {
    "members": {"owner", "member", "paying", "staff"},
    "paying": {"owner", "paying", "staff"},
    "private": {"owner", "staff"},
}


def profile_url(person: Person | int) -> str:
    return f"/annuaire/{person if isinstance(person, int) else person.pk}/"


def page(cast: Cast, role: str, person: Person | None = None) -> str:
    response = cast.client(role).get(profile_url(person or cast.person))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_identity_schools_and_promos_to_a_member(cast: Cast) -> None:
    html = page(cast, "member")
    assert "<h1>Hélène Durand</h1>" in html
    assert '<span class="promo">P19</span> Docteur ·' in html
    assert "Docteure en mécanique des matériaux" in html


def test_it_shows_the_p58_label_of_an_engineer(cast: Cast, make_person: Any) -> None:
    bernard = make_person("Bernard", "Vasseur", track="ingenieur_civil", year=1958, thesis=None)
    html = page(cast, "member", bernard)
    assert '<span class="promo">P58</span> Ingénieur civil ·' in html


def test_a_womans_track_is_in_the_feminine(cast: Cast) -> None:
    Person.objects.filter(pk=cast.person.pk).update(gender="f")
    assert '<span class="promo">P19</span> Docteure ·' in page(cast, "member")
    body = cast.client("member").get(f"/api/people/{cast.person.pk}").json()
    assert body["promos"][0]["track_label"] == "Docteure"


@pytest.mark.parametrize("level", ["members", "paying", "private"])
@pytest.mark.parametrize("group", list(FIELD_GROUPS))
def test_each_field_group_is_shown_only_to_its_audience(cast: Cast, group: str, level: str) -> None:
    cast.set_visibility(**{group: level})
    for role in ("owner", "member", "paying", "staff"):
        html = page(cast, role)
        assert (escape(MARKERS[group]) in html) == (role in SEES[level]), (group, level, role)
    # The other groups keep their default audience (every member).
    html = page(cast, "member")
    for other, marker in MARKERS.items():
        if other != group:
            assert escape(marker) in html, other


def test_it_hides_every_field_group_from_outsider(cast: Cast) -> None:
    response = cast.client("outsider").get(profile_url(cast.person))
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    for marker in MARKERS.values():
        assert marker not in response.content.decode()


def test_the_thesis_shows_lab_advisors_and_funders_with_their_kind(
    cast: Cast, make_person: Any
) -> None:
    html = page(cast, "member")
    thesis = cast.person.theses.get()
    assert thesis.lab is not None
    assert escape(thesis.lab.name) in html
    assert "Paul Directeur" in html
    funding = thesis.fundings.get()
    assert escape(funding.funder.name) in html
    assert "ANR" in html


def test_an_advisor_who_is_a_member_links_to_their_profile(cast: Cast, make_person: Any) -> None:
    advisor = make_person("Jean", "Encadrant", thesis=None)
    hidden = make_person("Irène", "Discrète", thesis=None, directory_opt_out=True)
    thesis = cast.person.theses.get()
    ThesisAdvisor.objects.create(thesis=thesis, person=advisor, name="Jean Encadrant")
    ThesisAdvisor.objects.create(thesis=thesis, person=hidden, name="Irène Discrète")
    html = page(cast, "member")
    assert f'<a href="/annuaire/{advisor.pk}/">Jean Encadrant</a>' in html
    # An advisor hidden from the viewer is named (it is the thesis record) but not linked.
    assert "Irène Discrète" in html
    assert f"/annuaire/{hidden.pk}/" not in html
    assert f'<a href="/annuaire/{hidden.pk}/">' in page(cast, "staff")


def test_it_never_renders_contact_details_with_the_page(cast: Cast) -> None:
    for role in ("owner", "member", "paying", "staff"):
        html = page(cast, role)
        for secret in (EMAIL_MEMBERS, EMAIL_PRIVATE, PHONE_PAYING, PHONE_PAYING_DISPLAY):
            assert secret not in html, (role, secret)
        assert "Afficher les coordonnées" in html


def test_it_tells_a_non_paying_member_that_some_details_need_dues(cast: Cast) -> None:
    assert "réservée aux membres à jour de cotisation" in page(cast, "member")
    assert "réservée aux membres à jour de cotisation" not in page(cast, "paying")


def test_it_shows_no_asks_or_offers_section(cast: Cast) -> None:
    html = page(cast, "member").lower()
    assert "demandes" not in html
    assert "offres" not in html


def _stable(content: bytes) -> bytes:
    """A page less what changes with each answer or address: the CSRF token, the CSP nonce,
    the language switch's return address."""
    pattern = rb'(name="csrfmiddlewaretoken" value|nonce|name="next" type="hidden" value)="[^"]*"'
    return re.sub(pattern, b"", content)


def test_opted_out_person_is_a_404_for_other_members_like_a_missing_one(cast: Cast) -> None:
    Person.objects.filter(pk=cast.person.pk).update(directory_opt_out=True)
    missing = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    for role in ("member", "paying"):
        hidden = cast.client(role).get(profile_url(cast.person))
        absent = cast.client(role).get(profile_url(missing))
        assert hidden.status_code == absent.status_code == 404
        assert _stable(hidden.content) == _stable(absent.content)
        assert b"Durand" not in hidden.content


def test_opted_out_person_is_visible_to_staff_and_to_themself(cast: Cast) -> None:
    Person.objects.filter(pk=cast.person.pk).update(directory_opt_out=True)
    for role in ("owner", "staff"):
        html = page(cast, role)
        assert "Hélène Durand" in html
        assert "hors annuaire" in html


def test_owner_sees_links_to_edit_viewers_and_export(cast: Cast) -> None:
    html = page(cast, "owner")
    assert 'href="/profil/modifier/"' in html
    assert "Modifier mon profil" in html
    assert 'href="/profil/consultations/"' in html
    assert 'href="/profil/mes-donnees.json"' in html
    other = page(cast, "member")
    assert "Modifier mon profil" not in other
    assert "/profil/consultations/" not in other


def test_only_staff_see_the_erasure_link_on_someone_elses_profile(cast: Cast) -> None:
    link = f'href="/annuaire/{cast.person.pk}/effacer/"'
    assert link in page(cast, "staff")
    for role in ("member", "paying", "owner"):
        assert link not in page(cast, role)


def test_the_nav_links_my_profile(cast: Cast) -> None:
    html = cast.client("owner").get("/").content.decode()
    assert f'<a href="/annuaire/{cast.person.pk}/">Mon profil</a>' in html
    assert "Mon profil" not in cast.client("staff").get("/").content.decode()


def _dues_template_exists() -> bool:
    try:
        get_template("association/_dues_history.html")
    except TemplateDoesNotExist:
        return False
    return True


def test_dues_history_is_included_for_the_owner_and_staff_only(cast: Cast) -> None:
    if not _dues_template_exists():
        pytest.skip("association/_dues_history.html is not there yet")
    from filon.association.models import DuesPayment

    DuesPayment.objects.create(person=cast.person, year=2011, amount="42.00", paid_on="2011-03-01")
    for role, shown in (("owner", True), ("staff", True), ("member", False), ("paying", False)):
        response = cast.client(role).get(profile_url(cast.person))
        templates = {t.name for t in response.templates}
        assert ("association/_dues_history.html" in templates) == shown, role
        assert ("2011" in response.content.decode()) == shown, role


def test_profile_query_count_does_not_grow_with_the_profile(cast: Cast, make_person: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from filon.directory.models import Position, Skill
    from filon.orgs.models import Organisation

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert cast.client("member").get(profile_url(cast.person)).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    assert before <= 16  # 15, and the scraping budget's one upsert
    thesis = cast.person.theses.get()
    for i in range(5):
        org = Organisation.objects.create(name=f"Employeur {i}", kind="company")
        Position.objects.create(person=cast.person, organisation=org, title=f"Poste {i}")
        advisor = make_person(f"Directeur{i}", thesis=None)
        ThesisAdvisor.objects.create(thesis=thesis, person=advisor, name=advisor.full_name)
        cast.person.skills.add(Skill.objects.create(name=f"Compétence {i}"))
    assert count() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/annuaire/{pk}/"),
        ("post", "/annuaire/{pk}/coordonnees/"),
        ("get", "/annuaire/{pk}/effacer/"),
        ("post", "/annuaire/{pk}/effacer/"),
        ("get", "/profil/modifier/"),
        ("post", "/profil/modifier/"),
        ("get", "/profil/consultations/"),
        ("get", "/profil/mes-donnees.json"),
        ("get", "/profil/effacer/"),
        ("post", "/profil/effacer/"),
    ],
)
def test_every_page_sends_outsider_to_the_login_page(cast: Cast, method: str, url: str) -> None:
    path = url.format(pk=cast.person.pk)
    response = getattr(cast.client("outsider"), method)(path)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={path}"
