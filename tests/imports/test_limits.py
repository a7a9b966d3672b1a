"""Files no source writes: values nested thousands deep, and megabytes of garbage.

A deeply nested file is refused with one error naming the file and the reason, and leaves no
run waiting for a confirmation; a garbage file's report keeps its first errors and counts the
rest, so that what is stored and shown stays small.
"""

from __future__ import annotations

import json
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from filon.imports.actions import TOO_DEEP
from filon.imports.base import MAX_REPORTED, MAX_VALUE
from filon.imports.models import ImportRun, RunStatus
from tests.imports.conftest import run, table_counts

pytestmark = pytest.mark.django_db

DEPTH = 100_000
DEEP_FILES = {
    "theses": b"[" * DEPTH + b"]" * DEPTH,
    "orcid": b'{"person": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
    "orcid-xml": b"<record>" + b"<a>" * DEPTH + b"</a>" * DEPTH + b"</record>",
}


@pytest.mark.parametrize("name", sorted(DEEP_FILES))
def test_a_deeply_nested_file_is_refused_in_one_line(name: str) -> None:
    before = table_counts()
    report = run(name.split("-")[0], DEEP_FILES[name], "profond.json")
    assert not report.written
    assert [str(e) for e in report.errors] == [
        f"profond.json:1: fichier « profond.json » : {TOO_DEEP}"
    ]
    assert table_counts() == before


def upload(client: Client, kind: str, data: bytes, name: str) -> object:
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_a_deeply_nested_upload_leaves_no_run_to_confirm(staff_client: Client) -> None:
    response = upload(staff_client, "theses", DEEP_FILES["theses"], "theses.json")
    assert response.status_code == 302  # type: ignore[attr-defined]
    run_row = ImportRun.objects.get()
    assert run_row.status == RunStatus.PREVIEW and run_row.report["errors"]
    page = staff_client.get(response["Location"]).content.decode()  # type: ignore[index]
    assert "Confirmer l" not in page and "profondément" in page
    confirm = staff_client.post(f"/imports/{run_row.pk}/confirmer/")
    assert confirm.status_code == 302
    run_row.refresh_from_db()
    assert run_row.status == RunStatus.PREVIEW and run_row.report["errors"]


def garbage(size: int) -> bytes:
    rng = random.Random(1)
    lines = []
    while sum(map(len, lines)) < size:
        lines.append("".join(rng.choice("abcdef{}[]:;,\"' 0123") for _ in range(60)))
    return "\n".join(lines).encode()


def test_a_garbage_upload_stores_a_small_report(staff_client: Client) -> None:
    data = b"{" + garbage(1_000_000)  # JSON at first sight: read, and refused line by line
    upload(staff_client, "theses", data, "garbage.json")
    report = ImportRun.objects.get().report
    lines = data.count(b"\n") + 1
    assert len(report["errors"]) == MAX_REPORTED
    assert report["errors_more"] == lines - MAX_REPORTED
    assert report["rejected"] == lines  # every refused line is counted, not kept
    assert len(json.dumps(report)) < 200_000


def test_a_long_refused_value_is_cut() -> None:
    csv = "Nom;Prénom;Promo;Filière;Email\nDupont;Jean;P58;Ingénieur civil;" + "x" * 5000
    report = run("annuaire", csv.encode(), "annuaire.csv", dry_run=True).as_dict()
    (error,) = report["errors"]
    assert len(error["value"]) == MAX_VALUE + 1 and error["value"].endswith("…")
    assert len(error["message"]) < MAX_VALUE + 300
