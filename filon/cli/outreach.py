"""`filon outreach …`: the scheduled jobs of contact requests and introductions.

Run them from cron (e.g. hourly): ``filon outreach expire`` closes the requests that waited too
long (requests also expire by themselves when someone looks at them), ``filon outreach remind``
sends the reminders that are due.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from filon.cli.base import app, django_setup, err, migrate_db

outreach_app = typer.Typer(help="Entraide : expirations et rappels.", no_args_is_help=True)
app.add_typer(outreach_app, name="outreach")

AsJson = Annotated[bool, typer.Option("--json", help="Les nombres en JSON sur la sortie.")]


@outreach_app.command("expire")
def expire(as_json: AsJson = False) -> None:
    """Expire the contact and introduction requests past their deadline."""
    django_setup()
    migrate_db()
    from filon.outreach.actions import expire_due

    counts = expire_due()
    if as_json:
        typer.echo(json.dumps(counts))
        return
    err.print(
        f"Expirées : {counts['contact_requests']} demande(s) de contact, "
        f"{counts['introductions']} mise(s) en relation."
    )


@outreach_app.command("remind")
def remind(as_json: AsJson = False) -> None:
    """Send the reminders due: requests answered "pas maintenant", meetings to log and thanks."""
    django_setup()
    migrate_db()
    from filon.outreach.actions import send_due_reminders

    counts = send_due_reminders()
    if as_json:
        typer.echo(json.dumps(counts))
        return
    err.print(
        f"Rappels envoyés : {counts['snoozed']} après « pas maintenant », "
        f"{counts['follow_ups']} pour noter une rencontre ou remercier."
    )
