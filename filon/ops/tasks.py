"""Filon's background tasks (Django's task framework, the database backend) and how to queue
them.

Other parts of Filon queue work with :func:`enqueue`::

    from filon.ops.tasks import enqueue, send_email
    enqueue(send_email, payload)            # after the current transaction commits

or send an e-mail with :func:`filon.ops.mail.send_message`. ``filon worker`` runs the queue
and the periodic jobs of :mod:`filon.ops.schedule`; the test suite runs tasks at once.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks import default_task_backend, task
from django_tasks.base import Task

log = logging.getLogger(__name__)


def enqueue(task_: Task[Any, Any], *args: Any, on_commit: bool = True, **kwargs: Any) -> None:
    """Queue ``task_`` with JSON-serialisable arguments.

    With ``on_commit`` (the default), the task is queued once the current transaction commits,
    so a rolled-back action queues nothing; outside a transaction it is queued at once.
    """
    if on_commit:
        after_commit(lambda: task_.enqueue(*args, **kwargs))
    else:
        task_.enqueue(*args, **kwargs)


def after_commit(queue: Callable[[], Any]) -> None:
    """Run ``queue`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(queue, robust=True)


def can_defer() -> bool:
    """Whether the configured backend runs tasks later (the database) or at once (tests)."""
    return bool(default_task_backend.supports_defer)


@task()
def send_email(payload: dict[str, Any], attempt: int = 1) -> dict[str, Any]:
    """Send one e-mail, retried with back-off (see :mod:`filon.ops.mail`)."""
    from filon.ops.mail import deliver

    return deliver(payload, attempt, can_defer=can_defer())


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


OUTBOX_PRUNE = "filon.audit.outbox"


def prune_outbox(days: int) -> dict[str, Any]:
    """Outbox retention: ``filon.audit.outbox.prune(days)``, when that module exists.

    The hook for the outbox's retention: until ``filon.audit.outbox`` provides ``prune``, the
    job records that it had nothing to call.
    """
    try:
        module = importlib.import_module(OUTBOX_PRUNE)
    except ModuleNotFoundError:
        return {"skipped": f"{OUTBOX_PRUNE} is not installed"}
    prune = getattr(module, "prune", None)
    if prune is None:
        return {"skipped": f"{OUTBOX_PRUNE}.prune does not exist"}
    result = prune(days)
    return result if isinstance(result, dict) else {"pruned": result}


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
