"""`filon export …`: Filon's data written out in other tools' formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from filon.cli.base import app, django_setup, err, migrate_db

export_app = typer.Typer(help="Exporter des données.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("annuaire")
def export_annuaire_cmd(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Le fichier CSV à écrire.")],
    as_json: Annotated[bool, typer.Option("--json", help="Le résumé en JSON.")] = False,
) -> None:
    """Write the whole directory in the annuaire CSV layout (what `filon import annuaire` reads)."""
    django_setup()
    migrate_db()
    from filon.imports.actions import export_directory

    rows = export_directory(None, file)
    if as_json:
        typer.echo(json.dumps({"file": str(file), "rows": rows}))
    else:
        err.print(f"{rows} ligne(s) écrite(s) dans {file}")
