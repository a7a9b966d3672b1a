"""Editing one's own profile: identity, visibility, contact points, opt-outs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filon.audit.models import AuditEntry
from filon.directory.models import ContactPoint, Person
from tests.directory.conftest import EMAIL_MEMBERS, PHONE_PAYING, Cast

EDIT = "/profil/modifier/"


def form_data(person: Person, **overrides: Any) -> dict[str, Any]:
    """The edit form as the browser would post it back unchanged, with ``overrides``."""
    person.refresh_from_db()
    data: dict[str, Any] = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "headline": person.headline,
        "bio": person.bio,
        "city": person.city,
        "country": person.country,
        "visibility_city": "members",
        "visibility_bio": "members",
        "visibility_positions": "members",
        "visibility_thesis": "members",
        "visibility_skills": "members",
    }
    contacts = list(ContactPoint.objects.filter(person=person).order_by("pk"))
    data.update(
        {
            "contacts-TOTAL_FORMS": str(len(contacts) + 1),
            "contacts-INITIAL_FORMS": str(len(contacts)),
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        }
    )
    for i, c in enumerate(contacts):
        data.update(
            {
                f"contacts-{i}-id": str(c.pk),
                f"contacts-{i}-person": str(person.pk),
                f"contacts-{i}-kind": c.kind,
                f"contacts-{i}-value": c.value,
                f"contacts-{i}-label": c.label,
                f"contacts-{i}-visibility": c.visibility,
            }
        )
    n = len(contacts)
    data.update(
        {
            f"contacts-{n}-person": str(person.pk),
            f"contacts-{n}-kind": "email",
            f"contacts-{n}-value": "",
            f"contacts-{n}-label": "",
            f"contacts-{n}-visibility": "paying",
        }
    )
    if person.directory_opt_out:
        data["directory_opt_out"] = "on"
    if person.intermediary_opt_out:
        data["intermediary_opt_out"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_prefilled_with_my_profile(cast: Cast) -> None:
    response = cast.client("owner").get(EDIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Hélène"' in html
    assert 'value="Grenoble"' in html
    assert f'value="{EMAIL_MEMBERS}"' in html
    assert "Ne pas apparaître dans l&#x27;annuaire" in html
    assert "Ne pas servir d&#x27;intermédiaire" in html
    # Every field group has its visibility setting, with the three audiences.
    for group in ("city", "bio", "positions", "thesis", "skills"):
        assert f'name="visibility_{group}"' in html
    assert "Les membres à jour de cotisation" in html


def test_saving_changes_identity_and_visibility_with_one_audit_row(cast: Cast) -> None:
    data = form_data(
        cast.person, headline="Conseil en métallurgie", city="Lyon", visibility_city="paying"
    )
    response = cast.client("owner").post(EDIT, data)
    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/{cast.person.pk}/"
    person = Person.objects.get(pk=cast.person.pk)
    assert person.headline == "Conseil en métallurgie"
    assert person.city == "Lyon"
    assert person.field_visibility["city"] == "paying"
    entry = AuditEntry.objects.get(action="profile.update")
    assert entry.actor == cast.owner
    assert entry.target_id == str(person.pk)
    assert sorted(entry.details["fields"]) == ["city", "field_visibility", "headline"]
    # The audit row names the fields, not their (personal) values.
    assert "Lyon" not in str(entry.details)
    # The new setting is applied at once.
    assert "Lyon" not in cast.client("member").get(f"/annuaire/{person.pk}/").content.decode()
    assert "Lyon" in cast.client("paying").get(f"/annuaire/{person.pk}/").content.decode()


def test_a_phone_is_normalised_to_e164(cast: Cast) -> None:
    data = form_data(
        cast.person, **{"contacts-3-kind": "phone", "contacts-3-value": "06 98 76 54 32"}
    )
    response = cast.client("owner").post(EDIT, data)
    assert response.status_code == 302
    assert ContactPoint.objects.filter(person=cast.person, value="+33698765432").exists()


def test_an_invalid_phone_is_an_error_next_to_the_field_in_french(cast: Cast) -> None:
    data = form_data(cast.person, **{"contacts-3-kind": "phone", "contacts-3-value": "12"})
    response = cast.client("owner").post(EDIT, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<div class="field-error" id="id_contacts-3-value_error">' in html
    assert "Numéro de téléphone invalide : 12" in html
    assert ContactPoint.objects.filter(person=cast.person).count() == 3
    assert not AuditEntry.objects.filter(action="profile.update").exists()


def test_an_invalid_email_is_an_error_next_to_the_field(cast: Cast) -> None:
    data = form_data(cast.person, **{"contacts-3-value": "pas-une-adresse"})
    html = cast.client("owner").post(EDIT, data).content.decode()
    assert '<div class="field-error" id="id_contacts-3-value_error">' in html
    assert "Adresse e-mail invalide" in html


def test_a_contact_point_can_be_added_changed_and_removed(cast: Cast) -> None:
    phone = ContactPoint.objects.get(person=cast.person, value=PHONE_PAYING)
    data = form_data(
        cast.person,
        **{
            "contacts-0-visibility": "private",
            "contacts-1-DELETE": "on",
            "contacts-3-value": "Nouvelle@Example.org",
            "contacts-3-label": "pro",
        },
    )
    assert cast.client("owner").post(EDIT, data).status_code == 302
    values = dict(
        ContactPoint.objects.filter(person=cast.person).values_list("value", "visibility")
    )
    assert values[EMAIL_MEMBERS] == "private"
    assert PHONE_PAYING not in values
    assert values["nouvelle@example.org"] == "paying"
    assert not ContactPoint.objects.filter(pk=phone.pk).exists()
    entry = AuditEntry.objects.get(action="profile.update")
    assert entry.details["contacts_added"] == 1
    assert entry.details["contacts_removed"] == 1


def test_the_same_contact_twice_is_a_form_error(cast: Cast) -> None:
    data = form_data(cast.person, **{"contacts-3-value": EMAIL_MEMBERS.upper()})
    response = cast.client("owner").post(EDIT, data)
    assert response.status_code == 400
    assert "Cette coordonnée figure deux fois." in response.content.decode()
    assert ContactPoint.objects.filter(person=cast.person).count() == 3


def test_names_are_required(cast: Cast) -> None:
    response = cast.client("owner").post(EDIT, form_data(cast.person, last_name=""))
    assert response.status_code == 400
    assert Person.objects.get(pk=cast.person.pk).last_name == "Durand"


def test_opting_out_hides_me_from_other_members(cast: Cast) -> None:
    data = form_data(cast.person, directory_opt_out="on", intermediary_opt_out="on")
    assert cast.client("owner").post(EDIT, data).status_code == 302
    person = Person.objects.get(pk=cast.person.pk)
    assert person.directory_opt_out and person.intermediary_opt_out
    assert cast.client("member").get(f"/annuaire/{person.pk}/").status_code == 404
    assert cast.client("owner").get(f"/annuaire/{person.pk}/").status_code == 200


def test_a_member_edits_only_their_own_profile(cast: Cast) -> None:
    data = form_data(cast.person, first_name="Piratée")
    assert cast.client("member").post(EDIT, data).status_code in (302, 400)
    assert Person.objects.get(pk=cast.person.pk).first_name == "Hélène"
    assert (
        not ContactPoint.objects.filter(person=cast.member.person)
        .filter(value=EMAIL_MEMBERS)
        .exists()
    )


@pytest.mark.parametrize("role", ["staff"])
def test_an_account_without_a_person_has_no_profile_to_edit(cast: Cast, role: str) -> None:
    assert cast.client(role).get(EDIT).status_code == 404


def test_anonymous_is_sent_to_the_login_page(cast: Cast) -> None:
    response = Client().get(EDIT)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={EDIT}"


def test_two_spellings_of_the_same_number_are_one_duplicate(cast: Cast) -> None:
    data = form_data(
        cast.person,
        **{"contacts-3-kind": "phone", "contacts-3-value": "06 12 34 56 78"},
    )
    response = cast.client("owner").post(EDIT, data)
    assert response.status_code == 400
    assert "Cette coordonnée figure deux fois." in response.content.decode()
