"""Security headers and request body limits: CSP with a nonce and no inline code, Permissions-
Policy, no caching of personal answers, and bodies refused (413) before anyone reads them."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from filon.accounts.models import Role, User
from filon.web.middleware import body_limit

FILON = Path(__file__).resolve().parents[2] / "filon"
# Pages and fragments; not the HTML bodies of e-mails, which no browser loads from the site.
TEMPLATES = sorted(
    p for p in FILON.glob("**/templates/**/*.html") if "email" not in p.relative_to(FILON).parts
)
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)
MB = 1024 * 1024


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


# -- Content-Security-Policy --------------------------------------------------------------------


def test_a_page_carries_the_policy_with_its_nonce_and_no_inline_code(
    member_client: Client,
) -> None:
    response = member_client.get("/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'self'" in policy[directive]
        assert "'unsafe-inline'" not in policy[directive], directive
        assert "'unsafe-eval'" not in policy[directive], directive
    nonces = [w for w in policy["script-src"] if w.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    # The nonce is this response's: the htmx script carries it.
    assert f'nonce="{nonce}"' in response.content.decode()
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    again = _directives(member_client.get("/")["Content-Security-Policy"])
    assert again["script-src"] != policy["script-src"]  # a new nonce for every response


def test_the_login_page_has_the_policy_too(client: Client, db: None) -> None:
    policy = _directives(client.get("/connexion/")["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]


def test_a_plotly_chart_is_data_for_a_static_script_not_an_inline_script(
    staff_client: Client, demo: Any
) -> None:
    html = staff_client.get("/association/tableau-de-bord/").content.decode()
    assert '<script src="/static/filon/charts.js" defer></script>' in html
    assert 'data-plotly-figure="chart-cotisations-figure"' in html
    assert '<script type="application/json" id="chart-cotisations-figure">' in html
    assert "Plotly.newPlot" not in html
    # Every <script> of the page loads a file or holds JSON data: none runs inline code.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(FILON)))
def test_no_template_has_inline_handlers_styles_or_scripts(path: Path) -> None:
    text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
    # onclick=, onchange=, onsubmit=… and htmx's hx-on:… (both run code the policy refuses).
    assert re.findall(r"\son[a-z]+\s*=", text) == []
    assert re.findall(r"\shx-on[:-]", text) == []
    assert re.findall(r"\sstyle\s*=", text) == []
    assert re.findall(r"javascript:", text, re.IGNORECASE) == []
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", text):
        assert 'nonce="{{ csp_nonce }}"' in tag, tag


def test_the_template_check_sees_every_app() -> None:
    apps = {p.relative_to(FILON).parts[0] for p in TEMPLATES}
    assert {"web", "directory", "network", "money", "association", "projects"} <= apps


# -- other headers --------------------------------------------------------------------------------


def test_permissions_and_referrer_policies(client: Client, db: None) -> None:
    response = client.get("/connexion/")
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert response["Referrer-Policy"] == "same-origin"


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_personal_answers_are_never_stored(member_client: Client, client: Client) -> None:
    # Signed-in pages, the API (even refused), but not the API's schema or the login page's
    # static files.
    assert _no_store(member_client.get("/"))
    assert _no_store(member_client.get("/annuaire/"))
    assert _no_store(member_client.get("/api/people/1"))
    assert _no_store(client.get("/api/people/1"))
    assert not _no_store(client.get("/api/openapi.json"))
    assert not _no_store(client.get("/static/filon/filon.css"))


# -- request body limits --------------------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def _post(client: Client, path: str, length: int) -> Any:
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
    )


def test_an_anonymous_60_mb_post_to_the_login_page_is_refused_unread(
    client: Client, db: None
) -> None:
    response = _post(client, "/connexion/", 60 * MB)
    assert response.status_code == 413
    assert str(settings.REQUEST_BODY_MAX_BYTES) in response.content.decode()
    # The same on an upload route: the larger limit is for staff only.
    assert _post(client, "/imports/", 2 * MB).status_code == 413


def test_a_member_cannot_send_an_upload_sized_body(member_client: Client) -> None:
    assert _post(member_client, "/imports/", 2 * MB).status_code == 413
    assert _post(member_client, "/association/cotisations/import/", 2 * MB).status_code == 413


def test_staff_may_upload_up_to_the_upload_limit(staff_client: Client) -> None:
    assert _post(staff_client, "/imports/", settings.UPLOAD_BODY_MAX_BYTES + 1).status_code == 413
    assert _post(staff_client, "/annuaire/", 2 * MB).status_code == 413  # not an upload route


def test_the_limit_of_each_route(make_user: Any) -> None:
    factory = RequestFactory()
    staff, member = make_user(Role.STAFF), make_user(Role.MEMBER)

    def limit(path: str, user: User | None) -> int:
        request = factory.post(path)
        if user is not None:
            request.user = user
        return body_limit(request)

    small, large = settings.REQUEST_BODY_MAX_BYTES, settings.UPLOAD_BODY_MAX_BYTES
    assert large > settings.UPLOAD_FILE_MAX_BYTES > small
    assert limit("/connexion/", None) == small
    assert limit("/imports/", staff) == large
    assert limit("/association/cotisations/import/", staff) == small  # one upload flow: /imports/
    assert limit("/association/cotisations/nouvelle/", staff) == small
    assert limit("/imports/", member) == small
    assert small == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_body_under_the_limit_goes_through(client: Client, db: None) -> None:
    response = client.post("/connexion/", {"login": "x@example.org", "password": "y"})
    assert response.status_code in (200, 302)


def test_a_broken_content_length_is_a_400(client: Client, db: None) -> None:
    response = client.generic("POST", "/connexion/", b"", CONTENT_LENGTH="beaucoup")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_413_before_the_body_arrives(live_server: Any) -> None:
    """A real socket announces 60 MB and sends 64 kB: the 413 comes back at once."""
    host, port = live_server.thread.host, live_server.thread.port
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /connexion/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {60 * MB}\r\n\r\n".encode()
            + b"a" * 65536
        )
        answer = sock.recv(4096)
    elapsed = time.perf_counter() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert elapsed < 5
