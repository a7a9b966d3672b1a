"""`filon groups list|show|members`: groups and clubs from the command line.

The operator's view is the staff's (every member, people out of the directory marked so);
``--from EMAIL`` shows what that member would see instead (members of other groups hidden).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from filon.cli.base import app, django_setup, err

groups_app = typer.Typer(help="Groupes et clubs.", no_args_is_help=True)
app.add_typer(groups_app, name="groups")

AsJson = Annotated[bool, typer.Option("--json", help="Le résultat en JSON sur la sortie.")]
From = Annotated[
    str, typer.Option("--from", help="Voir comme ce membre (e-mail) ; sinon comme l'équipe.")
]


def _viewer(email: str) -> Any:
    from filon.directory.privacy import audience

    if not email:
        return audience(2)
    from filon.cli.network import _viewer as member_viewer

    return member_viewer(email)


def _group(name_or_id: str) -> Any:
    from filon.groups.queries import find_group

    found = find_group(name_or_id)
    if found is None:
        err.print(f"[red]Groupe introuvable :[/red] {name_or_id}")
        raise typer.Exit(1)
    return found


def _dump(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@groups_app.command("list")
def list_groups(
    query: Annotated[str, typer.Option("--query", "-q", help="Mots du nom ou du lieu.")] = "",
    kind: Annotated[
        str, typer.Option("--kind", help="club, regional, association ou interest.")
    ] = "",
    as_json: AsJson = False,
) -> None:
    """The groups, with their kind, admission and number of members."""
    django_setup()
    from filon.api.groups import group_json
    from filon.groups.queries import groups

    rows = [group_json(g) for g in groups(query, kind)]
    if as_json:
        _dump({"count": len(rows), "groups": rows})
        return
    for r in rows:
        typer.echo(f"{r['id']:>5}  {r['name']:<32} {r['kind_label']:<22} {r['members']:>6}")


@groups_app.command("show")
def show(group: str, from_email: From = "", as_json: AsJson = False) -> None:
    """A group: description, admins, upcoming events, announcements."""
    django_setup()
    from filon.api.groups import detail_json

    data = detail_json(_viewer(from_email), _group(group))
    if as_json:
        _dump(data)
        return
    typer.echo(f"{data['name']} — {data['kind_label']} · {data['members']} membres")
    typer.echo(str(data["description"]))
    for key in ("admins", "events", "announcements"):
        for row in data[key]:  # type: ignore[attr-defined]
            typer.echo(f"  {key}: {row.get('name') or row.get('title') or row.get('subject')}")


@groups_app.command("members")
def members(group: str, from_email: From = "", as_json: AsJson = False) -> None:
    """A group's members, as staff (or, with --from, that member) may see them."""
    django_setup()
    from filon.groups.queries import can_see_inside
    from filon.groups.queries import members as group_members

    viewer = _viewer(from_email)
    g = _group(group)
    if not can_see_inside(viewer, g):
        err.print("[red]Réservé aux membres du groupe et à l'équipe.[/red]")
        raise typer.Exit(1)
    total, rows = group_members(viewer, g)
    if as_json:
        _dump({"count": total, "members": rows})
        return
    for r in rows:
        marks = " (anime)" if r["is_admin"] else ""
        marks += " (hors annuaire)" if r["out_of_directory"] else ""
        typer.echo(f"{r['id']:>7}  {r['name']}{marks}")
