"""Address books as vCard files: versions 2.1, 3.0 and 4.0, as real clients write them.

vobject parses each card. Before it does, every card is cleaned of what real exports put in
that vobject does not read: vCard 2.1 quoted-printable values whose soft line breaks continue
on unindented lines (Android, Outlook), base64 photos and keys whose data runs on over many
lines, and properties of no use here (PHOTO, LOGO, KEY, NOTE, PROFILE…). Quoted-printable
values are decoded with their CHARSET here, so vobject sees plain text.

A card gives a person (N, else FN, else the e-mail's local part), their e-mails, their phones
(E.164; a number that is not a valid one is skipped with a warning, as address books hold
fictitious and partial numbers), their organisation and title, and their UID.
"""

from __future__ import annotations

import hashlib
import logging
import quopri
import re
from dataclasses import dataclass, field
from typing import Any

import vobject
from django.utils.translation import gettext_lazy as _

from filon.core.text import fold
from filon.imports.base import (
    COUNTRIES,
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    PositionFact,
    add_phones,
    clean_email,
    decode,
    parse_gender,
)
from filon.imports.models import IdScheme

#: The properties read from a card; every other one is dropped before parsing.
KEPT = {"VERSION", "N", "FN", "TEL", "EMAIL", "ORG", "TITLE", "ADR", "UID", "GENDER", "X-GENDER"}
_PROPERTY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)([;:])")
_PREFIXES = {
    "m",
    "mr",
    "mrs",
    "ms",
    "mme",
    "mlle",
    "dr",
    "pr",
    "prof",
    "miss",
    "monsieur",
    "madame",
}
_LABELS = {"cell": "mobile", "home": "domicile", "work": "travail", "fax": "fax", "pager": "pager"}

logging.getLogger("vobject").setLevel(logging.CRITICAL)  # its own line errors are ours to report


@dataclass
class RawCard:
    line: int  # the BEGIN:VCARD line
    lines: list[str] = field(default_factory=list)


def split_cards(text: str) -> list[RawCard]:
    """The cards of a file, each with the line where it begins (RFC folding undone)."""
    cards: list[RawCard] = []
    current: RawCard | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        upper = raw.strip().upper()
        if upper == "BEGIN:VCARD":
            current = RawCard(number)
            continue
        if current is None:
            continue
        if upper == "END:VCARD":
            cards.append(current)
            current = None
            continue
        if raw[:1] in (" ", "\t") and current.lines:
            current.lines[-1] += raw[1:]
        else:
            current.lines.append(raw)
    return cards


def _params(head: str) -> list[str]:
    return [p for p in head.split(";")[1:] if p]


def clean_card(card: RawCard) -> str:
    """The card as plain vCard text that vobject reads: only :data:`KEPT` properties,
    quoted-printable decoded, 2.1 continuation lines joined."""
    out: list[str] = []
    lines = card.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        match = _PROPERTY.match(line)
        if not match:
            continue  # the rest of a base64 block, or noise
        name = match.group(1).upper()
        head, _sep, value = line.partition(":")
        params = [p.upper() for p in _params(head)]
        qp = any(p in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE") for p in params)
        if qp:
            while value.endswith("=") and i < len(lines):
                value = value[:-1] + lines[i]
                i += 1
        elif any(p in ("ENCODING=BASE64", "BASE64", "ENCODING=B") for p in params):
            while i < len(lines) and lines[i].strip() and not _PROPERTY.match(lines[i]):
                i += 1
        if name not in KEPT:
            continue
        if qp:
            charset = next(
                (p.split("=", 1)[1] for p in params if p.startswith("CHARSET=")), "UTF-8"
            )
            try:
                value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                    charset.lower(), "replace"
                )
            except LookupError:
                value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                    "utf-8", "replace"
                )
            value = value.replace("\r\n", "\\n").replace("\n", "\\n")
        kept = [
            p
            for p in _params(head)
            if not p.upper().startswith(("ENCODING=", "CHARSET="))
            and p.upper() not in ("QUOTED-PRINTABLE", "BASE64")
        ]
        prefix = head.split(";", 1)[0]
        out.append(";".join([prefix, *kept]) + ":" + value)
    return "BEGIN:VCARD\r\n" + "\r\n".join(out) + "\r\nEND:VCARD\r\n"


def _types(prop: Any) -> set[str]:
    types = {t.lower() for t in prop.params.get("TYPE", []) for t in t.split(",")}
    types |= {t.lower() for t in getattr(prop, "singletonparams", [])}
    return types


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v).strip()
    return str(value or "").strip()


def _split_name(fn: str) -> tuple[str, str, str]:
    """(prefix, first, last) from a formatted name."""
    words = fn.replace(",", " ").split()
    prefix = ""
    while words and fold(words[0]) in _PREFIXES:
        prefix = prefix or words[0]
        words = words[1:]
    while len(words) > 1 and fold(words[-1]) in {"jr", "sr", "ii", "iii", "iv"}:
        words = words[:-1]
    if not words:
        return prefix, "", ""
    if len(words) == 1:
        return prefix, "", words[0]
    return prefix, " ".join(words[:-1]), words[-1]


class VCardImporter(Importer):
    kind = "vcard"
    formats = ("vcard",)
    strict_phones = False

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        text, report.encoding = decode(data)
        cards = split_cards(text)
        if not cards:
            report.error(
                1, _("fichier"), "", _("au moins une fiche BEGIN:VCARD … END:VCARD attendue")
            )
            return []
        out = []
        for card in cards:
            report.rows += 1
            try:
                parsed = vobject.readOne(clean_card(card), ignoreUnreadable=True)
            except Exception as exc:  # vobject raises many kinds of errors
                report.error(card.line, "vCard", str(exc)[:120], _("fiche vCard lisible"))
                continue
            rec = self._record(card.line, parsed, report)
            if rec is not None:
                out.append(rec)
        return out

    def _record(self, line: int, card: Any, report: ImportReport) -> PersonRecord | None:
        contents = card.contents
        prefix = first = last = ""
        if "n" in contents:
            n = contents["n"][0].value
            first, last = _text(n.given), _text(n.family)
            prefix = _text(n.prefix)
            if not first and _text(n.additional):
                first = _text(n.additional)
        fn = _text(contents["fn"][0].value) if "fn" in contents else ""
        if (not first or not last) and fn:
            p_prefix, p_first, p_last = _split_name(fn)
            prefix, first, last = prefix or p_prefix, first or p_first, last or p_last
        emails = []
        for prop in contents.get("email", []):
            raw = _text(prop.value)
            try:
                emails.append(clean_email(raw))
            except ValueError as exc:
                report.warn(line, "EMAIL", raw, f"{exc} : adresse ignorée")
        if not last and emails:
            words = [w for w in re.split(r"[._-]+", emails[0].split("@")[0]) if w.isalpha()]
            if words:
                first, last = (" ".join(words[:-1]).title(), words[-1].title())
                report.warn(line, "N", "", _("fiche sans nom : nom tiré de l'adresse e-mail"))
        if not last:
            report.error(line, "N", "", _("un nom (N ou FN) ou une adresse e-mail attendu"))
            return None
        rec = PersonRecord(line, first[:100], last[:100], emails=list(dict.fromkeys(emails)))
        gender_prop = contents.get("gender") or contents.get("x-gender")
        raw_gender = _text(gender_prop[0].value).split(";")[0] if gender_prop else prefix
        try:
            rec.gender = parse_gender(raw_gender)
        except ValueError:
            rec.gender = ""
        regions = ["FR"]
        for adr in contents.get("adr", []):
            country = fold(_text(getattr(adr.value, "country", "")))
            code = COUNTRIES.get(country) or (country.upper() if len(country) == 2 else "")
            if code and code not in regions:
                regions.append(code)
        if len(regions) > 1:
            rec.country = regions[1]
        for prop in contents.get("tel", []):
            types = _types(prop)
            label = next((v for k, v in _LABELS.items() if k in types), "")
            add_phones(
                report,
                rec,
                "TEL",
                _text(prop.value),
                label,
                strict=False,
                regions=tuple(regions),
                split=False,
            )
        org = ""
        if "org" in contents:
            value = contents["org"][0].value
            parts = value if isinstance(value, list) else [value]
            first_part = parts[0] if parts else ""
            if isinstance(first_part, list):  # "Company, The": a comma read as a separator
                org = ", ".join(_text(p) for p in first_part if _text(p))
            else:
                org = _text(first_part)
        title = _text(contents["title"][0].value) if "title" in contents else ""
        if org:
            rec.positions.append(PositionFact(OrgRef(org[:255]), title[:200]))
        elif title:
            rec.headline = title[:200]
        uid = _text(contents["uid"][0].value) if "uid" in contents else ""
        if uid:
            rec.external_ids.append((IdScheme.VCARD, uid[:200]))
            rec.key = f"uid:{uid}"
        else:
            basis = "|".join(
                [fold(rec.label), *sorted(rec.emails), *sorted(p for p, _l in rec.phones)]
            )
            rec.key = "sha1:" + hashlib.sha1(basis.encode()).hexdigest()
        return rec
