"""Foundation commands: migrate, generate, demo, serve, token, manage."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from filon.cli.base import app, django_setup, err, migrate_db, progress_bar, token_app


def _generate(members: int, seed: int) -> tuple[Any, list[Any]]:
    from filon.demo.load import generate_and_load

    with progress_bar() as bar:
        gen = bar.add_task("Génération du réseau", total=members)
        load: dict[str, Any] = {}

        def start_load(total: int) -> None:
            load["task"] = bar.add_task("Écriture dans la base", total=total)

        return generate_and_load(
            members,
            seed,
            on_generate=lambda n: bar.advance(gen, n),
            on_start_load=start_load,
            on_load=lambda n: bar.advance(load["task"], n),
        )


def _graph_snapshot() -> None:
    """Build the network graph's shared snapshot if there is none of this database, so that
    `filon serve` starts by loading it (see :mod:`filon.network.index`)."""
    from filon.network.index import ensure_snapshot

    ensure_snapshot()


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    migrate_db()
    _graph_snapshot()
    err.print("Base de données à jour.")


@app.command()
def generate(
    members: Annotated[int, typer.Option(min=50, help="Nombre de membres à générer.")] = 30_000,
    seed: Annotated[int, typer.Option(help="Graine : même graine, même réseau.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Résumé en JSON sur la sortie.")] = False,
) -> None:
    """Generate the demo network into an empty database."""
    django_setup()
    migrate_db()
    from filon.demo.load import DatabaseNotEmpty, summary

    try:
        net, _logins = _generate(members, seed)
    except DatabaseNotEmpty as exc:
        err.print(
            f"[red]Rien n'a été écrit :[/red] {exc}. Le réseau de démonstration se génère "
            "dans une base vide (choisissez un autre FILON_DATA_DIR)."
        )
        raise typer.Exit(1) from None
    _graph_snapshot()
    result = summary(net)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        err.print(f"{result['members']} membres générés, empreinte {result['fingerprint'][:12]}…")


def _control_socket(data_dir: Path, port: int) -> list[str]:
    """gunicorn's control socket (for `gunicornc`) in the data folder, owner-only; turned off
    where that path would be too long for a Unix socket. Never in the home folder: a service
    account may have none it can write."""
    path = data_dir / f"gunicorn-{port}.ctl"
    if len(str(path)) > 100:
        return ["--no-control-socket"]
    return ["--control-socket", str(path), "--control-socket-mode", "0600"]


def _start_worker() -> None:
    """`filon worker` beside the demo's server: it stops when the server (this process, once
    it has become gunicorn) goes away."""
    import subprocess

    subprocess.Popen(
        [sys.executable, "-m", "filon.cli", "worker", "--parent-pid", str(os.getpid())],
        stdin=subprocess.DEVNULL,
    )


def _serve(host: str, port: int, workers: int) -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "filon.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        # The longest request line gunicorn takes: longer addresses up to it get Filon's 414
        # page (filon.accounts.errors), not gunicorn's bare one.
        "--limit-request-line",
        "8190",
        # No access log: it would record paths with their query strings (search terms) and
        # one-click tokens; filon.ops.middleware logs each request without them.
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--preload",
        *_control_socket(Path(settings.DATA_DIR), port),
    ]
    # The master builds the search indexes and the graph once; the workers fork with them.
    env = dict(os.environ, FILON_DATA_DIR=str(settings.DATA_DIR), FILON_WARM_UP="1")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, args, env)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Processus gunicorn.")] = 2,
) -> None:
    """Serve an existing database with gunicorn (static files included)."""
    django_setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        err.print(
            "[red]La base n'est pas à jour :[/red] lancez d'abord `filon migrate` ou `filon demo`."
        )
        raise typer.Exit(1)
    err.print(f"Filon sur http://{host}:{port}/ (préparation des index de recherche et du réseau…)")
    _serve(host, port, workers)


@app.command()
def demo(
    members: Annotated[int, typer.Option(min=50, help="Taille du réseau généré.")] = 30_000,
    seed: Annotated[int, typer.Option(help="Graine du générateur.")] = 1,
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Tout préparer sans servir.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="URL et comptes en JSON.")] = False,
) -> None:
    """Migrate, generate the demo network if the database is empty, and serve it."""
    # The links in the demo's e-mails point at the address it serves (unless set explicitly).
    public_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    os.environ.setdefault("FILON_SITE_URL", f"http://{public_host}:{port}")
    django_setup()
    migrate_db()
    from django.conf import settings

    from filon.demo.load import demo_logins
    from filon.directory.models import Person

    if not Person.objects.exists():
        _generate(members, seed)
    _graph_snapshot()
    url = f"http://{host}:{port}/"
    logins = demo_logins()
    if as_json:
        payload = {
            "url": url,
            "site_url": settings.SITE_URL,
            "logins": [vars(login) | {} for login in logins],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        out = Console()
        out.print(f"\nFilon : [bold]{url}[/bold]\n\nComptes de démonstration :")
        labels = {"docteur": "docteure", "ingenieur": "ingénieur", "staff": "équipe"}
        for login in logins:
            out.print(
                f"  {labels[login.role]:<10} {login.email:<30} mot de passe : {login.password}"
            )
        if settings.STAFF_MFA:
            out.print(
                "\nLes comptes de l'équipe doivent ajouter un second facteur (FILON_STAFF_MFA "
                "ou FILON_PRODUCTION) : gardez une application d'authentification à portée."
            )
        else:
            out.print(
                "\nLe compte de l'équipe entre sans application d'authentification : la démo "
                "n'exige pas de second facteur (FILON_STAFF_MFA=1 ou FILON_PRODUCTION=1 "
                "l'exigent)."
            )
        out.print()
    if not no_serve:
        _start_worker()
        _serve(host, port, 2)


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="Le compte qui utilisera le jeton.")],
    name: Annotated[str, typer.Option(help="À quoi sert ce jeton.")] = "cli",
) -> None:
    """Create an API token for an account and print it (it is shown only once)."""
    django_setup()
    from filon.accounts.actions import issue_api_token
    from filon.accounts.models import User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        err.print(f"[red]Aucun compte pour {email}.[/red]")
        raise typer.Exit(1)
    typer.echo(issue_api_token(user, name))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (for example `filon manage check --deploy`)."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["filon manage", *ctx.args])
