"""The demo network in the database: loading it, and the `filon` commands that do it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from filon.accounts.models import Role, User
from filon.association.models import DuesPayment
from filon.audit.models import AuditEntry
from filon.cli import app
from filon.core.demo.generator import PERSONAS, generate_network
from filon.demo.load import DatabaseNotEmpty, load_network
from filon.directory.models import Affiliation, ContactPoint, Person, Position, Thesis
from filon.network.models import Group, GroupMembership, Tie
from filon.orgs.models import Organisation

MODELS = (
    Person,
    Affiliation,
    ContactPoint,
    Position,
    Thesis,
    Tie,
    DuesPayment,
    Group,
    GroupMembership,
    Organisation,
    User,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


# -- loading ------------------------------------------------------------------------------


def test_database_holds_every_generated_record(demo: Any) -> None:
    net = demo.net
    assert len(net.people) == 300
    assert Person.objects.count() == len(net.people)
    assert Affiliation.objects.count() == len(net.affiliations)
    assert ContactPoint.objects.count() == len(net.contacts)
    assert Position.objects.count() == len(net.positions)
    assert Thesis.objects.count() == len(net.theses)
    assert Tie.objects.count() == len(net.ties)
    assert DuesPayment.objects.count() == len(net.dues)
    # Every generated membership (but the demo docteure's « Mines Espace », which she joins
    # herself), and the memberships of the groups filon.groups.demo adds.
    names = {g.key: g.name for g in net.groups}
    written = set(GroupMembership.objects.values_list("group__name", "person_id"))
    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    generated = {(names[m.group], person_ids[m.person]) for m in net.memberships}
    claire = Person.objects.get(first_name="Claire", last_name="Dumas").pk
    assert generated - written <= {("Mines Espace", claire)}
    assert len(written) > len(generated)
    assert Person.objects.filter(directory_opt_out=True).count() == sum(
        p.directory_opt_out for p in net.people
    )


def test_persona_accounts_exist_with_their_roles(demo: Any) -> None:
    accounts = {u.email: u for u in User.objects.filter(email__in=[p[1] for p in PERSONAS])}
    assert len(accounts) == 3
    assert [accounts[login.email].role for login in demo.logins] == [
        Role.MEMBER,
        Role.MEMBER,
        Role.STAFF,
    ]
    assert accounts["sophie.lambert@example.org"].person is None
    bernard = accounts["bernard.vasseur@example.org"].person
    assert bernard is not None
    assert bernard.full_name == "Bernard Vasseur"
    assert bernard.group_memberships.get(role="founder").group.name == "X-Mines Auteurs"


def test_claires_account_is_linked_to_her_person_and_logs_in(demo: Any) -> None:
    login = demo.login("docteur")
    user = User.objects.get(email=login.email)
    assert user.person is not None
    assert user.person.full_name == "Claire Dumas"
    assert [a.promo for a in user.person.affiliations.all()] == ["P19"]
    thesis = user.person.theses.get()
    assert thesis.lab is not None
    assert set(thesis.fundings.values_list("kind", "funder__short_name")) == {
        ("cifre", "TAS"),
        ("agency", "CNES"),
    }
    client = Client()
    response = client.post(
        "/connexion/", {"username": login.email, "password": login.password}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert int(client.session["_auth_user_id"]) == user.pk


def test_loading_into_a_non_empty_database_is_refused_and_writes_nothing(demo: Any) -> None:
    before = counts()
    with pytest.raises(DatabaseNotEmpty):
        load_network(generate_network(100, seed=2))
    assert counts() == before


# -- the command line, in process -----------------------------------------------------------


@pytest.fixture
def cli() -> Iterator[CliRunner]:
    """A runner for `filon` in process.

    The commands call django.setup(), which reconfigures logging with handlers bound to the
    runner's captured (then closed) stderr: the loggers are put back as they were afterwards.
    """
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    yield CliRunner()
    for lg, handlers, level, propagate, disabled in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


def test_cli_generate_prints_a_json_summary(cli: CliRunner, db: None) -> None:
    result = cli.invoke(app, ["generate", "--members", "200", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {"members", "docteur_share", "dues_rate_2020", "fingerprint"}
    assert summary["members"] == 200 == Person.objects.count()
    assert summary["fingerprint"] == generate_network(200, seed=3).fingerprint()
    assert 0.1 < summary["docteur_share"] < 0.2
    assert "engineers" in summary["dues_rate_2020"]


def test_cli_demo_without_serving_prints_the_url_and_logins(cli: CliRunner, db: None) -> None:
    result = cli.invoke(app, ["demo", "--no-serve", "--json", "--members", "200"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["url"] == "http://127.0.0.1:8000/"
    assert [login["role"] for login in payload["logins"]] == ["docteur", "ingenieur", "staff"]
    assert set(payload["logins"][0]) == {"role", "email", "password"}
    assert Person.objects.count() == 200
    for login in payload["logins"]:
        assert Client().login(username=login["email"], password=login["password"])


def test_cli_demo_keeps_an_existing_network(cli: CliRunner, demo: Any) -> None:
    before = counts()
    result = cli.invoke(app, ["demo", "--no-serve", "--json", "--members", "200"])
    assert result.exit_code == 0, result.output
    assert counts() == before


def test_cli_generate_twice_fails_in_french_and_writes_nothing(cli: CliRunner, db: None) -> None:
    first = cli.invoke(app, ["generate", "--members", "200", "--seed", "3"])
    assert first.exit_code == 0, first.output
    before = counts()
    second = cli.invoke(app, ["generate", "--members", "200", "--seed", "4", "--json"])
    assert second.exit_code == 1
    assert "Rien n'a été écrit" in second.stderr
    assert "base vide" in second.stderr
    assert second.stdout == ""
    assert counts() == before


# -- the command line, as a user runs it -----------------------------------------------------


def test_generate_gives_the_same_fingerprint_in_two_fresh_data_folders(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FILON_"))}
    args = [sys.executable, "-m", "filon.cli", "generate", "--members", "500", "--seed", "5"]
    runs = []
    for name in ("un", "deux"):
        folder = tmp_path / name
        runs.append(
            subprocess.Popen(
                [*args, "--json"],
                env=env | {"FILON_DATA_DIR": str(folder)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = []
    for proc in runs:
        out, errors = proc.communicate(timeout=120)
        assert proc.returncode == 0, errors
        outputs.append(json.loads(out))
    assert outputs[0]["members"] == 500
    assert outputs[0]["fingerprint"] == outputs[1]["fingerprint"]
    assert outputs[0]["fingerprint"] == generate_network(500, seed=5).fingerprint()
    assert (tmp_path / "un" / "filon.sqlite3").exists()
    assert (tmp_path / "deux" / "filon.sqlite3").exists()
