"""Network commands: `filon paths` and `filon who-at`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err


def _person_for_email(email: str) -> Any:
    """The person of an account's e-mail, else of a contact e-mail in the directory."""
    from filon.accounts.models import User
    from filon.directory.models import ContactPoint

    address = email.strip().lower()
    user = User.objects.filter(email=address).select_related("person").first()
    if user is not None and user.person is not None:
        return user, user.person
    contact = ContactPoint.objects.filter(kind="email", value=address).select_related("person")
    found = contact.first()
    return None, (found.person if found else None)


def _viewer(email: str) -> Any:
    from filon.directory.privacy import as_person, viewer_for

    user, person = _person_for_email(email)
    if person is None:
        err.print(f"[red]Personne introuvable :[/red] {email}")
        raise typer.Exit(1)
    if user is not None:
        return viewer_for(user)
    # A member without an account: what they would see once signed in.
    return as_person(person.pk)


def _organisation(name: str) -> Any:
    from filon.network.queries import find_organisations

    found = find_organisations(name)
    if not found:
        err.print(f"[red]Organisation introuvable :[/red] {name}")
        raise typer.Exit(1)
    if len(found) > 1 and found[0].name_folded != found[1].name_folded:
        exact = [o for o in found if o.name.lower() == name.strip().lower()]
        if len(exact) != 1:
            names = ", ".join(o.name for o in found[:8])
            err.print(f"[yellow]Plusieurs organisations correspondent :[/yellow] {names}")
            if not exact:
                raise typer.Exit(1)
        found = exact or found
    return found[0]


def _print_paths(paths: list[dict[str, Any]], title: str) -> None:
    out = Console()
    if not paths:
        out.print(f"{title} : aucun chemin de quatre intermédiaires au plus.")
        return
    out.print(f"[bold]{title}[/bold]")
    for i, path in enumerate(paths, 1):
        out.print(f"\n[bold]Chemin {i}[/bold] (coût {path['cost']})")
        for hop in path["hops"]:
            out.print(f"  {hop['from']['name']} → {hop['to']['name']} : {hop['reason']}")


@app.command("paths")
def paths_command(
    source: Annotated[str, typer.Option("--from", help="E-mail de la personne qui cherche.")],
    to: Annotated[str | None, typer.Option("--to", help="E-mail de la personne visée.")] = None,
    to_org: Annotated[
        str | None, typer.Option("--to-org", help="Nom de l'organisation visée.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=10, help="Nombre de chemins.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Chemins en JSON.")] = False,
) -> None:
    """Introduction paths from a member to a person or an organisation, as that member sees them."""
    if (to is None) == (to_org is None):
        err.print("[red]Donnez soit --to, soit --to-org.[/red]")
        raise typer.Exit(2)
    django_setup()
    from filon.network import queries

    viewer = _viewer(source)
    try:
        if to is not None:
            _user, person = _person_for_email(to)
            if person is None:
                err.print(f"[red]Personne introuvable :[/red] {to}")
                raise typer.Exit(1)
            paths = queries.paths_to_person(viewer, person.pk, k=k)
            target: dict[str, Any] = {"kind": "person", "id": person.pk, "name": person.full_name}
        else:
            org = _organisation(to_org or "")
            paths = queries.paths_to_org(viewer, org.pk, k=k)
            target = {"kind": "organisation", "id": org.pk, "name": org.name}
    except queries.NotFound:
        err.print("[red]Cette personne n'apparaît pas dans l'annuaire pour ce membre.[/red]")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"target": target, "paths": paths}, ensure_ascii=False))
        return
    _print_paths(paths, f"Vers {target['name']}")


@app.command("who-at")
def who_at_command(
    org_name: Annotated[str, typer.Argument(help="Nom de l'organisation.")],
    source: Annotated[
        str | None,
        typer.Option("--from", help="E-mail d'un membre : ajoute son chemin vers chacun."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Résultat en JSON.")] = False,
) -> None:
    """Who we know at an organisation: there now, there before, thesis funded by it."""
    django_setup()
    from filon.directory.privacy import audience
    from filon.network import queries

    viewer = _viewer(source) if source else audience(2)
    org = _organisation(org_name)
    who = queries.who_at(viewer, org.pk)
    if as_json:
        typer.echo(json.dumps(who, ensure_ascii=False, default=str))
        return
    out = Console()
    titles = {"current": "Y travaillent", "former": "Y ont travaillé", "funded": "Thèses financées"}
    for group, title in titles.items():
        table = Table(title=f"{who['organisation']['name']} — {title} ({len(who[group])})")
        for column in ("id", "nom", "fonction ou thèse", "années", "chemin"):
            table.add_column(column)
        for row in who[group]:
            path = row["path"]
            via = " → ".join(h["to"]["name"] for h in path["hops"][:-1]) if path else ""
            years = f"{row['start'] or ''}–{row['end'] or ''}"
            table.add_row(
                str(row["person"]["id"]),
                row["person"]["name"],
                row["title"],
                years,
                (via or "direct") if path else ("" if not source else "hors de portée"),
            )
        out.print(table)
