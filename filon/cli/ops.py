"""Running Filon: `filon worker`, `filon backup`, `filon restore`, `filon doctor`."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

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


AsJson = Annotated[bool, typer.Option("--json", help="Le résultat en JSON sur la sortie.")]


def _summary(manifest: dict[str, Any]) -> dict[str, Any]:
    return {
        "engine": manifest["engine"],
        "created": manifest["created"],
        "filon": manifest["filon"],
        "tables": len(manifest["tables"]),
        "rows": sum(t["rows"] for t in manifest["tables"].values()),
        "files": len(manifest["files"]),
        "bytes": sum(f["size"] for f in manifest["files"].values()),
    }


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="L'archive à écrire (.tar.gz).")],
    as_json: AsJson = False,
) -> None:
    """Back up the database, the uploads and the secret key into one archive."""
    django_setup()
    from filon.ops.backup import BackupError
    from filon.ops.backup import backup as write_backup

    started = time.perf_counter()
    try:
        manifest = write_backup(file)
    except BackupError as exc:
        err.print(f"[red]Sauvegarde impossible :[/red] {exc}")
        raise typer.Exit(1) from None
    summary = _summary(manifest) | {
        "path": str(file),
        "archive_bytes": file.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if as_json:
        typer.echo(json.dumps(summary))
        return
    err.print(
        f"Sauvegarde {file} : base {summary['engine']}, {summary['tables']} tables, "
        f"{summary['rows']} lignes, {summary['files']} fichiers, "
        f"{summary['archive_bytes'] / 1e6:.1f} Mo en {summary['seconds']} s. Elle contient la clé "
        "secrète et des données personnelles : gardez-la à l'abri."
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="L'archive écrite par `filon backup`.")],
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Restaurer pour de bon (sinon : vérifier seulement).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Restore a backup into an empty data folder (and an empty database), checking every file
    and every table against the archive's manifest."""
    django_setup()
    from filon.cli.base import migrate_db
    from filon.ops.backup import BackupError, check_target, unpack
    from filon.ops.backup import restore as restore_backup

    if not file.is_file():
        err.print(f"[red]Archive introuvable :[/red] {file}")
        raise typer.Exit(1)
    try:
        if not confirm:
            with tempfile.TemporaryDirectory() as tmp:
                manifest = unpack(file, Path(tmp))
            check_target(manifest)
            err.print(
                f"Archive intacte ({_summary(manifest)['rows']} lignes) et cible vide. "
                "Ajoutez --confirm pour restaurer."
            )
            raise typer.Exit(1)
        manifest = restore_backup(file)
    except BackupError as exc:
        err.print(f"[red]Rien n'a été restauré :[/red] {exc}")
        raise typer.Exit(1) from None
    migrate_db()  # an archive of an older release: bring its tables up to date
    summary = _summary(manifest)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    err.print(
        f"Restauré : {summary['tables']} tables, {summary['rows']} lignes identiques à "
        f"l'archive du {summary['created']}, {summary['files']} fichiers."
    )


@app.command()
def doctor(as_json: AsJson = False) -> None:
    """Check the database, the task queue, the network index and the disk, and say what to do
    (the same report as /sante/); exits 1 when a check fails."""
    django_setup()
    from filon.ops.health import report

    result = report()
    if as_json:
        typer.echo(json.dumps(result))
    else:
        marks = {"ok": "[green]ok[/green]", "warn": "[yellow]attention[/yellow]"}
        for name, check in result["checks"].items():
            facts = ", ".join(f"{k}={v}" for k, v in check.items() if k not in ("status", "advice"))
            err.print(f"{name:<9} {marks.get(check['status'], '[red]échec[/red]')}  {facts}")
            if check.get("advice"):
                err.print(f"          → {check['advice']}")
    if result["status"] == "fail":
        raise typer.Exit(1)
