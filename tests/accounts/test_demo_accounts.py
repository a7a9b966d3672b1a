"""The demo's accounts: the three logins work, other members are in every state, and
`filon demo --port P` points the e-mails' links at the served address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

from filon.accounts.models import AccountState, User


def test_demo_members_are_in_every_state(demo: Any) -> None:
    states = {state: 0 for state in AccountState}
    for user in User.objects.filter(person__isnull=False):
        states[user.state] += 1
    assert states[AccountState.ACTIVE] >= 3  # Claire, Bernard and some members
    assert states[AccountState.INVITED] >= 5
    assert states[AccountState.FAILED] == 1
    assert states[AccountState.DISABLED] == 1
    from filon.directory.models import Person

    never = Person.objects.filter(account__isnull=True).count()
    assert never > Person.objects.count() // 2
    for login in demo.logins:
        assert Client().login(username=login.email, password=login.password)


def test_demo_on_another_port_sets_the_site_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "FILON_"))}
    args = ["demo", "--no-serve", "--json", "--members", "60", "--port", "8123"]
    result = subprocess.run(
        [sys.executable, "-m", "filon.cli", *args],
        env=env | {"FILON_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["url"] == "http://127.0.0.1:8123/"
    assert payload["site_url"] == "http://127.0.0.1:8123"
