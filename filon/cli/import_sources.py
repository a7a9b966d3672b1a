"""`filon import annuaire|vcard|linkedin|theses|orcid FILE`: the directory's importers.

Each one reads the whole file, matches every record against the directory and writes all or
nothing (see :func:`filon.imports.actions.import_file`): on any invalid row nothing is written,
every invalid row is listed on standard error with its file and line, and the exit code is 1.
``--dry-run`` writes nothing and shows what would be created, updated, merged or rejected;
``--json`` prints the report for a script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import django_setup, err, migrate_db, progress_bar
from filon.cli.imports import PROGRESS_FROM_LINES, SHOWN_ROWS, AsJson, DryRun, import_app

SourceFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="Le fichier à importer."),
]
SHOWN_WARNINGS = 20


def run_import(importer: Any, file: Path, *, dry_run: bool, as_json: bool) -> None:
    """Import ``file``, print the report, exit 1 when a row is invalid."""
    from filon.imports.actions import import_file

    data = file.read_bytes()
    if data.count(b"\n") >= PROGRESS_FROM_LINES:
        with progress_bar() as bar:
            task = bar.add_task(f"Import de {file.name}", total=None)
            report = import_file(
                None,
                importer,
                data,
                file.name,
                dry_run=dry_run,
                on_start=lambda n: bar.update(task, total=n),
                progress=lambda n: bar.advance(task, n),
            )
    else:
        report = import_file(None, importer, data, file.name, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        print_report(report)
    for error in report.errors:
        typer.echo(str(error), err=True)
    for warning in report.warnings[:SHOWN_WARNINGS]:
        typer.echo(f"avertissement : {warning}", err=True)
    if len(report.warnings) > SHOWN_WARNINGS:
        typer.echo(
            f"… et {len(report.warnings) - SHOWN_WARNINGS} autre(s) avertissement(s).", err=True
        )
    if report.errors:
        err.print(
            f"[red]{len(report.rejected_lines)} ligne(s) invalide(s) : rien n'a été écrit.[/red]"
        )
        raise typer.Exit(1)


def print_report(report: Any) -> None:
    out = Console(highlight=False)
    details = [f"{report.rows} fiche(s)"]
    if report.encoding:
        details.append(f"encodage {report.encoding}")
    if report.delimiter:
        details.append(
            "séparateur "
            + {";": "« ; »", ",": "« , »", "\t": "tabulation"}.get(
                report.delimiter, report.delimiter
            )
        )
    out.print(f"{report.filename} : {', '.join(details)}", markup=False)
    c = report.counts
    verb = "à créer" if not report.written else "créées"
    out.print(
        f"Personnes {verb} : {c['created']} · mises à jour : {c['updated']} · fusionnées : "
        f"{c['merged']} · inchangées : {c['unchanged']} · lignes refusées : {c['rejected']}"
        + (f" · doublons possibles à examiner : {c['review']}" if c["review"] else ""),
        markup=False,
    )
    if report.warnings:
        out.print(
            f"Avertissements : {len(report.warnings)} (lignes gardées, valeur laissée de côté ; "
            "détail sur la sortie d'erreur)",
            markup=False,
        )
    if report.ignored_columns:
        out.print("Colonnes ignorées : " + ", ".join(report.ignored_columns), markup=False)
    changed = report.changed
    if report.dry_run and changed:
        table = Table(title="Ce que l'import ferait", title_justify="left")
        for label in ("Ligne", "Personne", "Effet", "Détail"):
            table.add_column(label, justify="right" if label == "Ligne" else "left")
        for item in changed[:SHOWN_ROWS]:
            if item.diffs:
                shown = [f"{f} : {o or '—'} → {n}" for f, o, n in item.diffs]
            else:
                shown = item.changes
            detail = "; ".join(shown[:4]) + (" …" if len(shown) > 4 else "")
            if item.note:
                detail = f"{item.note} — {detail}" if detail else item.note
            table.add_row(str(item.line), item.label, item.status_label, detail)
        out.print(table)
        if len(changed) > SHOWN_ROWS:
            out.print(f"… et {len(changed) - SHOWN_ROWS} autre(s) (--json pour la liste).")
    if report.absent:
        names = ", ".join(a["label"] for a in report.absent[:SHOWN_ROWS])
        more = len(report.absent) - SHOWN_ROWS
        out.print(
            f"Absentes du fichier (gardées, un import ne supprime personne) : {len(report.absent)}"
            f" — {names}" + (f" … et {more} autre(s)" if more > 0 else ""),
            markup=False,
        )
    if report.dry_run:
        out.print("Essai à blanc : rien n'a été écrit.")
    elif report.written:
        out.print(f"Import n° {report.run_id} enregistré en {report.seconds:.1f} s.")


@import_app.command("annuaire")
def import_annuaire(
    file: SourceFile,
    dry_run: DryRun = False,
    as_json: AsJson = False,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Fichier TOML décrivant les colonnes."),
    ] = None,
) -> None:
    """Import the association's directory export (CSV: nom, prénom, promo, email…)."""
    django_setup()
    migrate_db()
    from filon.imports.annuaire import AnnuaireImporter, Mapping

    layout = None
    if mapping is not None:
        try:
            layout = Mapping.from_toml(mapping.read_text(encoding="utf-8"))
        except ValueError as exc:
            err.print(f"[red]{mapping.name} :[/red] {exc}", markup=True)
            raise typer.Exit(2) from None
    run_import(AnnuaireImporter(mapping=layout), file, dry_run=dry_run, as_json=as_json)


@import_app.command("vcard")
def import_vcard(file: SourceFile, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Import an address book (vCard 2.1, 3.0 or 4.0)."""
    django_setup()
    migrate_db()
    from filon.imports.vcard import VCardImporter

    run_import(VCardImporter(), file, dry_run=dry_run, as_json=as_json)


@import_app.command("linkedin")
def import_linkedin(
    file: SourceFile,
    member: Annotated[
        str, typer.Option("--member", help="L'e-mail du membre dont ce sont les relations.")
    ],
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Import a member's LinkedIn connections (Connections.csv)."""
    django_setup()
    migrate_db()
    from filon.imports.linkedin import LinkedInImporter
    from filon.imports.queries import member_by_email

    person = member_by_email(member)
    importer = LinkedInImporter(
        member_id=person.pk if person else None, member_label=member, member=member
    )
    run_import(importer, file, dry_run=dry_run, as_json=as_json)


@import_app.command("theses")
def import_theses(file: SourceFile, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Import theses.fr records (JSON, one record per line)."""
    django_setup()
    migrate_db()
    from filon.imports.theses import ThesesImporter

    run_import(ThesesImporter(), file, dry_run=dry_run, as_json=as_json)


@import_app.command("orcid")
def import_orcid(file: SourceFile, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Import ORCID records (API v3.0, JSON or XML): employments, educations, fundings."""
    django_setup()
    migrate_db()
    from filon.imports.orcid import OrcidImporter

    run_import(OrcidImporter(), file, dry_run=dry_run, as_json=as_json)
