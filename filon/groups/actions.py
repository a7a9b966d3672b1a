"""Writes on groups and clubs: one transaction and one audit row each.

Who may do what: any member joins an open group, or asks to join a group on approval; a
group's admins (and the association's staff) accept requests, manage members, post
announcements and edit the group; staff create groups. Announcements are mailed by a background
job (:func:`filon.groups.mail.send_announcement`), never in the request.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.audit.actions import record
from filon.directory.models import Person
from filon.directory.privacy import is_staff
from filon.groups import links
from filon.network.models import (
    Admission,
    Group,
    GroupAnnouncement,
    GroupJoinRequest,
    GroupMembership,
    GroupRole,
    JoinStatus,
)
from filon.ops.queue import enqueue

GROUP_FIELDS = ("name", "kind", "description", "admission", "place")


class GroupError(Exception):
    message: Any = _("Cette action n'est pas possible.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotAllowed(GroupError):
    message = _("Réservé aux animateurs du groupe.")


class NoPerson(GroupError):
    message = _("Ce compte n'est relié à aucune fiche de l'annuaire.")


class AlreadyMember(GroupError):
    message = _("Vous êtes déjà membre de ce groupe.")


class AlreadyAsked(GroupError):
    message = _("Votre demande attend déjà la réponse d'un animateur.")


class NotMember(GroupError):
    message = _("Vous n'êtes pas membre de ce groupe.")


class LastAdmin(GroupError):
    message = _("Le groupe a besoin d'un autre animateur avant que vous ne le quittiez.")


def _person_id(user: Any) -> int:
    pid = getattr(user, "person_id", None)
    if pid is None:
        raise NoPerson
    return int(pid)


def membership_of(group: Group, person_id: int | None) -> GroupMembership | None:
    if person_id is None:
        return None
    return GroupMembership.objects.filter(group=group, person_id=person_id).first()


def can_manage(user: Any, group: Group) -> bool:
    """The group's admins and the association's staff."""
    if is_staff(user):
        return True
    pid = getattr(user, "person_id", None)
    return (
        pid is not None
        and GroupMembership.objects.filter(group=group, person_id=pid, is_admin=True).exists()
    )


def _manager(user: Any, group: Group) -> None:
    if not can_manage(user, group):
        raise NotAllowed


# -- the group itself ------------------------------------------------------------------------


def create_group(user: Any, **fields: Any) -> Group:
    if not is_staff(user):
        raise NotAllowed(_("Réservé à l'équipe de l'association."))
    with transaction.atomic():
        group = Group.objects.create(**{k: fields[k] for k in fields if k in GROUP_FIELDS})
        record("groups.create", actor=user, target=group, kind=group.kind)
    return group


def update_group(user: Any, group: Group, **fields: Any) -> Group:
    _manager(user, group)
    with transaction.atomic():
        changed = [k for k in GROUP_FIELDS if k in fields and getattr(group, k) != fields[k]]
        for k in changed:
            setattr(group, k, fields[k])
        group.save(update_fields=changed or None)
        record("groups.update", actor=user, target=group, fields=changed)
    return group


# -- joining and leaving ---------------------------------------------------------------------


def join(user: Any, group: Group, *, message: str = "") -> str:
    """Join an open group ("joined"), or ask to join one on approval ("requested")."""
    pid = _person_id(user)
    if membership_of(group, pid) is not None:
        raise AlreadyMember
    with transaction.atomic():
        if group.admission == Admission.OPEN:
            try:
                with transaction.atomic():
                    GroupMembership.objects.create(
                        group=group, person_id=pid, start=timezone.localdate()
                    )
            except IntegrityError:
                raise AlreadyMember from None
            record("groups.join", actor=user, target=group, person_id=pid)
            return "joined"
        if GroupJoinRequest.objects.filter(
            group=group, person_id=pid, status=JoinStatus.PENDING
        ).exists():
            raise AlreadyAsked
        req = GroupJoinRequest.objects.create(
            group=group, person_id=pid, message=" ".join(message.split())[:500]
        )
        record("groups.request", actor=user, target=req, group_id=group.pk)
        return "requested"


def withdraw_request(user: Any, group: Group) -> int:
    pid = _person_id(user)
    with transaction.atomic():
        n = GroupJoinRequest.objects.filter(
            group=group, person_id=pid, status=JoinStatus.PENDING
        ).update(status=JoinStatus.WITHDRAWN, decided_at=timezone.now())
        record("groups.request.withdraw", actor=user, target=group, count=n)
    return n


def leave(user: Any, group: Group) -> None:
    pid = _person_id(user)
    with transaction.atomic():
        mine = (
            GroupMembership.objects.select_for_update().filter(group=group, person_id=pid).first()
        )
        if mine is None:
            raise NotMember
        others = GroupMembership.objects.filter(group=group).exclude(pk=mine.pk)
        if mine.is_admin and others.exists() and not others.filter(is_admin=True).exists():
            raise LastAdmin
        mine.delete()
        record("groups.leave", actor=user, target=group, person_id=pid)


def decide(user: Any, request: GroupJoinRequest, *, approve: bool) -> GroupJoinRequest:
    """An admin accepts or declines a request to join."""
    _manager(user, request.group)
    with transaction.atomic():
        req = GroupJoinRequest.objects.select_for_update().get(pk=request.pk)
        if req.status != JoinStatus.PENDING:
            raise GroupError(_("Cette demande a déjà reçu une réponse."))
        req.status = JoinStatus.APPROVED if approve else JoinStatus.DECLINED
        req.decided_at = timezone.now()
        req.decided_by = user
        req.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            GroupMembership.objects.get_or_create(
                group_id=req.group_id,
                person_id=req.person_id,
                defaults={"start": timezone.localdate()},
            )
        record(
            "groups.request.decide",
            actor=user,
            target=req,
            group_id=req.group_id,
            approved=approve,
        )
    return req


def remove_member(user: Any, group: Group, person: Person) -> None:
    _manager(user, group)
    with transaction.atomic():
        n, _x = GroupMembership.objects.filter(group=group, person=person).delete()
        if not n:
            raise NotMember(_("Cette personne n'est pas membre du groupe."))
        record("groups.member.remove", actor=user, target=group, person_id=person.pk)


def set_admin(user: Any, group: Group, person: Person, *, admin: bool) -> None:
    _manager(user, group)
    with transaction.atomic():
        m = GroupMembership.objects.select_for_update().filter(group=group, person=person).first()
        if m is None:
            raise NotMember(_("Cette personne n'est pas membre du groupe."))
        others = GroupMembership.objects.filter(group=group, is_admin=True).exclude(pk=m.pk)
        if not admin and m.is_admin and not others.exists():
            raise LastAdmin(_("Le groupe doit garder au moins un animateur."))
        m.is_admin = admin
        if admin and m.role == GroupRole.MEMBER:
            m.role = GroupRole.LEADER
        m.save(update_fields=["is_admin", "role"])
        record("groups.member.admin", actor=user, target=group, person_id=person.pk, admin=admin)


# -- announcements and their mail ------------------------------------------------------------


def post_announcement(user: Any, group: Group, *, subject: str, body: str) -> GroupAnnouncement:
    """Keep the announcement on the group's page; a background job mails it to the members."""
    _manager(user, group)
    subject = " ".join(subject.split())[:200]
    body = body.strip()
    if not subject or not body:
        raise GroupError(_("Une annonce a besoin d'un objet et d'un texte."))
    with transaction.atomic():
        announcement = GroupAnnouncement.objects.create(
            group=group, author_id=getattr(user, "person_id", None), subject=subject, body=body
        )
        record("groups.announce", actor=user, target=announcement, group_id=group.pk)
        from filon.groups.mail import send_announcement

        enqueue(send_announcement, announcement.pk)  # after commit, in `filon worker`
    return announcement


def unsubscribe(token: str) -> GroupMembership:
    """The one-click unsubscribe of a group's e-mails (RFC 8058): no login, only the link."""
    group_id, person_id = links.read(token)
    with transaction.atomic():
        m = GroupMembership.objects.filter(group_id=group_id, person_id=person_id).first()
        if m is None:
            raise NotMember
        if not m.mail_opt_out:
            # update(): no graph change is logged, the membership itself stays.
            GroupMembership.objects.filter(pk=m.pk).update(mail_opt_out=True)
            m.mail_opt_out = True
            record("groups.unsubscribe", target=m.group, person_id=person_id)
    return m


def set_mail(user: Any, group: Group, *, subscribed: bool) -> None:
    pid = _person_id(user)
    with transaction.atomic():
        n = GroupMembership.objects.filter(group=group, person_id=pid).update(
            mail_opt_out=not subscribed
        )
        if not n:
            raise NotMember
        record("groups.mail", actor=user, target=group, subscribed=subscribed)
