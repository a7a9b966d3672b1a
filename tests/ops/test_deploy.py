"""The deployment files under deploy/: systemd units, the nginx site, Dockerfile and compose."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_runs_the_server_the_worker_and_a_nightly_backup() -> None:
    web, worker = unit("filon-web.service"), unit("filon-worker.service")
    assert "filon serve" in web["Service"]["ExecStart"]
    assert "filon migrate" in web["Service"]["ExecStartPre"]
    assert worker["Service"]["ExecStart"].endswith("filon worker")
    for service in (web, worker, unit("filon-backup.service")):
        assert service["Service"]["User"] == "filon"
        assert service["Service"]["UMask"] == "0077"
    backup = unit("filon-backup.service")["Service"]
    assert "filon backup" in backup["ExecStart"] and "-mtime +30 -delete" in backup["ExecStartPost"]
    assert unit("filon-backup.timer")["Timer"]["Persistent"] == "true"


def test_nginx_terminates_tls_serves_static_files_and_limits_bodies() -> None:
    site = (DEPLOY / "nginx" / "filon.conf").read_text()
    for directive in (
        "listen 443 ssl",
        "ssl_certificate ",
        "client_max_body_size 25m",
        "proxy_read_timeout 60s",
        "location /static/",
        "proxy_set_header X-Forwarded-Proto $scheme",
        "proxy_set_header X-Request-ID $request_id",
        "access_log off",
    ):
        assert directive in site


def test_compose_runs_web_worker_and_postgresql_from_one_locked_image() -> None:
    import yaml

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert set(compose["services"]) == {"web", "worker", "db"}
    assert compose["services"]["worker"]["command"] == ["filon", "worker"]
    assert compose["services"]["db"]["image"].startswith("postgres:")
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps" in dockerfile and "USER filon" in dockerfile


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("docker has no compose plugin here")
    env = {"POSTGRES_PASSWORD": "x", "FILON_SECRET_KEY": "k" * 50, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
