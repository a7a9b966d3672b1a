"""`/sante/` and `filon doctor`: the database, the task queue's lag, the network index's
freshness and the disk, as JSON without login and without personal data."""

from __future__ import annotations

import json
from collections import namedtuple
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from filon.cli import app
from filon.ops import health
from filon.ops.models import PeriodicJob


def get() -> tuple[int, dict[str, Any]]:
    response = Client().get("/sante/")
    return response.status_code, json.loads(response.content)


def test_health_answers_without_login_and_without_personal_data(
    database_tasks: None, make_person: Any
) -> None:
    person = make_person("Claire", "Dumazet")
    from filon.network.index import compact

    compact()
    status, body = get()
    assert status == 200
    assert set(body["checks"]) == {"database", "queue", "index", "disk"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"] == {
        "status": "ok",
        "ready": 0,
        "lag_seconds": 0.0,
        "failed_24h": 0,
        "overdue_jobs": [],
    }
    assert body["checks"]["index"]["lines_behind"] == 0
    assert body["checks"]["disk"]["free_bytes"] > 0
    text = json.dumps(body)
    assert "Dumazet" not in text and "@" not in text and str(person.pk) not in text.split('"')


def test_a_stopped_worker_shows_as_queue_lag_and_overdue_jobs(
    database_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    from filon.ops.mail import send_message
    from tests.ops.test_tasks import message

    with django_capture_on_commit_callbacks(execute=True):
        send_message(message(), "contact_request")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=20))
    PeriodicJob.objects.create(name="outreach_remind", next_run=timezone.now() - timedelta(hours=2))
    status, body = get()
    queue = body["checks"]["queue"]
    assert status == 200 and body["status"] == "warn"
    assert queue["ready"] == 1 and 1190 < queue["lag_seconds"] < 1300
    assert queue["overdue_jobs"] == ["outreach_remind"]
    assert "filon worker" in queue["advice"]
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=2))
    status, body = get()
    assert status == 503 and body["checks"]["queue"]["status"] == "fail"


def test_an_unreachable_database_fails_every_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_self: Any) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken)
    result = health.report()
    assert result["status"] == "fail"
    assert result["checks"]["database"]["error"] == "OSError"
    assert result["checks"]["queue"] == {"status": "fail", "error": "database unavailable"}


def test_a_nearly_full_disk_warns_then_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(health.shutil, "disk_usage", lambda _p: usage(100 << 30, 0, 5 << 30))
    assert health.check_disk()["status"] == "warn"
    monkeypatch.setattr(health.shutil, "disk_usage", lambda _p: usage(100 << 30, 0, 100 << 20))
    failed = health.check_disk()
    assert failed["status"] == "fail" and "sauvegardes" in failed["advice"]


def test_an_index_far_behind_its_log_warns(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    class Loader:
        def status(self) -> dict[str, Any]:
            return {"snapshot": "000000000010-ab", "snapshot_seq": 10, "log_seq": 2500}

    monkeypatch.setattr("filon.network.index.loader", lambda: Loader())
    index = health.check_index()
    assert index["status"] == "warn" and index["lines_behind"] == 2490
    assert "filon index compact" in index["advice"]


def test_filon_doctor_prints_the_report_and_what_to_do(
    database_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    PeriodicJob.objects.create(name="outreach_expire", next_run=timezone.now() - timedelta(hours=2))
    result = CliRunner().invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checks"]["queue"]["overdue_jobs"] == ["outreach_expire"]
    monkeypatch.setattr(health, "check_disk", lambda: {"status": "fail", "advice": "disque"})
    monkeypatch.setitem(health.CHECKS, "disk", health.check_disk)
    failed = CliRunner().invoke(app, ["doctor"])
    assert failed.exit_code == 1
    assert "→ disque" in failed.output and "filon worker" in failed.output
