"""Filon's background tasks (Django's task framework, the database backend) and how to queue
them.

Other parts of Filon queue work with :func:`filon.ops.queue.enqueue` and send e-mail with
:func:`filon.ops.mail.send_message` (both below the domain apps); this module holds the periodic
jobs' task and bodies, which call into the apps. ``filon worker`` runs the queue
and the periodic jobs of :mod:`filon.ops.schedule`; the test suite runs tasks at once.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def run_periodic(name: str) -> dict[str, Any]:
    """Run the periodic job ``name`` and record its result (see :mod:`filon.ops.schedule`)."""
    from filon.ops.schedule import run_job

    return run_job(name)


# -- the periodic jobs' bodies: each calls the function its command calls ------------------


def expire_outreach() -> dict[str, Any]:
    """What `filon outreach expire` does."""
    from filon.outreach.actions import expire_due

    return dict(expire_due())


def send_reminders() -> dict[str, Any]:
    """What `filon outreach remind` does."""
    from filon.outreach.actions import send_due_reminders

    return dict(send_due_reminders())


def prune_outbox(days: int) -> dict[str, Any]:
    """Outbox retention: :func:`filon.audit.outbox.prune` (mail older than ``days`` goes)."""
    from filon.audit import outbox

    return dict(outbox.prune(days))


def compact_index() -> dict[str, Any]:
    """What `filon index compact` does, when the change log runs past the snapshot."""
    from filon.network.index import compact, loader

    status = loader().status()
    if status["snapshot"] is not None and (status["snapshot_seq"] or 0) >= status["log_seq"]:
        return {"skipped": "the snapshot is up to date", "seq": status["log_seq"]}
    result = compact()
    result.pop("refs", None)
    result.pop("path", None)
    return result


def prune_task_results(days: int) -> dict[str, Any]:
    """Delete finished tasks older than ``days`` (their arguments may hold e-mail bodies)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from filon.ops.schedule import FINISHED

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.filter(status__in=FINISHED, finished_at__lt=cutoff).delete()
    return {"deleted": deleted}
