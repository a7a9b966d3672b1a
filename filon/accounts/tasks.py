"""Background work of accounts, for the task queue of :mod:`filon.ops` (``filon worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def invite_batch(actor_id: int | None, school: str | None, track: str | None) -> dict[str, Any]:
    """What `filon accounts invite --all [--school P] [--track T]` does, queued from the staff's
    « Comptes » page; returns the command's JSON."""
    from filon.accounts.invitations import invite, people
    from filon.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return invite(people(school, track), actor=actor, reason="staff_batch").as_json()
