"""Is Filon healthy? The database, the task queue, the network index, the disk.

``/sante/`` answers this for a load balancer or a monitor (JSON, no login, nothing personal:
only counts, ages and sizes), with HTTP 503 when a check fails; ``filon doctor`` prints the same
with what to do. Each check is "ok", "warn" (works, needs attention) or "fail".
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

ORDER = {"ok": 0, "warn": 1, "fail": 2}

QUEUE_WARN_S = 300  # a task waiting 5 minutes: the worker is slow or stopped
QUEUE_FAIL_S = 3600
INDEX_WARN_LINES = 2000  # past this, every process recomputes much of the graph
DISK_WARN = (0.10, 1 << 30)  # free share, free bytes
DISK_FAIL = (0.02, 200 << 20)


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {
            "status": "fail",
            "error": type(exc).__name__,
            "advice": "La base ne répond pas : vérifiez DATABASE_URL, que PostgreSQL tourne, "
            "ou les droits sur le fichier SQLite du dossier de données.",
        }
    return {
        "status": "ok",
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def check_queue() -> dict[str, Any]:
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus

    from filon.ops.schedule import overdue

    if not default_task_backend.supports_defer:
        return {"status": "ok", "backend": type(default_task_backend).__name__}
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    lag = 0.0
    if oldest is not None:
        enqueued, run_after = oldest
        since = max(enqueued, run_after) if run_after.year < 9999 else enqueued
        lag = max(0.0, (now - since).total_seconds())
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)
    ).count()
    late = overdue(now)
    status = "ok"
    advice = ""
    if lag > QUEUE_WARN_S or late:
        status = "fail" if lag > QUEUE_FAIL_S else "warn"
        advice = (
            "Des tâches attendent : lancez `filon worker` (systemctl status filon-worker) "
            "et lisez son journal."
        )
    elif failed:
        status = "warn"
        advice = "Des tâches ont échoué ces dernières 24 h : lisez le journal de `filon worker`."
    result = {
        "status": status,
        "ready": ready.count(),
        "lag_seconds": round(lag, 1),
        "failed_24h": failed,
        "overdue_jobs": late,
    }
    if advice:
        result["advice"] = advice
    return result


def check_index() -> dict[str, Any]:
    from filon.network.index import loader

    status = loader().status()
    behind = int(status["log_seq"] or 0) - int(status["snapshot_seq"] or 0)
    result: dict[str, Any] = {
        "status": "ok",
        "snapshot": status["snapshot"],
        "snapshot_seq": status["snapshot_seq"],
        "log_seq": status["log_seq"],
        "lines_behind": max(0, behind),
    }
    if status["snapshot"] is None:
        result |= {
            "status": "warn",
            "advice": "Pas d'instantané du réseau dans ce dossier de données : "
            "lancez `filon index compact` (ou `filon migrate`).",
        }
    elif behind > INDEX_WARN_LINES:
        result |= {
            "status": "warn",
            "advice": "Le journal du réseau a beaucoup grandi depuis l'instantané : "
            "lancez `filon index compact` et vérifiez que `filon worker` tourne.",
        }
    return result


def check_disk() -> dict[str, Any]:
    folder = Path(settings.DATA_DIR)
    usage = shutil.disk_usage(folder)
    share = usage.free / usage.total if usage.total else 0.0
    result: dict[str, Any] = {
        "status": "ok",
        "free_bytes": usage.free,
        "free_share": round(share, 3),
    }
    if share < DISK_FAIL[0] or usage.free < DISK_FAIL[1]:
        result["status"] = "fail"
    elif share < DISK_WARN[0] or usage.free < DISK_WARN[1]:
        result["status"] = "warn"
    if result["status"] != "ok":
        result["advice"] = (
            "Le disque du dossier de données est presque plein : supprimez d'anciennes "
            "sauvegardes, agrandissez le disque."
        )
    return result


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "queue": check_queue,
    "index": check_index,
    "disk": check_disk,
}


def report() -> dict[str, Any]:
    """Every check, and the worst status; a check that cannot run counts as failed."""
    checks: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        if name != "database" and checks.get("database", {}).get("status") == "fail":
            checks[name] = {"status": "fail", "error": "database unavailable"}
            continue
        try:
            checks[name] = check()
        except Exception as exc:
            checks[name] = {"status": "fail", "error": type(exc).__name__}
    worst = max((c["status"] for c in checks.values()), key=ORDER.__getitem__)
    return {"status": worst, "checks": checks}
