"""The directory is the floor: the apps every domain stands on import none of the apps above them.

``directory``, ``accounts``, ``orgs`` and ``audit`` (with the Django-free ``core``) are the floor.
What an app above adds to them (dues deciding « paying », the offers facet, a part of personal
data, a profile section) reaches them through registries filled when Django starts. Beside the
floor stand a few infrastructure modules that any app may use — the task queue and the mail
(:data:`INFRA`) — which themselves import only the floor. No module imports another app's
views: shared decorators and limits live in the floor.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "filon"
FLOOR = {"core", "directory", "accounts", "orgs", "audit"}
APPS = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
#: Modules below the domain apps: the queue, sending mail, redacting it, the bounces' model.
INFRA = {
    "filon.ops.queue",
    "filon.ops.mail",
    "filon.ops.notify",
    "filon.ops.redact",
    "filon.ops.models",
}


def _imports(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return [n for n in names if n.startswith("filon.")]


def _sources(app: str) -> list[pathlib.Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def _allowed(name: str) -> bool:
    """Whether the floor (or an infrastructure module) may import ``name``."""
    other = name.split(".")[1]
    if other not in APPS or other in FLOOR:
        return True
    return any(name == m or name.startswith(m + ".") for m in INFRA)


def test_the_floor_imports_no_app_above_it() -> None:
    offenders = []
    infra_files = [ROOT / (m.split(".", 1)[1].replace(".", "/") + ".py") for m in INFRA]
    files = [p for app in sorted(FLOOR) for p in _sources(app)] + infra_files
    for path in files:
        for name in _imports(path):
            if not _allowed(name):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert sorted(set(offenders)) == []


def test_no_module_imports_another_apps_views() -> None:
    offenders = []
    for app in sorted(APPS):
        for path in _sources(app):
            for name in _imports(path):
                parts = name.split(".")
                if len(parts) >= 3 and parts[2] == "views" and parts[1] != app:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert sorted(set(offenders)) == []


def test_a_viewer_is_built_only_by_the_privacy_module() -> None:
    """One way to say who is looking: filon.directory.privacy's constructors."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path == ROOT / "directory" / "privacy.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Viewer":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Viewer":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_staff_is_recognised_in_one_way() -> None:
    """Only privacy.is_staff reads the role; everything else asks it (or a Viewer)."""
    offenders = []
    allowed = {ROOT / "directory" / "privacy.py", ROOT / "accounts" / "models.py"}
    for path in ROOT.rglob("*.py"):
        if path in allowed or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "is_association_staff" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
