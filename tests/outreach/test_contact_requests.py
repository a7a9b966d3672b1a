"""Contact requests: the same-school pretext, pre-filled in the recipient's language; the
recipient's details stay hidden until they accept; "pas maintenant" comes back later."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

from filon.directory.models import ContactReveal
from filon.outreach import actions
from filon.outreach.models import ContactRequest, HelpEntry, RequestStatus
from tests.outreach.conftest import Cast, bodies, links_in, sent_to


def form_html(cast: Cast, sender: str, recipient: str) -> str:
    response = cast.client(sender).get(f"/entraide/ecrire/{cast.person(recipient).pk}/")
    assert response.status_code == 200
    return response.content.decode()


def send(
    cast: Cast, sender: str = "a", recipient: str = "b", message: str = "Bonjour !"
) -> ContactRequest:
    response = cast.client(sender).post(
        f"/entraide/ecrire/{cast.person(recipient).pk}/", {"message": message, "language": "fr"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ContactRequest.objects.latest("pk")


def test_the_message_is_prefilled_with_the_same_school_pretext(cast: Cast) -> None:
    # Anne (P19) writes to Bernard (P58): same school, different promos.
    html = form_html(cast, "a", "b")
    assert "parce que nous sommes de la même école" in html
    assert "P19 pour moi, P58 pour vous" in html
    assert 'name="language" value="fr"' in html


def test_the_message_is_prefilled_in_the_recipients_language(cast: Cast) -> None:
    # Chloé's account is in English: the message is written for her language.
    html = form_html(cast, "a", "c")
    assert 'name="language" value="en"' in html
    assert "anglais" in html


def test_without_a_shared_school_the_network_is_the_pretext(cast: Cast) -> None:
    # c reads English: the pre-filled message is written in the recipient's language.
    html = form_html(cast, "a", "c")
    assert "we belong to the same alumni network" in html
    assert "même réseau" not in html


def test_the_recipients_details_stay_hidden_until_they_accept(cast: Cast) -> None:
    request = send(cast)
    to_b = sent_to(cast.b.email)
    assert len(to_b) == 1 and to_b[0].extra_headers["Content-Language"] == "fr"
    for role in ("a", "b"):
        html = cast.client(role).get(f"/entraide/contacts/{request.pk}/").content.decode()
        other = "b" if role == "a" else "a"
        assert cast.shared_email(other) not in html
        body = cast.client(role).get(f"/api/contact-requests/{request.pk}").json()
        assert body["contact"] is None
    for detail in cast.details("a"):
        assert detail not in bodies(to_b[0])
    assert cast.client("x").get(f"/entraide/contacts/{request.pk}/").status_code == 404
    assert cast.client("x").get(f"/api/contact-requests/{request.pk}").status_code == 404

    cast.client("anonymous").post(links_in(to_b[0])["accept"], {"answer": "accept"})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    a_page = cast.client("a").get(f"/entraide/contacts/{request.pk}/").content.decode()
    b_page = cast.client("b").get(f"/entraide/contacts/{request.pk}/").content.decode()
    assert cast.shared_email("b") in a_page
    assert cast.shared_email("a") in b_page
    assert cast.shared_email("b") in bodies(sent_to(cast.a.email)[-1])
    assert cast.shared_email("a") in bodies(sent_to(cast.b.email)[-1])
    staff_page = cast.client("staff").get(f"/entraide/contacts/{request.pk}/").content.decode()
    for role in ("a", "b"):
        for detail in cast.details(role):
            assert detail not in staff_page
    assert ContactReveal.objects.filter(viewer=cast.a, person=cast.person("b")).exists()
    assert HelpEntry.objects.get().helper == cast.person("b")


def test_declining_shares_nothing(cast: Cast) -> None:
    request = send(cast)
    response = cast.client("b").post(
        f"/entraide/contacts/{request.pk}/repondre/", {"answer": "decline"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert "ne peut pas donner suite" in sent_to(cast.a.email)[-1].body
    for message in mail.outbox:
        for role in ("a", "b"):
            for detail in cast.details(role):
                assert detail not in bodies(message)


def test_not_now_comes_back_with_fresh_links(cast: Cast) -> None:
    request = send(cast)
    first = links_in(sent_to(cast.b.email)[0])
    cast.client("anonymous").post(first["later"], {"answer": "later"})
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and request.snoozed_until is not None
    assert "plus tard" in sent_to(cast.a.email)[-1].subject
    assert actions.send_due_reminders() == {"snoozed": 0, "follow_ups": 0}
    later = request.snoozed_until + timedelta(minutes=1)
    assert actions.send_due_reminders(later)["snoozed"] == 1
    reminder = sent_to(cast.b.email)[-1]
    assert reminder.subject.startswith("Rappel")
    fresh = links_in(reminder)
    assert fresh["accept"] != first["accept"]
    # The old link stays dead; the new one works.
    assert cast.client("anonymous").post(first["accept"], {"answer": "accept"}).status_code == 410
    assert cast.client("anonymous").post(fresh["accept"], {"answer": "accept"}).status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_an_unanswered_request_expires(cast: Cast) -> None:
    request = send(cast)
    ContactRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert cast.client("a").get("/api/contact-requests").json()[0]["status"] == "expired"
    assert "a expiré" in sent_to(cast.a.email)[-1].subject


def test_one_pending_request_at_a_time_per_recipient(cast: Cast) -> None:
    send(cast)
    response = cast.client("a").post(
        f"/entraide/ecrire/{cast.person('b').pk}/", {"message": "Encore moi", "language": "fr"}
    )
    assert response.status_code == 400
    assert ContactRequest.objects.count() == 1


def test_a_member_cannot_write_to_someone_out_of_the_directory(cast: Cast) -> None:
    b = cast.person("b")
    b.directory_opt_out = True
    b.save()
    assert cast.client("a").get(f"/entraide/ecrire/{b.pk}/").status_code == 404
    response = cast.client("a").post(
        "/api/contact-requests", {"recipient_id": b.pk}, content_type="application/json"
    )
    assert response.status_code == 404
    assert mail.outbox == []


def test_the_api_sends_the_prefilled_message_and_answers(cast: Cast) -> None:
    response = cast.client("a").post(
        "/api/contact-requests",
        {"recipient_id": cast.person("b").pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "même école" in body["message"] and body["contact"] is None
    answered = cast.client("b").post(
        f"/api/contact-requests/{body['id']}/answer",
        {"answer": "accept"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert answered.json()["contact"]["email"] == cast.shared_email("a")
    # Only the recipient answers.
    again = cast.client("a").post(
        f"/api/contact-requests/{body['id']}/answer",
        {"answer": "decline"},
        content_type="application/json",
    )
    assert again.status_code == 404


def test_requests_per_day_are_limited(cast: Cast, make_person, make_user) -> None:  # type: ignore[no-untyped-def]
    for i in range(settings.REQUESTS_PER_DAY):
        other = make_user(person=make_person(f"P{i}"))
        actions.send_contact_request(cast.a, other.person, message="Bonjour")
    last = make_user(person=make_person("Dernier"))
    response = cast.client("a").post(
        f"/entraide/ecrire/{last.person.pk}/", {"message": "Bonjour", "language": "fr"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert f"Limite atteinte : {settings.REQUESTS_PER_DAY} demandes de contact" in text
