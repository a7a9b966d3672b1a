"""A locked install: every dependency pyproject.toml declares (with the extras) is pinned with
hashes in requirements.lock (regenerate it with `.ci/lock`); the heavy libraries of one command
are extras, and those commands say how to install them."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from filon.cli import app
from filon.ops.extras import MissingExtra, require

ROOT = Path(__file__).resolve().parents[2]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> dict[str, str]:
    """Each dependency's normalised name → where pyproject.toml declares it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    for group, requirements in groups.items():
        for requirement in requirements:
            name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            assert name is not None, requirement
            if normalise(name.group(1)) != "filon":
                found.setdefault(normalise(name.group(1)), group)
    return found


def locked() -> dict[str, list[str]]:
    """Each pinned package's normalised name → its hashes."""
    text = (ROOT / "requirements.lock").read_text()
    pins: dict[str, list[str]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        pin = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", block)
        if pin:
            pins[normalise(pin.group(1))] = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
    return pins


def test_every_declared_dependency_is_in_the_lock_with_hashes() -> None:
    pins = locked()
    missing = sorted(f"{name} ({group})" for name, group in declared().items() if name not in pins)
    assert not missing, f"not in requirements.lock, run .ci/lock: {', '.join(missing)}"
    assert all(pins.values()), "every pin carries its hashes"
    assert {"django", "django-tasks", "django-tasks-db", "gunicorn"} <= set(pins)


def test_heavy_single_command_libraries_are_extras_included_in_dev() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {normalise(re.split(r"[<>=\[ ;]", r)[0]) for r in project["dependencies"]}
    extras = project["optional-dependencies"]
    assert "followthemoney" not in base and "networkx" not in base
    assert any(r.startswith("followthemoney") for r in extras["ftm"])
    assert any(r.startswith("networkx") for r in extras["bench"])
    dev = {normalise(re.split(r"[<>=\[ ;]", r)[0]) for r in extras["dev"]}
    assert {"followthemoney", "networkx"} <= dev


def test_ci_installs_from_the_lock_then_the_project_without_dependencies() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    lock = run.index("--require-hashes -r requirements.lock")
    assert lock < run.index("install -q -e . --no-deps")


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("followthemoney", ["export", "ftm", "out.jsonl"], "ftm"),
        ("networkx", ["bench", "paths", "--sizes", "1000"], "bench"),
    ],
)
def test_a_command_says_how_to_install_its_missing_extra(
    db: None, monkeypatch: pytest.MonkeyPatch, module: str, args: list[str], extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    with pytest.raises(MissingExtra):
        require(module, "x")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"pip install 'filon[{extra}]'" in " ".join(result.output.split())
