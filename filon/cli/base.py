"""Shared pieces of the `filon` command: the Typer app, the consoles, Django start-up.

Progress bars and messages go to standard error, so that ``--json`` output on standard
output can be read by a script.
"""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    help="Filon : le réseau des docteurs et des ingénieurs de la fédération.",
    no_args_is_help=True,
    add_completion=False,
)
token_app = typer.Typer(help="Jetons d'accès à l'API.", no_args_is_help=True)
app.add_typer(token_app, name="token")

# soft_wrap: a message stays on one line (rich would wrap it at 80 columns off a terminal).
err = Console(stderr=True, soft_wrap=True)


def django_setup() -> None:
    """Configure Django once, turning a bad setting into a clear message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filon.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        err.print(f"[red]Configuration invalide :[/red] {exc}")
        raise typer.Exit(2) from None


def migrate_db() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from filon.directory.indexing import ensure_documents

    ensure_documents()  # a directory from before the full-text documents: index it once


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
