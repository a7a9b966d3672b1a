"""Directory commands: `filon search`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Texte cherché (vide : tout le monde).")] = "",
    limit: Annotated[int, typer.Option(min=1, max=500, help="Résultats par page.")] = 20,
    page: Annotated[int, typer.Option(min=1, help="Page de résultats.")] = 1,
    school: Annotated[
        list[str] | None, typer.Option(help="Lettre d'école (répétable : --school P --school E).")
    ] = None,
    track: Annotated[list[str] | None, typer.Option(help="Filière (ex. docteur).")] = None,
    offers_help: Annotated[
        bool,
        typer.Option(
            "--offers-help", help="Seulement les membres qui proposent leur aide (offre active)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Résultats en JSON.")] = False,
) -> None:
    """Search the directory as the association's staff see it (same results as /annuaire/)."""
    django_setup()
    from filon.directory.privacy import audience
    from filon.directory.search import (
        OFFERS_HELP,
        SearchParams,
        facets_json,
        result_json,
        search,
    )

    filters = {k: tuple(v) for k, v in (("school", school), ("track", track)) if v}
    if offers_help:
        filters["aide"] = (OFFERS_HELP,)
    found = search(
        audience(2), SearchParams(query=query, filters=filters, page=page), per_page=limit
    )
    if as_json:
        payload = {
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "results": [result_json(row) for row in found.results],
            "facets": facets_json(found),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    out = Console()
    table = Table(title=f"{found.total} résultat(s) · page {found.page} sur {found.pages}")
    for column in ("id", "nom", "promo", "poste actuel", "trouvé dans"):
        table.add_column(column)
    for row in found.results:
        matched = "; ".join(f"{m.label} : {', '.join(m.words)}" for m in row.matches)
        table.add_row(str(row.id), row.name, " ".join(row.promos), row.position or "", matched)
    out.print(table)
