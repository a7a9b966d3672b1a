"""Money commands: `filon money org|project|programme|topic`, `filon import funding`,
`filon export ftm`.

Amounts are printed as exact decimal strings, one per currency (``{"EUR": "1058422.50"}``):
currencies are never added up. The questions read funding data only and name no person, but
`topic`, which answers as the member given (the alumni that member may see).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from filon.cli.base import app, django_setup, err, migrate_db
from filon.cli.exports import export_app
from filon.cli.imports import AsJson, DryRun, import_app

money_app = typer.Typer(
    help="Suivez l'argent : financeurs, programmes, projets, organisations.", no_args_is_help=True
)
app.add_typer(money_app, name="money")

SHOWN = 15


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code)


def _found(finder: Any, ref: str, what: str) -> Any:
    from filon.money.queries import Ambiguous

    try:
        found = finder(ref)
    except Ambiguous as exc:
        raise _fail(
            f"Plusieurs {what} correspondent à « {ref} » : {', '.join(exc.choices)}"
        ) from None
    if found is None:
        raise _fail(f"Aucun(e) {what} ne correspond à « {ref} ».")
    return found


def _money(totals: dict[str, Any]) -> str:
    from filon.core.money import currency_order, format_amount

    if not totals:
        return "—"
    return " · ".join(format_amount(totals[c], c) for c in currency_order(totals))


def _echo_json(data: dict[str, Any]) -> None:
    from filon.money.queries import jsonable

    typer.echo(json.dumps(jsonable(data), ensure_ascii=False))


@money_app.command("org")
def money_org(
    name_or_id: Annotated[
        str, typer.Argument(help="Nom, numéro Filon ou identifiant (PIC, n° d'organisation…).")
    ],
    as_json: AsJson = False,
) -> None:
    """What an organisation receives: projects, roles, programmes, years, funders, partners."""
    django_setup()
    from filon.money import queries

    org = _found(queries.find_organisation, name_or_id, "organisation")
    data = queries.organisation_money(org)
    if as_json:
        _echo_json(data)
        return
    out = Console(highlight=False)
    out.print(f"{data['name']} (n° {data['id']})", style="bold", markup=False)
    out.print(
        f"Reçu : {_money(data['received'])} · projets : {data['projects']} · "
        f"coordonnés : {data['coordinated']} · participations : {data['participations']}",
        markup=False,
    )
    table = Table(title="Par programme", title_justify="left")
    for label in ("Programme", "Projets", "Reçu"):
        table.add_column(label, justify="left" if label == "Programme" else "right")
    for row in data["by_programme"][:SHOWN]:
        table.add_row(row["name"], str(row["projects"]), _money(row["received"]))
    out.print(table)


@money_app.command("project")
def money_project(
    ref: Annotated[str, typer.Argument(help="Numéro du projet (convention) ou acronyme.")],
    as_json: AsJson = False,
) -> None:
    """A project's participants, roles and contributions."""
    django_setup()
    from filon.money import queries

    project = _found(queries.find_project, ref, "projet")
    data = queries.project_money(project)
    if as_json:
        _echo_json(data)
        return
    out = Console(highlight=False)
    out.print(f"{data['acronym']} ({data['id']}) — {data['title']}", style="bold", markup=False)
    out.print(
        f"Coordinateur : {data['coordinator'] or '(hors du fichier)'} · "
        f"total : {_money(data['total'])}",
        markup=False,
    )
    table = Table()
    for label in ("Rang", "Organisation", "Rôle", "Contribution"):
        table.add_column(label, justify="right" if label in ("Rang", "Contribution") else "left")
    from filon.core.money import format_amount

    for p in data["participants"]:
        amount = format_amount(p["amount"], p["currency"]) if p["amount"] is not None else "—"
        table.add_row(str(p["number"] or ""), p["name"], p["role_label"], amount)
    out.print(table)


@money_app.command("programme")
def money_programme(
    code_or_name: Annotated[
        str, typer.Argument(help="Code (H2020-EU.2.1.6.), nom court (LEIT-SPACE) ou nom.")
    ],
    as_json: AsJson = False,
) -> None:
    """What a programme (and everything under it) gives: to whom, in which topics, when."""
    django_setup()
    from filon.money import queries

    programme = _found(queries.find_programme, code_or_name, "programme")
    data = queries.programme_money(programme)
    if as_json:
        _echo_json(data)
        return
    out = Console(highlight=False)
    out.print(f"{data['name']} ({data['code']})", style="bold", markup=False)
    out.print(
        f"Total : {_money(data['total'])} · projets : {data['projects']} · participations : "
        f"{data['participations']} · organisations : {data['organisations']}",
        markup=False,
    )
    table = Table(title="Qui reçoit le plus", title_justify="left")
    for label in ("Organisation", "Projets", "Reçu"):
        table.add_column(label, justify="left" if label == "Organisation" else "right")
    for row in data["top_recipients"][:SHOWN]:
        table.add_row(row["name"], str(row["projects"]), _money(row["received"]))
    out.print(table)


# -- filon import funding ------------------------------------------------------------------------


@money_app.command("topic")
def money_topic(
    member: Annotated[str, typer.Option("--member", help="E-mail du membre.")],
    top: Annotated[int, typer.Option("--top", min=1, max=200, help="Projets affichés.")] = 20,
    as_json: AsJson = False,
) -> None:
    """« Qui paie pour mon sujet ? » : les projets financés proches de la thèse d'un membre,
    les organisations les plus payées pour ce sujet et les anciens qu'il peut y joindre."""
    django_setup()
    from filon.cli.network import _viewer
    from filon.money import topic

    viewer = _viewer(member)
    try:
        data = topic.my_topic(viewer, top=top)
    except topic.NoSubject:
        raise _fail(f"« {member} » n'a pas de fiche dans l'annuaire.") from None
    if as_json:
        _echo_json(data)
        return
    out = Console(highlight=False)
    table = Table(title="Projets proches de votre sujet", title_justify="left")
    for label in ("Projet", "Programme", "Score", "Pourquoi", "Montant"):
        table.add_column(label, justify="right" if label in ("Score", "Montant") else "left")
    for p in data["projects"]:
        table.add_row(
            f"{p['acronym'] or p['id']}",
            p["programme"],
            f"{p['score']:.1f}",
            " ; ".join(p["reasons"]),
            _money(p["amounts"]),
        )
    out.print(table)
    orgs = Table(title="Qui est le plus payé pour votre sujet", title_justify="left")
    for label in ("Organisation", "Projets", "Reçu", "Anciens"):
        orgs.add_column(label, justify="left" if label in ("Organisation", "Anciens") else "right")
    for o in data["organisations"]:
        names = ", ".join(a["name"] for a in o["alumni"][:3])
        more = f" (+{o['alumni_count'] - 3})" if o["alumni_count"] > 3 else ""
        orgs.add_row(o["name"], str(o["projects"]), _money(o["amounts"]), names + more)
    out.print(orgs)


@import_app.command("funding")
def import_funding_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Le fichier des financements (CORDIS organization.csv, ou un CSV et --mapping).",
        ),
    ],
    format: Annotated[
        str, typer.Option("--format", help="Le format du fichier : cordis (par défaut).")
    ] = "cordis",
    mapping: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Un fichier TOML qui décrit les colonnes, le séparateur, les décimales, les dates "
            "et la devise (exemple : filon/data/funding/mappings/eu_h2020_norway.toml).",
        ),
    ] = None,
    projects: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="CORDIS : le project.csv qui va avec organization.csv.",
        ),
    ] = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Import grants: CORDIS's official layout, or any funder's export through a mapping."""
    django_setup()
    migrate_db()
    from filon.money.actions import import_funding
    from filon.money.importers import FundingMapping, make_importer

    layout = None
    if mapping is not None:
        try:
            layout = FundingMapping.from_file(mapping)
        except ValueError as exc:
            raise _fail(f"{mapping.name} : {exc}", 2) from None
    try:
        importer = make_importer(
            format=format,
            mapping=layout,
            projects=projects.read_bytes() if projects else None,
            projects_name=projects.name if projects else "project.csv",
        )
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    report = import_funding(None, importer, file.read_bytes(), file.name, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
    else:
        _print_report(report)
    for error in report.errors:
        typer.echo(str(error), err=True)
    for warning in report.warnings[:20]:
        typer.echo(f"avertissement : {warning}", err=True)
    if report.errors:
        err.print(
            f"[red]{len(report.rejected_lines)} ligne(s) invalide(s) : rien n'a été écrit.[/red]"
        )
        raise typer.Exit(1)


def _print_report(report: Any) -> None:
    out = Console(highlight=False, soft_wrap=True)
    data = report.as_dict(items=False)
    funding = data["funding"]
    details = [f"{report.rows} ligne(s)", f"encodage {report.encoding}"]
    if report.delimiter:
        details.append(
            "séparateur "
            + {";": "« ; »", ",": "« , »", "\t": "tabulation"}.get(
                report.delimiter, report.delimiter
            )
        )
    out.print(f"{report.filename} : {', '.join(details)}", markup=False)
    from decimal import Decimal

    totals = {c: Decimal(v) for c, v in funding["total"].items()}
    out.print(
        f"{funding['projects']} projet(s), {funding['organisations']} organisation(s), "
        f"total du fichier : {_money(totals)}",
        markup=False,
    )
    c = report.counts
    verb = "à créer" if not report.written else "créées"
    created = funding["created"]
    out.print(
        f"Participations {verb} : {c['created']} · mises à jour : {c['updated']} · "
        f"inchangées : {c['unchanged']} · lignes refusées : {c['rejected']}"
        + (f" · doublons possibles à examiner : {c['review']}" if c["review"] else ""),
        markup=False,
    )
    if created:
        out.print(
            "Nouveaux : "
            + ", ".join(
                f"{n} {label}"
                for key, label in (
                    ("organisations", "organisation(s)"),
                    ("programmes", "programme(s)"),
                    ("projects", "projet(s)"),
                )
                if (n := created.get(key))
            ),
            markup=False,
        )
    if report.dry_run:
        out.print("Essai à blanc : rien n'a été écrit.")
    elif report.written:
        out.print(f"Import n° {report.run_id} enregistré en {report.seconds:.1f} s.")


# -- filon export ftm ----------------------------------------------------------------------------


@export_app.command("ftm")
def export_ftm(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Le fichier JSON Lines à écrire.")],
    people: Annotated[
        bool,
        typer.Option(
            "--people",
            help="Ajouter les personnes (thèses financées, postes) qui le permettent ; "
            "réservé à l'équipe (--by).",
        ),
    ] = False,
    by: Annotated[
        str, typer.Option("--by", help="Le compte de l'équipe qui demande l'export des personnes.")
    ] = "",
    as_json: AsJson = False,
) -> None:
    """Write the funding graph as FollowTheMoney entities (for Aleph), validated first."""
    django_setup()
    migrate_db()
    from collections import Counter

    from django.db import transaction

    from filon.audit.actions import record
    from filon.directory.privacy import viewer_for
    from filon.money import ftm

    viewer = None
    actor = None
    if people:
        from filon.accounts.models import User

        actor = User.objects.filter(email=by.strip().lower()).first() if by else None
        viewer = viewer_for(actor) if actor is not None else None
        if viewer is None or not viewer.is_staff:
            raise _fail("--people : un compte de l'équipe est nécessaire (--by EMAIL).", 2)
    from filon.ops.extras import MissingExtra, require

    try:
        require("followthemoney", "filon export ftm")
    except MissingExtra as exc:
        raise _fail(str(exc), 2) from None
    entities = ftm.build(viewer=viewer, people=people)
    errors = ftm.validate(entities)
    if errors:
        for line in errors[:50]:
            typer.echo(line, err=True)
        raise _fail(f"{len(errors)} erreur(s) de validation FollowTheMoney : rien n'a été écrit.")
    with transaction.atomic():
        ftm.write(file, entities)
        schemata = Counter(e["schema"] for e in entities)
        record(
            "money.export_ftm",
            actor=actor,
            file=file.name,
            entities=len(entities),
            people=people,
            schemata=dict(schemata),
        )
    if as_json:
        typer.echo(
            json.dumps({"file": str(file), "entities": len(entities), "schemata": dict(schemata)})
        )
    else:
        err.print(
            f"{len(entities)} entité(s) FollowTheMoney écrite(s) dans {file} : "
            + ", ".join(f"{n} {s}" for s, n in sorted(schemata.items()))
        )
