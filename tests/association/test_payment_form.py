"""Recording one dues payment: the staff's form, its member lookup, the action, the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from filon.accounts.models import User
from filon.association.actions import DuplicatePayment, record_dues_payment
from filon.association.models import DuesPayment
from filon.audit.models import AuditEntry

URL = "/association/cotisations/nouvelle/"
LOOKUP = "/association/cotisations/membres/"


def _post(client: Client, who: Any, **fields: Any) -> Any:
    data = {
        "person": str(who.pk),
        "year": "2020",
        "amount": "120,50",
        "category": "reduced",
        "paid_on": "2020-03-14",
    } | fields
    return client.post(URL, data)


def test_staff_record_a_payment(staff_client: Client, staff: User, make_person: Any) -> None:
    person = make_person()
    response = _post(staff_client, person)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?person={person.pk}"
    payment = DuesPayment.objects.get(person=person)
    assert (payment.year, payment.amount, payment.category, payment.paid_on) == (
        2020,
        Decimal("120.50"),
        "reduced",
        date(2020, 3, 14),
    )
    entry = AuditEntry.objects.get(action="dues.record")
    assert entry.actor == staff
    assert entry.target_id == str(payment.pk)
    page = staff_client.get(response["Location"]).content.decode()
    assert f"Cotisation 2020 enregistrée pour {person.full_name}." in page
    assert "120,50" in page
    assert "Tarif réduit" in page


def test_a_second_payment_for_the_same_year_is_a_form_error(
    staff_client: Client, make_person: Any
) -> None:
    person = make_person()
    assert _post(staff_client, person).status_code == 302
    response = _post(staff_client, person, amount="30")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Une cotisation 2020 est déjà enregistrée pour {person.full_name}." in html
    assert DuesPayment.objects.filter(person=person).count() == 1
    assert AuditEntry.objects.filter(action="dues.record").count() == 1


def test_the_action_refuses_a_duplicate_even_without_the_form(
    staff: User, make_person: Any
) -> None:
    person = make_person()
    fields = {"person": person, "year": 2021, "amount": Decimal(30), "paid_on": date(2021, 1, 5)}
    record_dues_payment(staff, **fields)
    with pytest.raises(DuplicatePayment):
        record_dues_payment(staff, **fields)
    assert DuesPayment.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person", "Jean Dupont", "Choisissez un membre dans la liste"),
        ("person", "999999", "Aucun membre n° 999999 dans l"),
        ("amount", "12,x", "Saisissez un nombre."),
        ("amount", "-5", "supérieure ou égale à 0"),
        ("paid_on", "hier", "Saisissez une date valide."),
    ],
)
def test_invalid_values_are_explained(
    staff_client: Client, make_person: Any, field: str, value: str, message: str
) -> None:
    response = _post(staff_client, make_person(), **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_members_may_not_record_payments(member_client: Client, member: User) -> None:
    assert member_client.get(URL).status_code == 403
    assert _post(member_client, member.person).status_code == 403
    assert not DuesPayment.objects.exists()


def test_anonymous_visitors_go_to_the_login_page(client: Client, make_person: Any) -> None:
    response = _post(client, make_person())
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert not DuesPayment.objects.exists()


def test_the_lookup_finds_members_by_folded_name(staff_client: Client, make_person: Any) -> None:
    helene = make_person("Hélène", "Lefèvre", track="ingenieur_civil", year=1998)
    make_person("Paul", "Martin")
    html = staff_client.get(LOOKUP, {"q": "helene lefev"}).content.decode()
    assert f'<option value="{helene.pk}">Hélène Lefèvre — P98 ingénieur civil</option>' in html
    assert "Paul" not in html
    by_id = staff_client.get(LOOKUP, {"q": str(helene.pk)}).content.decode()
    assert f'value="{helene.pk}"' in by_id
    assert staff_client.get(LOOKUP, {"q": "h"}).content.decode().strip() == ""


def test_the_lookup_is_for_staff_only(member_client: Client, client: Client) -> None:
    assert member_client.get(LOOKUP, {"q": "martin"}).status_code == 403
    assert client.get(LOOKUP, {"q": "martin"}).status_code == 302


def test_the_form_page_wires_the_lookup(staff_client: Client, make_person: Any) -> None:
    person = make_person()
    html = staff_client.get(URL, {"person": person.pk}).content.decode()
    assert f'hx-get="{LOOKUP}"' in html
    assert 'list="dues-people"' in html
    assert f'value="{person.pk}"' in html
    assert "Aucune cotisation enregistrée." in html


def test_the_dues_history_include_is_self_contained(make_person: Any) -> None:
    person = make_person()
    assert "Aucune cotisation enregistrée." in render_to_string(
        "association/_dues_history.html", {"dues": []}
    )
    payments = [
        DuesPayment.objects.create(
            person=person, year=y, amount=Decimal("60"), category="retired", paid_on=date(y, 2, 1)
        )
        for y in (2021, 2020)
    ]
    html = render_to_string("association/_dues_history.html", {"dues": payments})
    assert '<th scope="col">Année</th>' in html
    assert "<td>2021</td>" in html
    assert "60,00&nbsp;€" in html
    assert "Retraité" in html
    assert "01/02/2020" in html
    assert "Aucune cotisation" not in html
