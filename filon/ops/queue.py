"""The task queue (Django's task framework, its database backend): how any part of Filon queues
work, and the one task every part uses, sending an e-mail.

It stands below the domain apps (the directory, accounts… may use it): it imports none of them.
The periodic jobs, which call into the apps, are in :mod:`filon.ops.tasks`.

    from filon.ops.queue import enqueue
    enqueue(some_task, arg)            # after the current transaction commits
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks import default_task_backend, task
from django_tasks.base import Task


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
