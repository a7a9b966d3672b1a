"""Running Filon: `filon worker`, `filon backup`, `filon restore`, `filon doctor`."""

from __future__ import annotations

from typing import Annotated

import typer

from filon.cli.base import app, django_setup, err


@app.command()
def worker(
    interval: Annotated[
        float, typer.Option(min=0.1, max=60, help="Secondes d'attente quand la file est vide.")
    ] = 1.0,
    once: Annotated[
        bool, typer.Option("--once", help="Un seul tour : les tâches prêtes, puis quitter.")
    ] = False,
    no_periodic: Annotated[
        bool, typer.Option("--no-periodic", help="Sans les tâches périodiques.")
    ] = False,
    parent_pid: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run the task queue (e-mails…) and the periodic jobs: expiries, reminders, outbox
    retention, index compaction."""
    django_setup()
    from filon.ops.worker import FilonWorker

    runner = FilonWorker(interval=interval, periodic=not no_periodic, parent_pid=parent_pid)
    runner.install_signals()
    if not once:
        err.print(f"Filon worker {runner.worker_id} : file des tâches et tâches périodiques.")
    runner.run(max_rounds=1 if once else None)
