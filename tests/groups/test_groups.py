"""Groups and clubs: joining (open or on approval), leaving, the admins' tools, announcements
mailed in the background with a one-click unsubscribe (RFC 8058), events of a group, and who
sees what — a member of the group, a member of another group, a non-member, staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from filon.accounts.models import Role, User
from filon.audit import throttle
from filon.events.models import Event
from filon.groups import actions, links
from filon.groups.mail import deliver
from filon.network.models import (
    GraphChange,
    Group,
    GroupAnnouncement,
    GroupJoinRequest,
    GroupMembership,
)


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    monkeypatch.setattr("filon.ops.queue.after_commit", lambda send: send())
    throttle.reset()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cast(make_person: Any, make_user: Any) -> dict[str, Any]:
    """An open group with its admin and a member, another group with its own member, a
    non-member, a member out of the directory, and staff."""
    espace = Group.objects.create(name="Mines Espace", kind="club", description="Le spatial.")
    auteurs = Group.objects.create(name="X-Mines Auteurs", kind="association", admission="approval")
    people = {
        "admin": make_user(person=make_person("Ada", "Admin")),
        "member": make_user(person=make_person("Max", "Membre")),
        "hidden": make_user(person=make_person("Hugo", "Cache", directory_opt_out=True)),
        "other": make_user(person=make_person("Otto", "Autre")),
        "outsider": make_user(person=make_person("Nina", "Dehors")),
        "staff": make_user(Role.STAFF),
    }
    GroupMembership.objects.create(group=espace, person=people["admin"].person, is_admin=True)
    GroupMembership.objects.create(group=espace, person=people["member"].person)
    GroupMembership.objects.create(group=espace, person=people["hidden"].person)
    GroupMembership.objects.create(group=auteurs, person=people["other"].person, is_admin=True)
    return {"espace": espace, "auteurs": auteurs, **people}


def test_join_an_open_group_and_leave_it(cast: dict[str, Any]) -> None:
    c = client_for(cast["outsider"])
    espace = cast["espace"]
    before = GraphChange.objects.count()
    assert c.post(f"/groupes/{espace.pk}/rejoindre/").status_code == 302
    assert GroupMembership.objects.filter(group=espace, person=cast["outsider"].person).exists()
    assert GraphChange.objects.count() > before  # the graph follows the membership
    assert "Annonces" in c.get(f"/groupes/{espace.pk}/").content.decode()
    assert c.post(f"/groupes/{espace.pk}/quitter/").status_code == 302
    assert not GroupMembership.objects.filter(group=espace, person=cast["outsider"].person).exists()


def test_ask_to_join_then_an_admin_approves(cast: dict[str, Any]) -> None:
    auteurs = cast["auteurs"]
    assert actions.join(cast["outsider"], auteurs, message="J'écris des polars.") == "requested"
    assert not GroupMembership.objects.filter(
        group=auteurs, person=cast["outsider"].person
    ).exists()
    with pytest.raises(actions.AlreadyAsked):
        actions.join(cast["outsider"], auteurs)
    req = GroupJoinRequest.objects.get(group=auteurs)
    # Neither a plain member nor the requester may decide; the admin does.
    assert client_for(cast["outsider"]).post(f"/groupes/demandes/{req.pk}/").status_code == 404
    page = client_for(cast["other"]).get(f"/groupes/{auteurs.pk}/").content.decode()
    assert "J&#x27;écris des polars." in page or "J'écris des polars." in page
    r = client_for(cast["other"]).post(f"/groupes/demandes/{req.pk}/", {"answer": "approve"})
    assert r.status_code == 302
    assert GroupMembership.objects.filter(group=auteurs, person=cast["outsider"].person).exists()


def test_the_last_admin_cannot_leave_a_group_with_members(cast: dict[str, Any]) -> None:
    with pytest.raises(actions.LastAdmin):
        actions.leave(cast["admin"], cast["espace"])
    actions.set_admin(cast["admin"], cast["espace"], cast["member"].person, admin=True)
    actions.leave(cast["admin"], cast["espace"])


def test_admins_manage_members_others_cannot(cast: dict[str, Any]) -> None:
    espace = cast["espace"]
    target = cast["member"].person
    data = {"person": target.pk, "do": "remove"}
    assert (
        client_for(cast["member"]).post(f"/groupes/{espace.pk}/membres/", data).status_code == 404
    )
    assert client_for(cast["other"]).post(f"/groupes/{espace.pk}/membres/", data).status_code == 404
    assert client_for(cast["admin"]).post(f"/groupes/{espace.pk}/membres/", data).status_code == 302
    assert not GroupMembership.objects.filter(group=espace, person=target).exists()


def _names(client: Client, group: Group) -> str:
    return client.get(f"/groupes/{group.pk}/").content.decode()


def test_who_sees_the_members(cast: dict[str, Any]) -> None:
    espace = cast["espace"]
    # A member sees the members, but not one out of the directory.
    page = _names(client_for(cast["member"]), espace)
    assert "Ada Admin" in page and "Max Membre" in page and "Hugo Cache" not in page
    # A member of another group and a non-member see the admins, not the members.
    for who in ("other", "outsider"):
        page = _names(client_for(cast[who]), espace)
        assert "Ada Admin" in page
        assert "Max Membre" not in page
        assert "réservés à ses membres" in page
    # Staff see everyone, the person out of the directory marked so.
    page = _names(client_for(cast["staff"]), espace)
    assert "Max Membre" in page and "Hugo Cache" in page and "hors annuaire" in page
    # Signed out: the login page.
    assert Client().get(f"/groupes/{espace.pk}/").status_code == 302


def test_the_api_lists_members_to_members_and_staff_only(cast: dict[str, Any]) -> None:
    espace = cast["espace"]
    url = f"/api/groups/{espace.pk}/members"
    assert client_for(cast["outsider"]).get(url).status_code == 403
    assert client_for(cast["other"]).get(url).status_code == 403
    names = {m["name"] for m in client_for(cast["member"]).get(url).json()["members"]}
    assert names == {"Ada Admin", "Max Membre"}
    staff = client_for(cast["staff"]).get(url).json()
    assert staff["count"] == 3
    listing = client_for(cast["outsider"]).get("/api/groups?kind=club").json()
    assert [g["name"] for g in listing["groups"]] == ["Mines Espace"]
    detail = client_for(cast["outsider"]).get(f"/api/groups/{espace.pk}").json()
    assert [a["name"] for a in detail["admins"]] == ["Ada Admin"] and detail["announcements"] == []


def test_listing_members_spends_the_people_budget(cast: dict[str, Any], settings: Any) -> None:
    settings.PEOPLE_PER_MINUTE = 2
    c = client_for(cast["member"])
    url = f"/groupes/{cast['espace'].pk}/"
    assert c.get(url).status_code == 200
    assert c.get(f"/api/groups/{cast['espace'].pk}/members").status_code == 200
    assert c.get(url).status_code == 429


def test_who_in_this_group_can_introduce_me(cast: dict[str, Any]) -> None:
    from filon.directory.models import Position

    org = Position.objects.filter(person=cast["admin"].person).get().organisation
    c = client_for(cast["member"])
    page = c.get(f"/groupes/{cast['espace'].pk}/", {"vers": org.name}).content.decode()
    assert "Ada Admin" in page and f"chez {org.name}" in page
    # Outsiders get no such answer.
    page = (
        client_for(cast["outsider"])
        .get(f"/groupes/{cast['espace'].pk}/", {"vers": org.name})
        .content.decode()
    )
    assert f"chez {org.name}" not in page


def test_an_announcement_is_kept_and_mailed_in_each_language(cast: dict[str, Any]) -> None:
    espace = cast["espace"]
    cast["member"].language = "en"
    cast["member"].save(update_fields=["language"])
    r = client_for(cast["admin"]).post(
        f"/groupes/{espace.pk}/annonces/", {"subject": "Soirée spatiale", "body": "Le 12 à 19 h."}
    )
    assert r.status_code == 302
    a = GroupAnnouncement.objects.get()
    assert a.recipients == 3 and a.sent_at is not None
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {cast[k].email for k in ("admin", "member", "hidden")}
    english = by_address[cast["member"].email]
    assert english.subject == "[Mines Espace] Soirée spatiale"
    assert "An announcement of the group" in english.body
    french = by_address[cast["admin"].email]
    assert "Une annonce du groupe" in french.body
    assert french.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert french.extra_headers["List-Unsubscribe"].startswith("<http")
    # Kept on the page, for members only.
    assert "Soirée spatiale" in _names(client_for(cast["member"]), espace)
    assert "Soirée spatiale" not in _names(client_for(cast["outsider"]), espace)
    # Only admins post.
    r = client_for(cast["member"]).post(
        f"/groupes/{espace.pk}/annonces/", {"subject": "x", "body": "y"}
    )
    assert r.status_code == 404
    # The job runs once per announcement.
    assert deliver(a.pk)["status"] == "already sent"


def test_the_announcement_goes_through_the_task_queue(
    cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[Any, tuple[Any, ...]]] = []
    monkeypatch.setattr(
        "filon.groups.actions.enqueue", lambda task, *args: queued.append((task, args))
    )
    a = actions.post_announcement(cast["admin"], cast["espace"], subject="S", body="B")
    assert [(t.name, args) for t, args in queued] == [("send_announcement", (a.pk,))]
    assert mail.outbox == []


def test_unsubscribe_link_is_signed_one_click_no_login_and_post_only(
    cast: dict[str, Any],
) -> None:
    espace, member = cast["espace"], cast["member"]
    actions.post_announcement(cast["admin"], espace, subject="S", body="B")
    message = next(m for m in mail.outbox if m.to == [member.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    # GET shows a confirmation and changes nothing.
    r = anonymous.get("/" + path)
    assert r.status_code == 200 and "Me désabonner" in r.content.decode()
    assert not GroupMembership.objects.get(group=espace, person=member.person).mail_opt_out
    # A forged or altered token is refused.
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = links.token(espace.pk, member.person.pk)[:-2] + "xx"
    assert anonymous.post(f"/groupes/desabonnement/{forged}/").status_code == 404
    other = token.replace(f"{espace.pk}.", f"{cast['auteurs'].pk}.", 1)
    assert anonymous.post(f"/groupes/desabonnement/{other}/").status_code == 404
    # RFC 8058: the mail client's POST, without session or CSRF token.
    r = anonymous.post(
        "/" + path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 200
    m = GroupMembership.objects.get(group=espace, person=member.person)
    assert m.mail_opt_out
    # Still a member; the next announcement skips them; replaying the link is harmless.
    assert anonymous.post("/" + path).status_code == 200
    mail.outbox.clear()
    actions.post_announcement(cast["admin"], espace, subject="S2", body="B2")
    assert member.email not in {m.to[0] for m in mail.outbox}
    # They can subscribe again from the group's page.
    client_for(member).post(f"/groupes/{espace.pk}/courriels/", {"subscribed": "1"})
    assert not GroupMembership.objects.get(group=espace, person=member.person).mail_opt_out


def test_a_group_event_shows_on_its_page_and_on_members_home(cast: dict[str, Any]) -> None:
    espace = cast["espace"]
    Event.objects.create(
        title="Afterwork spatial",
        kind="afterwork",
        starts_at=timezone.now() + timedelta(days=3),
        place="Toulouse",
        group=espace,
    )
    assert "Afterwork spatial" in _names(client_for(cast["outsider"]), espace)
    assert "Afterwork spatial" in client_for(cast["member"]).get("/").content.decode()
    assert "Afterwork spatial" not in client_for(cast["outsider"]).get("/").content.decode()


def test_search_and_filter_the_list(cast: dict[str, Any]) -> None:
    c = client_for(cast["outsider"])
    page = c.get("/groupes/", {"q": "espace"}).content.decode()
    assert "Mines Espace" in page and "X-Mines Auteurs" not in page
    page = c.get("/groupes/", {"type": "association"}).content.decode()
    assert "Mines Espace" not in page and "X-Mines Auteurs" in page


def test_gdpr_export_and_erase(cast: dict[str, Any]) -> None:
    from filon.directory.gdpr import Subject, parts

    admin = cast["admin"]
    actions.post_announcement(admin, cast["espace"], subject="Mon annonce", body="B")
    actions.join(admin, cast["auteurs"], message="Bonjour")
    part = next(p for p in parts() if p.key == "network")
    subject = Subject(account=admin, person=admin.person)
    data = part.export(subject)
    assert data["groups"][0]["admin"] is True
    assert data["group_requests"][0]["message"] == "Bonjour"
    assert data["group_announcements"][0]["subject"] == "Mon annonce"
    done = part.erase(subject)
    assert done == {"groups": 1, "group_requests": 1, "group_announcements": 1}
