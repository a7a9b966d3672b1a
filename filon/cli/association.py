"""`filon stats …`: the association's figures (dues rates, members) for staff and scripts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err, migrate_db

stats_app = typer.Typer(help="Chiffres de l'association.", no_args_is_help=True)
app.add_typer(stats_app, name="stats")

AsJson = Annotated[bool, typer.Option("--json", help="Les chiffres en JSON sur la sortie.")]


@stats_app.command("dues")
def stats_dues(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", min=1900, max=2100, help="Année (par défaut : la dernière cotisée)."
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Dues paid rate per track for one year, with the engineers counted together."""
    django_setup()
    migrate_db()
    from filon.association.figures import fmt_int, fmt_rate
    from filon.association.queries import dues_rates, figure_order, last_dues_year
    from filon.directory.models import track_label

    if year is None:
        year = last_dues_year()
        if year is None:
            err.print("[red]Aucune cotisation enregistrée.[/red]")
            raise typer.Exit(1)
    rates = dues_rates(year)
    if as_json:
        typer.echo(json.dumps({"year": year, "tracks": rates}, ensure_ascii=False))
        return
    table = Table(title=f"Cotisations {year}", title_justify="left")
    table.add_column("Filière")
    for label in ("Membres", "Cotisants", "Taux"):
        table.add_column(label, justify="right")
    for key in figure_order(rates):
        row = rates[key]
        table.add_row(
            track_label(key), fmt_int(row["members"]), fmt_int(row["paid"]), fmt_rate(row["rate"])
        )
    Console().print(table)


@stats_app.command("members")
def stats_members(as_json: AsJson = False) -> None:
    """How many members, by school, by track and by decade of their first diploma."""
    django_setup()
    migrate_db()
    from filon.association.figures import fmt_int
    from filon.association.queries import member_counts
    from filon.directory.models import School, track_label

    counts: dict[str, Any] = member_counts()
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    out = Console()
    out.print(f"Membres : [bold]{fmt_int(counts['total'])}[/bold]")
    names = dict(School.objects.values_list("code", "name"))
    for title, key, label in (
        ("Par école", "by_school", lambda c: f"{names.get(c, c)} ({c})"),
        ("Par filière", "by_track", track_label),
        ("Par décennie du premier diplôme", "by_decade", lambda d: f"{d}–{int(d) + 9}"),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("Membres", justify="right")
        for code, n in counts[key].items():
            table.add_row(label(code), fmt_int(n))
        out.print(table)
