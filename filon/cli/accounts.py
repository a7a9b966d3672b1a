"""`filon accounts …`: invitations for the people of the directory; `filon bench invitations`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from filon.cli.base import app, django_setup, err, migrate_db, progress_bar
from filon.cli.bench import bench_app

accounts_app = typer.Typer(
    help="Comptes : invitations des personnes de l'annuaire.", no_args_is_help=True
)
app.add_typer(accounts_app, name="accounts")


def _one_person(email: str) -> int:
    """The person an address belongs to: an account's login, else the directory's e-mail."""
    from filon.accounts.models import User, normal_email
    from filon.directory.models import ContactKind, ContactPoint

    address = normal_email(email)
    account = User.objects.filter(email=address).first()
    if account is not None and account.person_id is not None:
        return account.person_id
    owners = list(
        ContactPoint.objects.filter(kind=ContactKind.EMAIL, value__iexact=address)
        .values_list("person_id", flat=True)
        .distinct()[:2]
    )
    if len(owners) != 1:
        why = "plusieurs personnes ont" if owners else "personne n'a"
        err.print(f"[red]Dans l'annuaire, {why} l'adresse {email}.[/red]")
        raise typer.Exit(1)
    return owners[0]


@accounts_app.command("invite")
def invite(
    email: Annotated[
        str | None, typer.Option("--email", help="Inviter la personne de cette adresse.")
    ] = None,
    all_people: Annotated[
        bool, typer.Option("--all", help="Inviter toutes les personnes de l'annuaire.")
    ] = False,
    school: Annotated[
        str | None, typer.Option("--school", help="Seulement cette école (P, E, N…).")
    ] = None,
    track: Annotated[
        str | None, typer.Option("--track", help="Seulement cette filière (docteur…).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compter sans rien écrire ni envoyer.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Renvoyer même aux invités des sept derniers jours.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Résultat en JSON.")] = False,
) -> None:
    """Invite people of the directory: an account each and an e-mail with a single-use link.

    Skips active accounts, deactivated ones, people invited in the last seven days (unless
    --force) and people without a usable address; prints what it did.
    """
    if (email is None) == (not all_people):
        err.print("[red]Indiquez soit --email ADRESSE, soit --all.[/red]")
        raise typer.Exit(2)
    django_setup()
    from filon.accounts.invitations import invite as run_invite
    from filon.accounts.invitations import people
    from filon.directory.models import School, Track

    if school and not School.objects.filter(code=school).exists():
        codes = ", ".join(School.objects.order_by("code").values_list("code", flat=True))
        err.print(f"[red]École inconnue : {school} (écoles : {codes}).[/red]")
        raise typer.Exit(2)
    if track and track not in Track.values:
        err.print(f"[red]Filière inconnue : {track} (filières : {', '.join(Track.values)}).[/red]")
        raise typer.Exit(2)
    targets = people(school, track)
    if email is not None:
        targets = targets.filter(pk=_one_person(email))
    total = targets.count()
    started = time.perf_counter()
    if all_people and not as_json:
        with progress_bar() as bar:
            task = bar.add_task("Invitations", total=total)
            result = run_invite(
                targets,
                force=force,
                dry_run=dry_run,
                progress=lambda n: bar.advance(task, n),
                reason="command",
            )
    else:
        result = run_invite(targets, force=force, dry_run=dry_run, reason="command")
    seconds = time.perf_counter() - started
    report = result.as_json()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        skipped = report["skipped"]
        verb = "seraient invitées" if dry_run else "invitées"
        err.print(
            f"{result.invited} personnes {verb} en {seconds:.1f} s ; ignorées : "
            f"{skipped['already_active']} déjà actives, {skipped['invited_recently']} invitées "
            f"il y a moins de 7 jours, {skipped['no_email']} sans adresse utilisable, "
            f"{skipped['deactivated']} désactivées"
            + (f" ; {result.failed} envois en échec" if result.failed else "")
            + "."
        )
    if result.failed:
        raise typer.Exit(1)


# -- filon bench invitations ----------------------------------------------------------------


@bench_app.command("invitations")
def bench_invitations(
    members: Annotated[int, typer.Option(min=10, help="Personnes invitées.")] = 30_000,
    as_json: Annotated[bool, typer.Option("--json", help="Mesures en JSON.")] = False,
) -> None:
    """Time inviting N people into the file outbox (accounts, signed links, e-mails in both
    languages), in a throw-away database, against writing N plain messages to the same outbox."""
    folder = Path(tempfile.mkdtemp(prefix="filon-bench-"))
    (folder / "static").mkdir()
    os.environ["FILON_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'filon.sqlite3'}"
    # Whatever the shell says, the bench only ever writes files.
    os.environ["FILON_EMAIL_URL"] = ""
    os.environ["FILON_EMAIL_BACKEND"] = "file"
    try:
        report = _run_invitations_bench(members, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    out = Console()
    out.print(
        f"{report['invited']} invitations en {report['seconds']} s "
        f"({report['per_second']} par seconde ; objectif {report['target_s']} s : "
        f"{'atteint' if report['met'] else 'manqué'})\n"
        f"  {report['outbox_files']} fichiers, {report['outbox_mb']} Mo dans la boîte d'envoi\n"
        f"  référence (mêmes messages sans compte, lien ni gabarit) : {report['baseline_s']} s · "
        f"invitations / référence : ×{report['ratio']}"
    )


def _run_invitations_bench(members: int, folder: Path) -> dict[str, Any]:
    django_setup()
    migrate_db()
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, get_connection

    from filon.accounts.invitations import invite, people
    from filon.accounts.models import User
    from filon.directory.models import ContactKind, ContactPoint, Person

    outbox = Path(settings.EMAIL_FILE_PATH)
    started = time.perf_counter()
    batch = 2000
    for start in range(0, members, batch):
        rows = Person.objects.bulk_create(
            [
                Person(
                    first_name=f"Prénom{i}", last_name=f"Nom{i}", name_folded=f"prenom{i} nom{i}"
                )
                for i in range(start, min(start + batch, members))
            ]
        )
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(person=p, kind=ContactKind.EMAIL, value=f"membre{p.pk}@example.org")
                for p in rows
            ]
        )
    err.print(f"{members} personnes écrites en {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("Invitations", total=members)
        result = invite(people(), progress=lambda n: bar.advance(task, n), reason="bench")
    seconds = time.perf_counter() - started
    files = list(outbox.iterdir())
    size = sum(f.stat().st_size for f in files)
    assert User.objects.filter(invited_at__isnull=False).count() == result.invited

    # The floor: as many two-part messages written through the same backend, nothing else.
    floor_dir = folder / "floor"
    started = time.perf_counter()
    connection = get_connection(
        "django.core.mail.backends.filebased.EmailBackend", file_path=str(floor_dir)
    )
    messages = []
    for i in range(members):
        message = EmailMultiAlternatives(
            "Votre compte Filon vous attend",
            "Bonjour,\n\nhttps://filon.example.org/activation/x/\n",
            settings.DEFAULT_FROM_EMAIL,
            [f"membre{i}@example.org"],
        )
        message.attach_alternative("<p>Bonjour,</p>", "text/html")
        messages.append(message)
        if len(messages) == 500:
            connection.send_messages(messages)
            messages = []
    connection.send_messages(messages)
    baseline = time.perf_counter() - started
    return {
        "members": members,
        "invited": result.invited,
        "failed": result.failed,
        "seconds": round(seconds, 2),
        "per_second": round(result.invited / seconds) if seconds else None,
        "target_s": 60,
        "met": seconds < 60 and result.invited == members,
        "outbox_files": len(files),
        "outbox_mb": round(size / 1e6, 1),
        "baseline_s": round(baseline, 2),
        "ratio": round(seconds / baseline, 1) if baseline else None,
    }
