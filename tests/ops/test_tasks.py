"""Background work: e-mails through the queue with retries and bounces, the periodic jobs,
`filon worker`, and `filon demo` starting one beside its server."""

from __future__ import annotations

import os
import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test.utils import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from filon.cli import app
from filon.ops import schedule, tasks
from filon.ops.mail import MAX_ATTEMPTS, RETRY_DELAYS, send_message
from filon.ops.models import BounceKind, EmailBounce, PeriodicJob
from filon.ops.worker import FilonWorker

ADDRESS = "claire.dumas@example.org"


def message(to: str = ADDRESS) -> EmailMultiAlternatives:
    m = EmailMultiAlternatives("Une demande de contact", "Bonjour Claire", "filon@localhost", [to])
    m.attach_alternative("<p>Bonjour Claire</p>", "text/html")
    return m


def queue(django_capture_on_commit_callbacks: Any, to: str = ADDRESS) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_message(message(to), "contact_request")


def worker() -> FilonWorker:
    return FilonWorker(interval=0, periodic=False)


def test_an_email_waits_in_the_queue_until_the_worker_sends_it(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queue(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    waiting = DBTaskResult.objects.get()
    assert waiting.status == TaskResultStatus.READY
    assert waiting.task_path == "filon.ops.queue.send_email"

    assert worker().run_once() == 1
    [sent] = mail.outbox
    assert sent.to == [ADDRESS] and sent.subject == "Une demande de contact"
    assert sent.alternatives[0][1] == "text/html"
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_rolled_back_action_queues_nothing(
    database_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_message(message(), "contact_request")
        raise RuntimeError
    assert callbacks == []
    assert not DBTaskResult.objects.exists()


def test_a_temporary_failure_is_retried_later_with_back_off(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail_server.failures = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPResponseException(421, b"4.7.0 Try again later"),
    ]
    queue(django_capture_on_commit_callbacks)
    delays = []
    for _ in range(2):
        before = timezone.now()
        assert worker().run_once() == 1
        retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
        delays.append((retry.run_after - before).total_seconds())
        assert worker().run_once() == 0  # not due yet
        retry.run_after = timezone.now() - timedelta(seconds=1)
        retry.save(update_fields=["run_after"])
    assert [round(d / 10) * 10 for d in delays] == [RETRY_DELAYS[0], RETRY_DELAYS[1]]
    assert worker().run_once() == 1
    assert len(mail.outbox) == 1 and mail_server.calls == 3
    assert not EmailBounce.objects.exists()
    assert DBTaskResult.objects.get(args_kwargs__args__1=3).return_value == {
        "status": "sent",
        "attempt": 3,
    }


def test_a_permanent_refusal_is_recorded_as_a_bounce_and_not_retried(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail_server.failures = [
        smtplib.SMTPRecipientsRefused(
            {ADDRESS: (550, f"5.1.1 <{ADDRESS}>: Recipient address rejected".encode())}
        )
    ]
    queue(django_capture_on_commit_callbacks)
    worker().run_once()
    bounce = EmailBounce.objects.get()
    assert (bounce.address, bounce.kind, bounce.code, bounce.attempts) == (
        ADDRESS,
        BounceKind.REJECTED,
        550,
        1,
    )
    assert "Recipient address rejected" in bounce.reason and ADDRESS not in bounce.reason
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert mail.outbox == []


def test_the_last_failed_try_gives_up_and_records_a_bounce(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail_server.failures = [ConnectionRefusedError(111, "refused")] * MAX_ATTEMPTS
    queue(django_capture_on_commit_callbacks)
    for _ in range(MAX_ATTEMPTS):
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            run_after=timezone.now() - timedelta(seconds=1)
        )
        assert worker().run_once() == 1
    assert mail_server.calls == MAX_ATTEMPTS
    bounce = EmailBounce.objects.get()
    assert (bounce.kind, bounce.attempts) == (BounceKind.GAVE_UP, MAX_ATTEMPTS)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_outreach_emails_go_through_the_queue(
    database_tasks: None,
    mail_server: Any,
    make_person: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from filon.ops.notify import send_to

    person = make_person("Claire", "Dumas")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_to(person, "contact_expired", {"other": person, "page_url": "/x/"})
    assert mail.outbox == []
    worker().run_once()
    assert [m.to for m in mail.outbox] == [[person.contact_points.get(kind="email").value]]


# -- periodic jobs --------------------------------------------------------------------------


def test_a_due_job_is_claimed_by_one_worker_only(database_tasks: None) -> None:
    now = timezone.now()
    first = schedule.claim_due(now)
    assert set(first) == {j.name for j in schedule.jobs()}
    assert schedule.claim_due(now) == []  # a second worker at the same moment gets nothing
    hourly = PeriodicJob.objects.get(name="outreach_remind")
    assert hourly.next_run == now + timedelta(hours=1)
    assert schedule.claim_due(now + timedelta(minutes=61)) == ["outreach_expire", "outreach_remind"]


def test_the_worker_runs_the_periodic_jobs_through_the_commands_functions(
    database_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[str] = []

    def spy(name: str, result: dict[str, int]) -> Any:
        def run(*_args: Any) -> dict[str, int]:
            called.append(name)
            return result

        return run

    monkeypatch.setattr("filon.outreach.actions.expire_due", spy("expire", {"contact_requests": 2}))
    monkeypatch.setattr("filon.outreach.actions.send_due_reminders", spy("remind", {"snoozed": 1}))
    FilonWorker(interval=0).run_once()
    assert sorted(called) == ["expire", "remind"]
    jobs = {j.name: j for j in PeriodicJob.objects.all()}
    assert set(jobs) == {j.name for j in schedule.jobs()}
    assert all(j.last_finished is not None and not j.last_error for j in jobs.values())
    assert jobs["outreach_expire"].last_result["contact_requests"] == 2
    outbox = jobs["outbox_prune"].last_result
    assert "files_removed" in outbox
    assert schedule.overdue() == []
    PeriodicJob.objects.update(next_run=timezone.now() - timedelta(hours=1))
    assert len(schedule.overdue()) == len(jobs)


def test_the_real_expiry_and_reminder_functions_run_as_jobs(database_tasks: None) -> None:
    assert set(schedule.run_job("outreach_expire")) >= {"contact_requests", "introductions"}
    assert set(schedule.run_job("outreach_remind")) >= {"snoozed", "follow_ups"}


def test_index_compaction_job_writes_a_snapshot_only_when_the_log_grew(
    database_tasks: None, make_person: Any
) -> None:
    from filon.network.index import loader

    make_person("Yves", "Lenoir")
    first = tasks.compact_index()
    assert first["seq"] > 0 and "skipped" not in first
    assert tasks.compact_index()["skipped"] == "the snapshot is up to date"
    make_person("Zoé", "Lenoir")
    assert "skipped" not in tasks.compact_index()
    assert loader().status()["snapshot_seq"] == loader().status()["log_seq"]


def test_outbox_retention_deletes_the_mail_older_than_its_days(tmp_path: Any) -> None:
    import os
    import time

    old, new = tmp_path / "old.log", tmp_path / "new.log"
    old.write_text("old")
    new.write_text("new")
    past = time.time() - 40 * 86_400
    os.utime(old, (past, past))
    with override_settings(EMAIL_FILE_PATH=tmp_path):
        assert tasks.prune_outbox(30) == {"files_removed": 1, "days": 30}
    assert not old.exists() and new.exists()


def test_old_finished_tasks_are_pruned(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queue(django_capture_on_commit_callbacks)
    worker().run_once()
    assert tasks.prune_task_results(14) == {"deleted": 0}
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=15))
    assert tasks.prune_task_results(14) == {"deleted": 1}


# -- the commands ---------------------------------------------------------------------------


def test_filon_worker_once_sends_the_queue(
    database_tasks: None, mail_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queue(django_capture_on_commit_callbacks)
    result = CliRunner().invoke(app, ["worker", "--once", "--no-periodic"])
    assert result.exit_code == 0, result.output
    assert len(mail.outbox) == 1


def test_a_worker_stops_when_its_server_is_gone(database_tasks: None) -> None:
    orphan = FilonWorker(interval=0, periodic=False, parent_pid=os.getppid() + 1_000_000)
    orphan.run()
    assert orphan.rounds == 0
    child = FilonWorker(interval=0, periodic=False, parent_pid=os.getppid())
    child.run(max_rounds=2)
    assert child.rounds == 2


def test_demo_starts_a_worker_beside_its_server(
    db: None, monkeypatch: pytest.MonkeyPatch, make_person: Any
) -> None:
    import subprocess

    from filon.cli import core_commands

    started: list[list[str]] = []
    served: list[list[str]] = []

    class Popen:
        def __init__(self, args: list[str], **_kw: Any) -> None:
            started.append(args)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.setattr(core_commands.os, "execve", lambda _exe, args, _env: served.append(args))
    monkeypatch.setattr("filon.demo.load.demo_logins", lambda: [])
    make_person()
    result = CliRunner().invoke(app, ["demo", "--port", "8765"])
    assert result.exit_code == 0, result.output
    [worker_args] = started
    assert worker_args[-4:] == ["filon.cli", "worker", "--parent-pid", str(os.getpid())][-4:]
    [gunicorn] = served
    assert "--access-logfile" not in gunicorn
    assert gunicorn[gunicorn.index("--control-socket") + 1].startswith(
        str(__import__("django.conf").conf.settings.DATA_DIR)
    )
