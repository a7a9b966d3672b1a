"""Fixtures of the operations tests: the database task backend, an e-mail server that fails
on demand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test.utils import override_settings

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_tasks(transactional_db: None) -> Iterator[None]:
    """Tasks wait in the database for the worker, as in production. The worker commits as it
    goes (and drops a connection left inside a transaction), so these tests commit too."""
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def mail_server(settings: Any) -> Iterator[type]:
    """The e-mail backend is :class:`tests.ops.flaky.FlakyBackend`: each send takes the next
    scripted failure (an exception to raise), then sends to ``django.core.mail.outbox``."""
    from tests.ops.flaky import FlakyBackend

    settings.EMAIL_BACKEND = "tests.ops.flaky.FlakyBackend"
    FlakyBackend.failures = []
    FlakyBackend.calls = 0
    yield FlakyBackend
    FlakyBackend.failures = []
