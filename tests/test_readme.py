"""The README is the user's first contact: its commands and its configuration table stay true."""

import pathlib
import re

from filon.core.env import SETTINGS

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS_PY = (ROOT / "filon" / "settings.py").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in README, setting.name


def test_every_environment_variable_read_by_the_settings_is_declared():
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS_PY))
    assert read == {s.name for s in SETTINGS}


def test_the_ci_runs_the_readme_test_command_word_for_word():
    blocks = re.findall(r"```sh\n(.+?)\n```", README)
    assert len(blocks) >= 2
    test_command = blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"README_TEST_COMMAND='{test_command}'" in ci


def test_the_readme_demo_command_runs_filon_demo():
    assert re.findall(r"```sh\n(.+?)\n```", README)[0].endswith("filon demo")


def _leaf_commands(command, prefix):
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        full = f"{prefix} {name}"
        if hasattr(sub, "commands"):
            yield from _leaf_commands(sub, full)
        else:
            yield full


def test_every_cli_command_is_documented_in_the_readme():
    import typer.main

    from filon.cli import app

    commands = list(_leaf_commands(typer.main.get_command(app), "filon"))
    assert "filon demo" in commands
    assert [c for c in commands if f"`{c}" not in README] == []
