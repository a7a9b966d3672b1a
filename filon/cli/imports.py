"""`filon import …`: the importers, one sub-command per source.

Every importer reads its file, reports every invalid row with the file name and the line number
an editor shows, and writes all or nothing: on any invalid row nothing is written and the exit
code is 1. ``--dry-run`` writes nothing; ``--json`` prints the report for a script.
Other importers register on :data:`import_app` from their own module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err, migrate_db, progress_bar

import_app = typer.Typer(help="Importer des données (CSV, vCard…).", no_args_is_help=True)
app.add_typer(import_app, name="import")

#: Files with more lines than this get a progress bar.
PROGRESS_FROM_LINES = 2000
#: Rows listed on the terminal in --dry-run (the --json report lists them all).
SHOWN_ROWS = 50

FileArg = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Le fichier CSV à importer."),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Tout vérifier sans rien écrire.")]
AsJson = Annotated[bool, typer.Option("--json", help="Le compte rendu en JSON sur la sortie.")]


def _plan_with_progress(data: bytes, name: str) -> Any:
    from filon.association.importers import plan_dues_import

    if data.count(b"\n") < PROGRESS_FROM_LINES:
        return plan_dues_import(data, name)
    with progress_bar() as bar:
        task = bar.add_task(f"Lecture de {name}", total=None)
        return plan_dues_import(
            data,
            name,
            on_start=lambda total: bar.update(task, total=total),
            progress=lambda n: bar.advance(task, n),
        )


@import_app.command("dues")
def import_dues(file: FileArg, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Import dues payments (email or id, année, montant, date, catégorie)."""
    django_setup()
    migrate_db()
    from filon.association.actions import ImportRefused, import_dues_payments

    plan = _plan_with_progress(file.read_bytes(), file.name)
    written = False
    refusal = ""
    if plan.ok and not dry_run:
        try:
            import_dues_payments(None, plan, source="cli")
            written = True
        except ImportRefused as exc:
            refusal = str(exc)
    if as_json:
        payload = {"dry_run": dry_run, "written": written, **plan.as_dict()}
        if refusal:
            payload["refused"] = refusal
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        _print_report(plan, dry_run=dry_run, written=written)
    for error in plan.errors:
        typer.echo(str(error), err=True)
    if plan.errors:
        err.print(
            f"[red]{len(plan.rejected_lines)} ligne(s) invalide(s) : rien n'a été écrit.[/red]"
        )
        raise typer.Exit(1)
    if refusal:
        typer.echo(refusal, err=True)
        raise typer.Exit(1)


def _print_report(plan: Any, *, dry_run: bool, written: bool) -> None:
    out = Console(highlight=False)
    delimiter = {";": "« ; »", ",": "« , »", "\t": "tabulation"}.get(plan.delimiter, "?")
    out.print(
        f"{plan.filename} : {plan.rows} ligne(s), encodage {plan.encoding}, séparateur {delimiter}",
        markup=False,
    )
    verb = "à créer" if not written else "créée(s)"
    out.print(
        f"Cotisations {verb} : {len(plan.to_create)} · inchangées : {len(plan.unchanged)} · "
        f"lignes refusées : {len(plan.rejected_lines)}",
        markup=False,
    )
    if dry_run and plan.to_create:
        table = Table(title="Cotisations qui seraient créées", title_justify="left")
        for label in ("Ligne", "Membre", "Année", "Montant", "Catégorie", "Date"):
            table.add_column(label, justify="right" if label in ("Ligne", "Montant") else "left")
        for p in plan.to_create[:SHOWN_ROWS]:
            table.add_row(
                str(p.line),
                f"{p.person_name} (n° {p.person_id})",
                str(p.year),
                f"{p.amount:.2f} €".replace(".", ","),
                p.category_label,
                p.paid_on.strftime("%d/%m/%Y"),
            )
        out.print(table)
        if len(plan.to_create) > SHOWN_ROWS:
            out.print(f"… et {len(plan.to_create) - SHOWN_ROWS} autre(s) (--json pour la liste).")
    if dry_run:
        out.print("Essai à blanc : rien n'a été écrit.")
