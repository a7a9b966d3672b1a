"""The periodic jobs `filon worker` runs, and how workers share them.

Each job has a row in :class:`~filon.ops.models.PeriodicJob`. A worker that finds a job due
moves its ``next_run`` forward with one conditional UPDATE; only the worker whose UPDATE
changed the row queues the job, so several workers (several hosts) never run it twice. The job
then runs as an ordinary task, :func:`filon.ops.tasks.run_periodic`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus

from filon.ops import tasks
from filon.ops.models import PeriodicJob

log = logging.getLogger(__name__)

FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], dict[str, Any]]
    what: str


def jobs() -> tuple[Job, ...]:
    outbox_days = int(getattr(settings, "OUTBOX_DAYS", 30))  # FILON_OUTBOX_DAYS
    task_days = int(getattr(settings, "TASK_RETENTION_DAYS", 14))
    return (
        Job(
            "outreach_expire",
            timedelta(hours=1),
            tasks.expire_outreach,
            "expire the requests past their deadline (filon outreach expire)",
        ),
        Job(
            "outreach_remind",
            timedelta(hours=1),
            tasks.send_reminders,
            "send the reminders due (filon outreach remind)",
        ),
        Job(
            "index_compact",
            timedelta(hours=6),
            tasks.compact_index,
            "write a new network graph snapshot when the log has grown (filon index compact)",
        ),
        Job(
            "outbox_prune",
            timedelta(days=1),
            lambda: tasks.prune_outbox(outbox_days),
            f"delete the outbox's messages older than {outbox_days} days",
        ),
        Job(
            "task_results_prune",
            timedelta(days=1),
            lambda: tasks.prune_task_results(task_days),
            f"delete the finished tasks older than {task_days} days",
        ),
    )


def job(name: str) -> Job:
    return next(j for j in jobs() if j.name == name)


def claim_due(now: datetime | None = None) -> list[str]:
    """Queue the jobs that are due and that no other worker claimed first; their names."""
    now = now or timezone.now()
    claimed = []
    for j in jobs():
        PeriodicJob.objects.get_or_create(name=j.name, defaults={"next_run": now})
        won = PeriodicJob.objects.filter(name=j.name, next_run__lte=now).update(
            next_run=now + j.every, last_started=now
        )
        if won:
            tasks.run_periodic.enqueue(j.name)
            claimed.append(j.name)
    return claimed


def run_job(name: str) -> dict[str, Any]:
    """Run one job now and record when it finished and what it returned (or its error)."""
    started = time.perf_counter()
    try:
        result = job(name).run()
    except Exception as exc:
        PeriodicJob.objects.filter(name=name).update(
            last_finished=timezone.now(), last_error=type(exc).__name__[:200]
        )
        raise
    result = dict(result, seconds=round(time.perf_counter() - started, 3))
    PeriodicJob.objects.filter(name=name).update(
        last_finished=timezone.now(), last_result=result, last_error=""
    )
    log.info("periodic job %s done in %.3f s", name, result["seconds"])
    return result


def overdue(now: datetime | None = None, grace: timedelta = timedelta(minutes=10)) -> list[str]:
    """The jobs whose next run is past by more than ``grace``: no worker is running."""
    now = now or timezone.now()
    return list(
        PeriodicJob.objects.filter(next_run__lt=now - grace)
        .order_by("name")
        .values_list("name", flat=True)
    )
