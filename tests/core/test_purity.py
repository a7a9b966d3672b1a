"""The core package must stay free of Django: it is imported by the web apps, never the reverse."""

import ast
import pathlib
import subprocess
import sys

CORE = pathlib.Path(__file__).resolve().parents[2] / "filon" / "core"


def test_core_sources_import_no_django():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in {"django", "ninja"}
            ]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.startswith("filon.") and not n.startswith("filon.core")
            ]
    assert offenders == []


def test_importing_the_whole_core_loads_no_django():
    code = (
        "import pkgutil, importlib, sys, filon.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'filon.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('django', 'ninja')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
