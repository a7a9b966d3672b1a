"""`filon gdpr …`: the staff's side of GDPR requests (export, erasure), with the site's actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from django.core.serializers.json import DjangoJSONEncoder

from filon.cli.base import app, django_setup, err

gdpr_app = typer.Typer(help="Demandes RGPD : export et effacement.", no_args_is_help=True)
app.add_typer(gdpr_app, name="gdpr")


def _account(email: str) -> Any:
    from filon.accounts.models import User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        err.print(f"[red]Aucun compte pour {email}.[/red]")
        raise typer.Exit(1)
    return user


@gdpr_app.command("export")
def gdpr_export(
    email: Annotated[str, typer.Argument(help="Le compte dont on exporte les données.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier JSON (par défaut : la sortie).")
    ] = None,
) -> None:
    """Everything Filon holds about an account, as JSON (the export is logged)."""
    django_setup()
    from filon.directory.actions import export_personal_data

    data = export_personal_data(_account(email))
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"Données écrites dans {output}.")


@gdpr_app.command("erase")
def gdpr_erase(
    person_id: Annotated[int, typer.Argument(help="Le numéro de la fiche (/annuaire/<n>/).")],
    by: Annotated[str, typer.Option("--by", help="Le compte de l'équipe qui efface.")],
    confirm: Annotated[
        str, typer.Option("--confirm", help="Le nom complet de la personne, tapé exactement.")
    ],
) -> None:
    """Erase a person's personal data (names, contacts, career…); counts and dues are kept."""
    django_setup()
    from filon.directory.actions import NotAllowed, erase_person
    from filon.directory.models import Person

    actor = _account(by)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        err.print(f"[red]Aucune fiche n° {person_id}.[/red]")
        raise typer.Exit(1)
    if confirm.strip() != person.full_name:
        err.print("[red]Le nom ne correspond pas exactement : rien n'a été effacé.[/red]")
        raise typer.Exit(1)
    try:
        erase_person(actor, person)
    except NotAllowed:
        err.print(f"[red]{by} n'a pas le droit d'effacer cette fiche.[/red]")
        raise typer.Exit(1) from None
    typer.echo(f"Fiche n° {person_id} effacée.")
