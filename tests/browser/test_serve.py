"""End to end: `filon demo --no-serve` then `filon serve` (gunicorn + whitenoise), over HTTP.

No browser and no pytest-django database: the server runs in its own process on its own
data folder, and is spoken to with urllib.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DOCTEURE = ("claire.dumas@example.org", "filon-claire")
STARTUP_TIMEOUT = 20.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path) -> dict[str, str]:
    """The test run's environment, minus anything that would point at another database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FILON_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["FILON_DATA_DIR"] = str(data_dir)
    return env


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(
                f"`filon serve` exited with {server.returncode}:\n{log.read_text()}"
            )
        try:
            urllib.request.urlopen(f"{base}/connexion/", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"`filon serve` did not answer within {STARTUP_TIMEOUT:.0f} s")


def test_demo_then_serve_answers_over_http(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    demo = subprocess.run(
        [sys.executable, "-m", "filon.cli", "demo", "--no-serve", "--members", "200"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr
    assert DOCTEURE[0] in demo.stdout

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "filon.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base, server, log)

        # An anonymous visitor is sent to the login page.
        bare = urllib.request.build_opener(_NoRedirect)
        try:
            bare.open(f"{base}/", timeout=5)
            raise AssertionError("GET / answered without redirecting")
        except urllib.error.HTTPError as exc:
            assert exc.code == 302
            assert exc.headers["Location"].startswith("/connexion/")

        # Static files come from whitenoise, inside gunicorn.
        with urllib.request.urlopen(f"{base}/static/filon/filon.css", timeout=5) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/css")

        # The docteure logs in through the form.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_url = f"{base}/connexion/"
        with browser.open(login_url, timeout=5) as resp:
            form = resp.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert match, "no CSRF token in the login form"
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "username": DOCTEURE[0],
                "password": DOCTEURE[1],
                "next": "",
            }
        ).encode()
        request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
        with browser.open(request, timeout=10) as resp:
            assert resp.status == 200
            assert resp.geturl() == f"{base}/"
            assert "Claire Dumas" in resp.read().decode()

        # The API's schema is public.
        with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5) as resp:
            assert resp.status == 200
            assert b'"openapi"' in resp.read()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
