"""Double-opt-in introductions, through every branch, checking at each step who sees whose
contact details — in the pages, in the e-mails and in the API.

A (Anne) asks B (Bernard) to introduce her to C (Chloé). Until C accepts, nobody's details
appear anywhere; once C accepts, A sees C's e-mail and C sees A's, and nobody else sees either.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from filon.audit.models import AuditEntry
from filon.directory.models import ContactReveal
from filon.network.models import Tie
from filon.outreach import actions
from filon.outreach.models import HelpEntry, HelpKind, Introduction, IntroStatus
from tests.outreach.conftest import ROLES, Cast, bodies, links_in, sent_to

REASON = "J'aimerais comprendre le marché de l'observation de la Terre."


def request_intro(cast: Cast) -> Introduction:
    """A asks for the introduction through the page, as a member would."""
    url = f"/entraide/presentation/{cast.person('c').pk}/"
    response = cast.client("a").post(url, {"connector": cast.person("b").pk, "reason": REASON})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Introduction.objects.get()


def page(cast: Cast, role: str, intro: Introduction) -> tuple[int, str]:
    response = cast.client(role).get(f"/entraide/presentations/{intro.pk}/")
    return response.status_code, response.content.decode()


def api(cast: Cast, role: str, intro: Introduction) -> tuple[int, dict]:
    response = cast.client(role).get(f"/api/introductions/{intro.pk}")
    return response.status_code, response.json()


def assert_who_sees_what(cast: Cast, intro: Introduction, shared: dict[str, str]) -> None:
    """``shared`` maps a role to the role whose e-mail it may see; nobody else sees anything.

    Pages, API answers and every e-mail sent so far are checked, for every role.
    """
    target_informed = intro.status not in (IntroStatus.ASKING_CONNECTOR, "connector_no") and (
        intro.connector_answered_at is not None
    )
    for role in ROLES:
        status, html = page(cast, role, intro)
        api_status, body = api(cast, role, intro)
        if role == "anonymous":
            assert (
                status == 302
                and "/connexion/"
                in cast.client(role).get(f"/entraide/presentations/{intro.pk}/")["Location"]
            )
            assert api_status == 401
            continue
        if role == "x" or (role == "c" and not target_informed):
            assert status == 404, role
            assert api_status == 404, role
            continue
        assert status == 200, role
        assert api_status == 200, role
        visible = shared.get(role)
        for other in ("a", "b", "c", "x"):
            if other == role:
                continue
            for detail in cast.details(other):
                if other == visible and detail == cast.shared_email(other):
                    continue
                assert detail not in html, (role, other, detail)
                assert detail not in str(body), (role, other, detail)
        if visible:
            assert cast.shared_email(visible) in html
            assert body["contact"]["email"] == cast.shared_email(visible)
        else:
            assert body["contact"] is None
    for message in mail.outbox:
        text = bodies(message)
        receiver = next(r for r in ("a", "b", "c") if cast.user(r).email in message.to)  # type: ignore[union-attr]
        for other in ("a", "b", "c", "x"):
            if other == receiver:
                continue
            for detail in cast.details(other):
                if other == shared.get(receiver) and detail == cast.shared_email(other):
                    continue
                assert detail not in text, (receiver, other, detail, message.subject)


def test_it_connects_a_and_c_once_b_then_c_accept(cast: Cast) -> None:
    intro = request_intro(cast)
    assert intro.status == IntroStatus.ASKING_CONNECTOR
    # Only B hears of it, with one-click links.
    assert [m.to for m in mail.outbox] == [[cast.b.email]]
    to_b = mail.outbox[0]
    assert "Anne Aubert" in to_b.body and "Chloé Chevalier" in to_b.body and REASON in to_b.body
    assert to_b.alternatives and to_b.alternatives[0][1] == "text/html"
    assert set(links_in(to_b)) == {"accept", "decline", "later"}
    assert_who_sees_what(cast, intro, shared={})

    # B accepts from the e-mail, without signing in.
    anonymous = cast.client("anonymous")
    link = links_in(to_b)["accept"]
    shown = anonymous.get(link)
    assert shown.status_code == 200
    assert "Anne Aubert" in shown.content.decode()
    response = anonymous.post(link, {"answer": "accept", "note": "Anne est très bien."})
    assert response.status_code == 200
    assert "Merci, c'est accepté" in response.content.decode()
    intro.refresh_from_db()
    assert intro.status == IntroStatus.ASKING_TARGET
    assert intro.connector_note == "Anne est très bien."
    # C is asked now, in English (her account's language), and A is told.
    to_c = sent_to(cast.c.email)
    assert len(to_c) == 1
    assert to_c[0].extra_headers["Content-Language"] == "en"
    assert '<html lang="en">' in to_c[0].alternatives[0][0]
    assert "Anne est très bien." in to_c[0].body
    assert len(sent_to(cast.a.email)) == 1
    assert_who_sees_what(cast, intro, shared={})

    # C accepts on the site.
    response = cast.client("c").post(
        f"/entraide/presentations/{intro.pk}/repondre/", {"answer": "accept"}
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroStatus.CONNECTED
    # A and C each get the other's e-mail; B is thanked without anyone's details.
    assert cast.shared_email("c") in bodies(sent_to(cast.a.email)[-1])
    assert cast.shared_email("a") in bodies(sent_to(cast.c.email)[-1])
    assert_who_sees_what(cast, intro, shared={"a": "c", "c": "a"})

    # The introduction is a tie of the network, the help is in the ledger, the reveals logged.
    tie = Tie.objects.get(source_person=cast.person("a"), target_person=cast.person("c"))
    assert tie.kind == "introduction" and intro.tie_id == tie.pk
    assert set(HelpEntry.objects.values_list("helper_id", "kind")) == {
        (cast.person("b").pk, HelpKind.INTRODUCTION),
        (cast.person("c").pk, HelpKind.ANSWERED),
    }
    assert set(ContactReveal.objects.values_list("viewer_id", "person_id")) == {
        (cast.a.pk, cast.person("c").pk),
        (cast.c.pk, cast.person("a").pk),
    }
    actions_logged = list(
        AuditEntry.objects.filter(target_type="outreach.introduction").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions_logged) == [
        "outreach.intro.connector_accept",
        "outreach.intro.request",
        "outreach.intro.target_accept",
    ]


def test_it_stops_when_b_declines_and_c_never_hears_of_it(cast: Cast) -> None:
    intro = request_intro(cast)
    link = links_in(mail.outbox[0])["decline"]
    response = cast.client("anonymous").post(link, {"answer": "decline"})
    assert response.status_code == 200
    intro.refresh_from_db()
    assert intro.status == IntroStatus.CONNECTOR_DECLINED
    assert sent_to(cast.c.email) == []
    assert len(sent_to(cast.a.email)) == 1
    assert "ne peut pas présenter" in sent_to(cast.a.email)[0].body
    assert_who_sees_what(cast, intro, shared={})
    assert not Tie.objects.exists() and not HelpEntry.objects.exists()


def test_it_stops_when_c_declines(cast: Cast) -> None:
    intro = request_intro(cast)
    cast.client("b").post(f"/entraide/presentations/{intro.pk}/repondre/", {"answer": "accept"})
    to_c = sent_to(cast.c.email)[0]
    response = cast.client("anonymous").post(links_in(to_c)["decline"], {"answer": "decline"})
    assert response.status_code == 200
    intro.refresh_from_db()
    assert intro.status == IntroStatus.TARGET_DECLINED
    # A and B are told; nobody's details travel.
    assert "a décliné" in sent_to(cast.a.email)[-1].body
    assert "a décliné" in sent_to(cast.b.email)[-1].body
    assert_who_sees_what(cast, intro, shared={})
    assert not Tie.objects.exists()


def test_it_expires_at_the_connector_step(cast: Cast) -> None:
    intro = request_intro(cast)
    link = links_in(mail.outbox[0])["accept"]
    Introduction.objects.filter(pk=intro.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    counts = actions.expire_due()
    assert counts == {"contact_requests": 0, "introductions": 1}
    intro.refresh_from_db()
    assert intro.status == IntroStatus.EXPIRED
    assert "a expiré" in sent_to(cast.a.email)[-1].subject
    # B's link no longer works.
    response = cast.client("anonymous").get(link)
    assert response.status_code == 410
    assert_who_sees_what(cast, intro, shared={})


def test_it_expires_at_the_target_step_when_someone_looks(cast: Cast) -> None:
    intro = request_intro(cast)
    cast.client("b").post(f"/entraide/presentations/{intro.pk}/repondre/", {"answer": "accept"})
    intro.refresh_from_db()
    Introduction.objects.filter(pk=intro.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    # Nobody ran `filon outreach expire`: viewing the page is enough.
    status, html = page(cast, "a", intro)
    assert status == 200
    intro.refresh_from_db()
    assert intro.status == IntroStatus.EXPIRED
    assert "Expirée" in html
    response = cast.client("c").post(
        f"/entraide/presentations/{intro.pk}/repondre/", {"answer": "accept"}
    )
    intro.refresh_from_db()
    assert intro.status == IntroStatus.EXPIRED
    assert response.status_code == 302
    assert_who_sees_what(cast, intro, shared={})


def test_the_api_follows_the_same_steps(cast: Cast) -> None:
    response = cast.client("a").post(
        "/api/introductions",
        {
            "connector_id": cast.person("b").pk,
            "target_id": cast.person("c").pk,
            "reason": REASON,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    intro_id = response.json()["id"]
    assert response.json()["contact"] is None
    # C may not answer before B; X may not answer at all.
    denied = cast.client("c").post(
        f"/api/introductions/{intro_id}/answer",
        {"answer": "accept"},
        content_type="application/json",
    )
    assert denied.status_code == 404
    denied = cast.client("x").post(
        f"/api/introductions/{intro_id}/answer",
        {"answer": "accept"},
        content_type="application/json",
    )
    assert denied.status_code == 404
    for role in ("b", "c"):
        answered = cast.client(role).post(
            f"/api/introductions/{intro_id}/answer",
            {"answer": "accept"},
            content_type="application/json",
        )
        assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "connected"
    assert answered.json()["contact"]["email"] == cast.shared_email("a")
    listed = cast.client("a").get("/api/introductions").json()
    assert [i["contact"]["email"] for i in listed] == [cast.shared_email("c")]
    assert cast.client("b").get("/api/introductions").json()[0]["contact"] is None


def test_it_refuses_a_connector_who_opted_out_of_being_an_intermediary(cast: Cast) -> None:
    b = cast.person("b")
    b.intermediary_opt_out = True
    b.save()
    url = f"/entraide/presentation/{cast.person('c').pk}/"
    response = cast.client("a").post(url, {"connector": b.pk, "reason": REASON})
    assert response.status_code == 400
    assert "ne souhaite pas servir d&#x27;intermédiaire" in response.content.decode()
    assert not Introduction.objects.exists()
    assert mail.outbox == []


def test_it_hides_introductions_from_outsider(cast: Cast) -> None:
    intro = request_intro(cast)
    assert cast.client("x").get(f"/entraide/presentations/{intro.pk}/").status_code == 404
    assert cast.client("x").get("/api/introductions").json() == []


def test_the_form_finds_a_connector_by_name_and_proposes_known_people(cast: Cast) -> None:
    from filon.network.models import Tie

    Tie.objects.create(
        source_person=cast.person("a"), target_person=cast.person("x"), kind="declared"
    )
    url = f"/entraide/presentation/{cast.person('c').pk}/"
    html = cast.client("a").get(url).content.decode()
    assert "Xavier Xiberras" in html  # Anne's own tie
    assert "Bernard Berthier" not in html
    html = cast.client("a").get(url, {"q": "berthier"}).content.decode()
    assert f'value="{cast.person("b").pk}"' in html and "Bernard Berthier" in html
    # The target is never proposed as her own intermediary.
    html = cast.client("a").get(url, {"q": "chevalier"}).content.decode()
    assert f'name="connector" value="{cast.person("c").pk}"' not in html
