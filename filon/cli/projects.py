"""Project commands: `filon scenarios` and `filon contacts` (a member's offer scenarios).

They read a member's project as that member: the command line is the operator's, who can
read the database anyway; nothing else is shown than what the member sees on their page.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err
from filon.cli.network import _viewer


@app.command("scenarios")
def scenarios_command(
    member: Annotated[str, typer.Option("--member", help="E-mail du membre.")],
    as_json: Annotated[bool, typer.Option("--json", help="Résultat en JSON.")] = False,
) -> None:
    """A member's offer scenarios with their status and confidence."""
    django_setup()
    from filon.projects import queries

    try:
        rows = queries.scenario_list(_viewer(member))
    except queries.NotFound:
        err.print("[red]Ce compte n'a pas de projet.[/red]")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"scenarios": rows}, ensure_ascii=False))
        return
    table = Table("id", "titre", "état", "confiance")
    for r in rows:
        table.add_row(str(r["id"]), r["title"], r["status"], f"{r['confidence']:.0%}")
    Console().print(table)


@app.command("contacts")
def contacts_command(
    member: Annotated[str, typer.Option("--member", help="E-mail du membre.")],
    scenario: Annotated[int, typer.Option("--scenario", help="Id du scénario.")],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Nombre de contacts.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Résultat en JSON.")] = False,
) -> None:
    """The people to meet for a scenario: score, its parts, reasons and best path."""
    django_setup()
    from filon.projects import queries
    from filon.projects.contacts import targeted_contacts

    try:
        found: dict[str, Any] = targeted_contacts(_viewer(member), scenario, top=top)
    except queries.NotFound:
        err.print("[red]Scénario introuvable pour ce membre.[/red]")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, default=str))
        return
    out = Console()
    out.print(f"[bold]{found['scenario']['title']}[/bold]")
    for i, c in enumerate(found["contacts"], 1):
        met = " (déjà rencontré·e)" if c["met"] else ""
        out.print(f"\n{i}. [bold]{c['name']}[/bold] {' '.join(c['promos'])} — {c['score']}{met}")
        for r in c["reasons"]:
            out.print(f"   · {r}")
        if c["path"]:
            out.print("   chemin : " + " → ".join(h["to"]["name"] for h in c["path"]["hops"]))
