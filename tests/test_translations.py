"""The English catalogue: complete, compiled, and in step with the French source strings.

The msgids are the French strings written in the code and templates; English is the
translation. To update the catalogue, see filon/locale/README.md.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import filon

PACKAGE = Path(filon.__file__).resolve().parent
EN = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO_PATH = EN / "django.po"
MO_PATH = EN / "django.mo"

# A catalogue key: (msgctxt or None, msgid).
Key = tuple[str | None, str]

# Python: the names makemessages passes to xgettext as keywords, and where their msgid sits.
_PY_SIMPLE = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
_PY_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}

# Templates: {% translate "..." [context "..."] ... %} and {% blocktranslate ... %}...{% end... %}.
_STR = r"""(?:"[^"]*"|'[^']*')"""
_INLINE = re.compile(
    rf"""\{{%\s*trans(?:late)?\s+(?P<msg>{_STR})(?:[^%]*?\s+context\s+(?P<ctx>{_STR}))?[^%]*%\}}"""
)
_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<opts>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.DOTALL,
)
_BLOCK_CONTEXT = re.compile(rf"\s+context\s+(?P<ctx>{_STR})")
_PLURAL = re.compile(r"\{%\s*plural\s*%\}")
_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_CONSTANT = re.compile(rf"""_\((?P<msg>{_STR})\)""")
_TRIM = re.compile(r"\s*\n\s*")


def _catalogue_key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid)


def _catalogue_value(entry: polib.POEntry | polib.MOEntry) -> str | tuple[tuple[int, str], ...]:
    if entry.msgid_plural:
        return tuple(sorted((int(n), s) for n, s in entry.msgstr_plural.items()))
    return entry.msgstr


def _unquote(literal: str) -> str:
    return literal[1:-1]


def _python_msgids(path: Path) -> set[Key]:
    found: set[Key] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if name in _PY_SIMPLE and args and isinstance(args[0], str):
            found.add((None, args[0]))
        elif name in _PY_CONTEXT and all(isinstance(a, str) for a in args[:2]) and len(args) > 1:
            found.add((args[0], args[1]))
    return found


def _template_msgids(path: Path) -> set[Key]:
    src = path.read_text(encoding="utf-8")
    found: set[Key] = set()
    for m in _INLINE.finditer(src):
        ctx = _unquote(m["ctx"]) if m["ctx"] else None
        found.add((ctx, _unquote(m["msg"]).replace("%", "%%")))
    for m in _BLOCK.finditer(src):
        opts = m["opts"]
        ctx_match = _BLOCK_CONTEXT.search(opts)
        ctx = _unquote(ctx_match["ctx"]) if ctx_match else None
        singular = _PLURAL.split(m["body"])[0]
        msgid = _VAR.sub(r"%(\1)s", singular.replace("%", "%%"))
        if "trimmed" in opts.split():
            msgid = _TRIM.sub(" ", msgid.strip())
        found.add((ctx, msgid))
        for c in _CONSTANT.finditer(opts):
            found.add((None, _unquote(c["msg"])))
    for m in re.finditer(r"\{[{%](.*?)[%}]\}", src, re.DOTALL):
        for c in _CONSTANT.finditer(m[1]):
            found.add((None, _unquote(c["msg"])))
    return found


def source_msgids() -> dict[Key, str]:
    """Every translatable string in the package, with the file it was found in."""
    found: dict[Key, str] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
            continue
        if path.suffix == ".py":
            keys = _python_msgids(path)
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            keys = _template_msgids(path)
        else:
            continue
        for key in keys:
            found.setdefault(key, str(path.relative_to(PACKAGE)))
    return found


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_every_entry_is_translated(po: polib.POFile) -> None:
    assert po.metadata.get("Language") == "en"
    assert "nplurals=2" in po.metadata.get("Plural-Forms", "")
    assert not po.metadata_is_fuzzy, "remove the '#, fuzzy' flag from the header"
    entries = [e for e in po if not e.obsolete]
    assert entries
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert not fuzzy, f"fuzzy entries in {PO_PATH.name}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {PO_PATH.name}: {untranslated}"


def test_compiled_catalogue_matches_its_source(po: polib.POFile) -> None:
    assert MO_PATH.exists(), "run compilemessages (see filon/locale/README.md)"
    mo = polib.mofile(str(MO_PATH))
    expected = {_catalogue_key(e): _catalogue_value(e) for e in po.translated_entries()}
    compiled = {_catalogue_key(e): _catalogue_value(e) for e in mo if e.msgid}
    assert compiled == expected, "django.mo is stale: run compilemessages"


def test_extractor_sees_every_kind_of_source() -> None:
    found = source_msgids()
    assert found.get((None, "Membre"), "").endswith("models.py")
    assert found.get((None, "Français")) == "settings.py"
    assert found.get((None, "Se déconnecter"), "").endswith(".html")
    assert found.get((None, "Bonjour, %(name)s"), "").endswith(".html")


def test_every_source_string_is_in_the_catalogue(po: polib.POFile) -> None:
    catalogue = {_catalogue_key(e) for e in po if not e.obsolete}
    missing = {key: where for key, where in source_msgids().items() if key not in catalogue}
    assert not missing, (
        "strings missing from the English catalogue (run makemessages, translate, "
        f"compilemessages): {missing}"
    )


def test_django_serves_the_english_translation() -> None:
    with translation.override("en"):
        assert translation.gettext("Se déconnecter") == "Sign out"
        assert translation.gettext("Bonjour, %(name)s") % {"name": "Ada"} == "Hello, Ada"
    with translation.override("fr"):
        assert translation.gettext("Se déconnecter") == "Se déconnecter"
