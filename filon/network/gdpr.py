"""The network part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`: ties,
group memberships, requests to join and announcements. Erasure ends the memberships and the
requests, deletes the announcements the person wrote and keeps the ties, now pointing to an
anonymous person; the graph's snapshot on disk, which holds names, is written again."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from filon.directory.gdpr import Part, Subject, iso, register
from filon.network.models import GroupAnnouncement, GroupJoinRequest, GroupMembership, Tie

log = logging.getLogger(__name__)


def export(subject: Subject) -> dict[str, Any]:
    person = subject.person
    if person is None:
        return {}

    def tie(t: Tie, other: Any) -> dict[str, Any]:
        return {
            "person_id": other.pk,
            "person": other.full_name,
            "kind": t.kind,
            "strength": t.strength,
            "source": t.source,
            "since": iso(t.since),
        }

    return {
        "ties_out": [
            tie(t, t.target_person)
            for t in Tie.objects.filter(source_person=person).select_related("target_person")
        ],
        "ties_in": [
            tie(t, t.source_person)
            for t in Tie.objects.filter(target_person=person).select_related("source_person")
        ],
        "groups": [
            {
                "group": m.group.name,
                "kind": m.group.kind,
                "role": m.role,
                "start": iso(m.start),
                "end": iso(m.end),
                "admin": m.is_admin,
                "mail_opt_out": m.mail_opt_out,
            }
            for m in GroupMembership.objects.filter(person=person).select_related("group")
        ],
        "group_requests": [
            {
                "group": r.group.name,
                "message": r.message,
                "status": r.status,
                "created_at": iso(r.created_at),
            }
            for r in GroupJoinRequest.objects.filter(person=person).select_related("group")
        ],
        "group_announcements": [
            {
                "group": a.group.name,
                "subject": a.subject,
                "body": a.body,
                "created_at": iso(a.created_at),
            }
            for a in GroupAnnouncement.objects.filter(author=person).select_related("group")
        ],
    }


def _rewrite_snapshot() -> None:
    from filon.core.graph import snapshot
    from filon.network import index

    try:
        if snapshot.current(index.index_root()) is not None:
            index.compact()
    except Exception:  # the erasure is done; the next compaction writes the names out
        log.exception("graph snapshot not rewritten after an erasure")


def erase(subject: Subject) -> dict[str, int]:
    if subject.person is None:
        return {}
    person = subject.person
    done = {
        "groups": GroupMembership.objects.filter(person=person).delete()[0],
        "group_requests": GroupJoinRequest.objects.filter(person=person).delete()[0],
        "group_announcements": GroupAnnouncement.objects.filter(author=person).delete()[0],
    }
    transaction.on_commit(_rewrite_snapshot)
    return done


register(
    Part(
        key="network",
        models=(
            "network.Tie",
            "network.GroupMembership",
            "network.GroupJoinRequest",
            "network.GroupAnnouncement",
        ),
        export=export,
        erase=erase,
        kept=(
            "Les liens, vers une personne désormais anonyme : "
            "ils comptent pour les chemins des autres."
        ),
        inline=True,
    )
)
