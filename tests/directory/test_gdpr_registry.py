"""GDPR by registry: every app declares its part; erasure leaves nothing that names the person."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection, models
from django.test.utils import override_settings
from django.utils import timezone

from filon.audit import outbox
from filon.directory import gdpr
from filon.directory.actions import erase_person, export_personal_data
from filon.directory.models import Person
from filon.events.models import Event, EventAttendance, Registration
from filon.imports.models import ImportRun, PersonFunding, PersonIdentifier, Provenance
from filon.orgs.models import Organisation
from tests.directory.conftest import EMAIL_MEMBERS, EMAIL_PRIVATE, PHONE_PAYING, Cast
from tests.directory.test_gdpr import rich  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _points_to_people(model: type[models.Model]) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model in (Person, user_model)
    ]


def test_every_model_that_points_to_a_person_or_an_account_is_claimed() -> None:
    claimed = gdpr.claimed_models()
    unclaimed = [
        f"{m._meta.label} ({', '.join(fields)})"
        for m in apps.get_models()
        if (fields := _points_to_people(m)) and m._meta.label not in claimed
    ]
    assert unclaimed == [], "no app's gdpr.py answers for these models"


def test_every_part_claims_real_models_and_says_what_erasure_keeps() -> None:
    labels = {m._meta.label for m in apps.get_models()}
    for part in gdpr.parts():
        installed = [
            m for m in part.models if m.split(".")[0] in {a.label for a in apps.get_app_configs()}
        ]
        assert set(installed) <= labels, part.key
        assert part.kept, part.key


@pytest.fixture
def everywhere(rich: Cast, tmp_path: Path) -> Cast:  # noqa: F811
    """Hélène also in an import (report, provenance, identifiers, a declared funding), at an
    event, and in the outbox."""
    helene = rich.person
    run = ImportRun.objects.create(
        kind="annuaire",
        filename="annuaire.csv",
        sha256="0" * 64,
        report={"errors": [f"ligne 3 : Hélène Durand <{EMAIL_PRIVATE}> téléphone {PHONE_PAYING}"]},
    )
    Provenance.objects.create(
        run=run, content_object=helene, person=helene, line=3, record_key=f"email:{EMAIL_MEMBERS}"
    )
    PersonIdentifier.objects.create(person=helene, scheme="orcid", value="0000-0002-1825-0097")
    funder = Organisation.objects.create(name="Agence de financement", kind="funder")
    PersonFunding.objects.create(person=helene, funder=funder, title="Bourse", kind="grant")
    event = Event.objects.create(title="Afterwork", kind="afterwork", starts_at=timezone.now())
    Registration.objects.create(event=event, person=helene)
    EventAttendance.objects.create(event=event, person=helene)
    return rich


def _send_to_outbox(folder: Path) -> None:
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=folder
    ):
        mail.send_mail("Bonjour", "Chère Hélène Durand, …", "filon@example.org", [EMAIL_MEMBERS])
        mail.send_mail("Bonjour", "Cher Marc, …", "filon@example.org", ["marc@example.org"])


def test_the_export_holds_every_part(everywhere: Cast) -> None:
    data = export_personal_data(everywhere.owner)
    for part in gdpr.parts():
        assert part.inline or part.key in data, part.key
    assert data["imports"]["identifiers"] == [{"scheme": "orcid", "value": "0000-0002-1825-0097"}]
    assert data["imports"]["declared_fundings"][0]["title"] == "Bourse"
    assert data["imports"]["sources"][0]["line"] == 3
    assert data["events"]["registrations"][0]["event"] == "Afterwork"
    assert len(data["events"]["attendance"]) == 1
    assert data["dues"][0]["year"] == 2020
    assert data["account"]["email"] == "helene@example.org"


def _texts_in_database() -> str:
    """Every text, JSON and character value of every row of every model, in one string."""
    out = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            out += [repr(row) for row in model.objects.values_list(*names)]
    return "\n".join(out).casefold()


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_nothing_that_names_the_person(everywhere: Cast, tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    _send_to_outbox(folder)
    needles = ["Hélène", "helene", "Durand", EMAIL_MEMBERS, EMAIL_PRIVATE, "helene@example.org",
               PHONE_PAYING, "06 12 34 56 78", "0612345678", "0000-0002-1825-0097"]  # fmt: skip
    assert "durand" in _texts_in_database()
    if connection.vendor == "sqlite":
        # Earlier transactional tests leave full-text rows behind (a flush empties the models'
        # tables only): people of other tests, some called Hélène, must not count here.
        with connection.cursor() as cursor:
            for table in (
                "directory_search_fts0",
                "directory_search_fts1",
                "directory_search_fts2",
            ):
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM directory_person)"
                )
    # A data folder of its own: the erasure rewrites the graph's snapshot there, if any.
    with override_settings(EMAIL_FILE_PATH=folder, DATA_DIR=tmp_path):
        erase_person(everywhere.staff, everywhere.person)
    texts = _texts_in_database()
    assert [n for n in needles if n.casefold() in texts] == []
    # The outbox keeps the other member's mail and nothing of hers.
    left = "".join(p.read_text() for p in folder.iterdir())
    assert "Cher Marc" in left
    assert [n for n in needles if n.casefold() in left.casefold()] == []
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        raw = copy.read_bytes().lower()
        found = [n for n in needles if n.casefold().encode() in raw]
        assert found == [], f"still in the SQLite file: {_where(copy, found)}"


def _where(path: Path, needles: list[str]) -> list[str]:
    """The tables of an SQLite file whose rows hold one of ``needles``."""
    out = []
    db = sqlite3.connect(path)
    try:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in db.execute(f'SELECT * FROM "{table}"'):
                text = repr(row).lower()
                if any(n.casefold() in text for n in needles):
                    out.append(f"{table}: {text[:160]}")
                    break
    finally:
        db.close()
    return out


def test_the_outbox_keeps_mail_for_its_days_only(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    _send_to_outbox(folder)
    (old,) = [p for p in folder.iterdir()][:1]
    past = time.time() - timedelta(days=31).total_seconds()
    import os

    os.utime(old, (past, past))
    with override_settings(EMAIL_FILE_PATH=folder, OUTBOX_DAYS=30):
        assert outbox.prune() == {"files_removed": 1, "days": 30}
        assert outbox.prune() == {"files_removed": 0, "days": 30}


def test_an_address_in_an_encoded_body_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=folder
    ):
        body = "Hélène " * 200 + EMAIL_MEMBERS  # long, accented: sent encoded
        mail.send_mail("Objet", body, "filon@example.org", ["autre@example.org"])
        assert outbox.forget([EMAIL_MEMBERS]) == 1
    assert list(folder.iterdir()) == []
