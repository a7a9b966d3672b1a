"""Logs in JSON without personal data: each request is one line with its id, route name, status,
duration and user id, never its path, query string or form; a walk through the site with
names, e-mails and tokens in its URLs leaves none of them in the logs."""

from __future__ import annotations

import io
import json
import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from filon.ops.logs import JsonFormatter, RequestIdFilter
from filon.ops.redact import redact


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged, as the production handler formats it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield out
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_a_walk_with_names_emails_and_tokens_leaves_none_in_the_logs(
    captured: io.StringIO, make_person: Any, make_user: Any
) -> None:
    from django.core import signing

    from filon.outreach.links import SALT

    claire = make_person("Claire", "Dumazet-Kervella")
    email = claire.contact_points.get(kind="email").value
    user = make_user(person=claire, email="claire.kervella@example.org")
    # A one-click token as the e-mails carry (a signed nonce); its link need not exist.
    token = signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(32))
    anonymous = Client()
    anonymous.post(reverse("login"), {"login": user.email, "password": "pas-le-bon-mot"})
    anonymous.get(reverse("outreach:link", args=[token, "accept"]))
    anonymous.get(f"/annuaire/{email}/?email={email}")  # a 404 whose path holds an e-mail
    member = Client()
    member.force_login(user)
    member.get("/annuaire/", {"q": "Dumazet-Kervella", "school": "P"})
    member.get(f"/annuaire/{claire.pk}/")
    member.get("/api/search", {"q": "Kervella"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    member.get(reverse("outreach:link", args=[token, "decline"]), {"utm": user.email})

    text = captured.getvalue()
    for secret in (
        "Dumazet",
        "Kervella",
        "Claire",
        email,
        user.email,
        "example.org",
        token,
        token.split(":")[0],
        "q=",
        "pas-le-bon-mot",
        "/annuaire",
        "/entraide",
    ):
        assert secret not in text, f"{secret!r} is in the logs"
    requests = [line for line in lines(captured) if line["message"] == "request"]
    assert len(requests) == 7
    assert {r["route"] for r in requests} >= {"login", "outreach:link"}
    assert all(len(r["request_id"]) == 32 and r["duration_ms"] >= 0 for r in requests)
    assert {r["status"] for r in requests} >= {200, 404}
    signed_in = [r for r in requests if r.get("user_id") == user.pk]
    assert len(signed_in) == 4


def test_the_request_id_comes_from_the_proxy_and_goes_back(captured: io.StringIO) -> None:
    response = Client().get(reverse("login"), HTTP_X_REQUEST_ID="nginx-4f2a9c1e")
    assert response["X-Request-ID"] == "nginx-4f2a9c1e"
    [line] = [r for r in lines(captured) if r["message"] == "request"]
    assert line["request_id"] == "nginx-4f2a9c1e"
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
    }
    bad = Client().get(reverse("login"), HTTP_X_REQUEST_ID="claire@example.org")
    assert bad["X-Request-ID"] != "claire@example.org"


def test_messages_and_tracebacks_are_redacted(captured: io.StringIO) -> None:
    log = logging.getLogger("filon.test")
    try:
        raise ValueError("duplicate key (email)=(claire.dumas@example.org)")
    except ValueError:
        log.exception("import of /r/%s/?q=Claire failed", "eyJhbGciOi.JIUzI1NiJ9.a1b2c3d4e5f6")
    [line] = lines(captured)
    assert line["message"] == "import of /r/[token]/?[query] failed"
    assert "ValueError: duplicate key (email)=([email])" in line["exc"]
    assert redact("une personne discrète") == "une personne discrète"


# -- the real server -------------------------------------------------------------------------


def test_the_server_logs_json_lines_only_and_keeps_its_socket_in_the_data_folder() -> None:
    """`filon serve` (gunicorn) driven over HTTP: its output holds JSON request lines and none
    of the names, e-mails, search terms or tokens of the walk; its control socket is in the
    data folder, the home folder untouched."""
    from filon.cli.bench_scale import DOCTEURE, Browser, Server, prepare, release

    ds = prepare(300, 1, None)
    home = Path(tempfile.mkdtemp(prefix="filon-home-"))
    env = {k: v for k, v in ds.env.items() if k != "XDG_RUNTIME_DIR"}
    env |= {"HOME": str(home), "FILON_PEOPLE_PER_MINUTE": "100000"}
    server = Server(env, 1, ds.folder / "serve.log")
    try:
        server.wait_ready(180)
        browser = Browser(server.port)
        browser.login(*DOCTEURE)
        token = secrets.token_urlsafe(32) + ":1tX9Vd:" + secrets.token_urlsafe(20)
        for path, params in (
            ("/annuaire/", {"q": "Bernard Vasseur"}),
            ("/annuaire/", {"q": "sophie.lambert@example.org"}),
            (f"/entraide/reponse/{token}/accept/", None),
            ("/api/search", {"q": "Dumas"}),
            ("/sante/", None),
        ):
            browser.get(path, params)
        socket = ds.folder / f"gunicorn-{server.port}.ctl"
        assert socket.exists() and (socket.stat().st_mode & 0o777) == 0o600
    finally:
        server.stop()
    try:  # the log is read, then the folder removed
        output = server.log.read_text()
        assert not list(home.iterdir()), "the server wrote in the home folder"
        requests = []
        for raw in output.splitlines():
            if raw.startswith("{"):
                entry = json.loads(raw)
                if entry["message"] == "request":
                    requests.append(entry)
        assert len(requests) >= 8
        assert {"login", "directory:search", "outreach:link"} <= {r["route"] for r in requests}
        for secret in (
            "Bernard",
            "Vasseur",
            "Dumas",
            "Claire",
            "sophie.lambert",
            "example.org",
            DOCTEURE[0],
            token[:20],
            "q=",
            '"GET /',  # a gunicorn access-log line
        ):
            assert secret not in output, f"{secret!r} is in the server's output"
    finally:
        release(ds)
        shutil.rmtree(home, ignore_errors=True)
