"""One-click links: they work once, expire, cannot be forged or replayed, need no session,
and the page they open shows the request and nothing else."""

from __future__ import annotations

import time
from datetime import timedelta

from django.core import signing
from django.core.signing import b62_encode
from django.utils import timezone

from filon.outreach import links
from filon.outreach.models import ActionLink, ContactRequest, RequestStatus
from tests.outreach.conftest import Cast, links_in, sent_to

MESSAGE = "Bonjour, nous sommes de la même école : un café ?"


def send_request(cast: Cast) -> tuple[ContactRequest, dict[str, str]]:
    response = cast.client("a").post(
        f"/entraide/ecrire/{cast.person('b').pk}/", {"message": MESSAGE, "language": "fr"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request = ContactRequest.objects.get()
    return request, links_in(sent_to(cast.b.email)[0])


def test_a_link_works_once_without_a_session(cast: Cast) -> None:
    request, found = send_request(cast)
    client = cast.client("anonymous")
    assert client.get(found["accept"]).status_code == 200
    assert client.post(found["accept"], {"answer": "accept"}).status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    # Replayed, or another answer from the same e-mail: refused, nothing changes.
    for answer in ("accept", "decline", "later"):
        again = client.post(found[answer], {"answer": answer})
        assert again.status_code == 410
        assert "déjà servi" in again.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_opening_a_link_does_not_answer(cast: Cast) -> None:
    # Mail scanners open links: only the button (a POST) answers.
    request, found = send_request(cast)
    for _ in range(3):
        assert cast.client("anonymous").get(found["decline"]).status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_forged_link_is_refused(cast: Cast) -> None:
    request, found = send_request(cast)
    path = found["accept"]
    token = path.split("/")[3]
    nonce, stamp, signature = token.split(":")
    forged = [
        f"{nonce}:{stamp}:{signature[:-2]}xx",  # tampered signature
        f"{nonce[:-2]}ab:{stamp}:{signature}",  # another nonce, old signature
        signing.TimestampSigner(salt="another.salt").sign(nonce),  # wrong salt
        "n'importe quoi",
    ]
    for bad in forged:
        response = cast.client("anonymous").post(
            f"/entraide/reponse/{bad}/accept/", {"answer": "accept"}
        )
        assert response.status_code == 404, bad
    # A validly signed nonce that Filon never issued is refused too.
    unknown = signing.TimestampSigner(salt=links.SALT).sign("jamais-emis")
    response = cast.client("anonymous").post(
        f"/entraide/reponse/{unknown}/accept/", {"answer": "accept"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_link_past_its_expiry_is_refused(cast: Cast) -> None:
    request, found = send_request(cast)
    ActionLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = cast.client("anonymous").post(found["accept"], {"answer": "accept"})
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_signature_older_than_the_expiry_is_refused(cast: Cast) -> None:
    request, _found = send_request(cast)
    link = ActionLink.objects.get()

    class Backdated(signing.TimestampSigner):
        def timestamp(self) -> str:
            return b62_encode(int(time.time()) - 15 * 86_400)

    old = Backdated(salt=links.SALT).sign(link.nonce)
    response = cast.client("anonymous").post(
        f"/entraide/reponse/{old}/accept/", {"answer": "accept"}
    )
    assert response.status_code == 410
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_link_dies_when_the_request_is_answered_on_the_site(cast: Cast) -> None:
    request, found = send_request(cast)
    cast.client("b").post(f"/entraide/contacts/{request.pk}/repondre/", {"answer": "decline"})
    response = cast.client("anonymous").post(found["accept"], {"answer": "accept"})
    assert response.status_code == 410
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


def test_the_link_page_shows_the_request_and_nothing_else(cast: Cast) -> None:
    _request, found = send_request(cast)
    html = cast.client("anonymous").get(found["accept"]).content.decode()
    assert "Anne Aubert" in html and MESSAGE.replace("'", "&#x27;") in html
    for role in ("a", "b", "c", "x"):
        for detail in cast.details(role):
            assert detail not in html, (role, detail)
    assert "/annuaire/" not in html  # no way into the directory from here
    response = cast.client("anonymous").get(found["accept"])
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_an_unknown_answer_in_a_link_is_not_found(cast: Cast) -> None:
    _request, found = send_request(cast)
    path = found["accept"].replace("/accept/", "/delete/")
    assert cast.client("anonymous").get(path).status_code == 404
