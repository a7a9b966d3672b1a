"""`filon index …`: the network graph's shared snapshot and its change log.

``filon index compact`` writes a new snapshot of the graph from the database (server processes
move to it at their next query); ``filon index status`` tells how far the change log runs past
it. See ``docs/network.md`` (Freshness).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from filon.cli.base import app, django_setup, err, migrate_db

index_app = typer.Typer(
    help="Index du réseau : instantané partagé et journal.", no_args_is_help=True
)
app.add_typer(index_app, name="index")

AsJson = Annotated[bool, typer.Option("--json", help="Le résultat en JSON sur la sortie.")]


@index_app.command("compact")
def compact(as_json: AsJson = False) -> None:
    """Write a new snapshot of the network graph from the database."""
    django_setup()
    migrate_db()
    from filon.network.index import compact as compact_graph

    result = compact_graph()
    result.pop("refs", None)
    if as_json:
        typer.echo(json.dumps(result))
        return
    err.print(
        f"Instantané n° {result['seq']} : {result['nodes']} nœuds, {result['edges']} liens, "
        f"{result['seconds']} s ({result['path']})."
    )


@index_app.command("status")
def status(as_json: AsJson = False) -> None:
    """The current snapshot, the change-log lines after it, and this process's overlay."""
    django_setup()
    migrate_db()
    from filon.network.index import loader

    index_loader = loader()
    index_loader.index()
    result = index_loader.status()
    if as_json:
        typer.echo(json.dumps(result))
        return
    err.print(
        f"Instantané {result['snapshot']} (journal n° {result['snapshot_seq']}) : "
        f"{result['nodes']} nœuds, {result['edges']} liens ; {result['log_lines']} ligne(s) "
        f"au journal, {result['overlay_nodes']} nœud(s) recalculé(s) dans ce processus."
    )
