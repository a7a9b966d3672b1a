"""`filon worker`: the task queue and the periodic jobs, in one process.

Each round queues the periodic jobs that are due (:func:`filon.ops.schedule.claim_due`), runs
every ready task with django-tasks-db's worker, then sleeps ``interval`` seconds. SIGTERM and
SIGINT let the running task finish, then stop. Started beside the web server by `filon demo`,
it stops by itself when that server goes away (``parent_pid``).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from types import FrameType

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from filon.ops.schedule import claim_due

log = logging.getLogger(__name__)


class FilonWorker:
    def __init__(
        self,
        *,
        interval: float = 1.0,
        periodic: bool = True,
        parent_pid: int | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.interval = interval
        self.periodic = periodic
        self.parent_pid = parent_pid
        self.worker_id = (worker_id or f"{socket.gethostname()}-{os.getpid()}")[:64]
        self.stopping = threading.Event()
        self.tasks = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.rounds = 0

    def stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        if signum is not None:
            log.info("worker %s stopping (%s)", self.worker_id, signal.strsignal(signum))
        self.stopping.set()
        self.tasks.running = False

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.stop)

    def parent_gone(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def run_once(self) -> int:
        """One round: queue the due jobs, run the ready tasks; how many tasks ran."""
        close_old_connections()
        if self.periodic:
            claim_due()
        before = self.tasks._run_tasks
        self.tasks.running = not self.stopping.is_set()
        if self.tasks.running:
            self.tasks.run()
        close_old_connections()
        self.rounds += 1
        return self.tasks._run_tasks - before

    def run(self, max_rounds: int | None = None) -> None:
        log.info("worker %s started", self.worker_id)
        while not self.stopping.is_set():
            if self.parent_gone():
                log.info("worker %s stopping: its server is gone", self.worker_id)
                break
            self.run_once()
            if max_rounds is not None and self.rounds >= max_rounds:
                break
            self.stopping.wait(self.interval)
        log.info("worker %s stopped after %d task(s)", self.worker_id, self.tasks._run_tasks)
