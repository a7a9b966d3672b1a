"""Theses from theses.fr: its JSON records, one per line (NDJSON), as its index exports them.

A line is either an Elasticsearch hit (``{"_id", "_source": {…}}``) or the record itself; a
file holding one JSON array of records is read too. Each defended thesis gives its author (a
person, found again by their IdRef identifier, the thesis's NNT, or their name), the thesis
(title, discipline, defence date, lab, institution, doctoral school, abstract) and its
advisors, linked to the directory's people when their IdRef identifier is known there.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from filon.imports.base import (
    AdvisorFact,
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    ThesisFact,
    decode,
)
from filon.imports.models import IdScheme


def json_lines(text: str, report: ImportReport) -> list[tuple[int, Any]]:
    """(line, object) for an NDJSON file, or for a file holding one JSON value or array."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            values = json.loads(stripped)
        except json.JSONDecodeError as exc:
            report.error(exc.lineno, "JSON", exc.msg, _("JSON valide attendu"))
            return []
        return [(1, v) for v in values]
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            if number == 1 and stripped.startswith("{"):
                try:  # one pretty-printed object
                    return [(1, json.loads(stripped))]
                except json.JSONDecodeError:
                    pass
            report.error(
                number,
                "JSON",
                line[:60],
                _("un objet JSON par ligne attendu (%(e)s)") % {"e": exc.msg},
            )
    return out


def _name(person: dict[str, Any]) -> str:
    return f"{person.get('prenom') or ''} {person.get('nom') or ''}".strip()


def _org(entry: dict[str, Any] | None, kind: str) -> OrgRef | None:
    if not entry or not (entry.get("nom") or "").strip():
        return None
    ppn = (entry.get("ppn") or "").strip()
    idents = (("other", f"idref:{ppn}"),) if ppn else ()
    return OrgRef(entry["nom"].strip()[:255], kind, idents)


class ThesesImporter(Importer):
    kind = "theses"
    formats = ("json",)
    strict_phones = False

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        text, report.encoding = decode(data)
        out = []
        for line, value in json_lines(text, report):
            report.rows += 1
            source = value.get("_source", value) if isinstance(value, dict) else None
            if not isinstance(source, dict) or not (
                source.get("nnt") or source.get("titrePrincipal")
            ):
                report.error(
                    line,
                    "nnt",
                    str(value)[:60],
                    _("une notice de thèse theses.fr (nnt, titrePrincipal, auteurs…) attendue"),
                )
                continue
            rec = self._record(line, source, report)
            if rec is not None:
                out.append(rec)
        return out

    def _record(self, line: int, t: dict[str, Any], report: ImportReport) -> PersonRecord | None:
        errors = len(report.errors)
        nnt = str(t.get("nnt") or "").strip()
        if nnt and not re.fullmatch(r"\d{4}[A-Z0-9]{4,16}", nnt):
            report.error(line, "nnt", nnt, _("numéro national de thèse attendu (ex. 2009NAN10089)"))
        title = (t.get("titrePrincipal") or (t.get("titres") or {}).get("fr") or "").strip()
        if not title:
            report.error(line, "titrePrincipal", "", _("titre de la thèse attendu"))
        authors = t.get("auteurs") or []
        author = authors[0] if authors and isinstance(authors[0], dict) else {}
        if not (author.get("nom") or "").strip():
            report.error(
                line, "auteurs", json.dumps(authors)[:60], _("l'auteur (nom, prénom) attendu")
            )
        status = (t.get("status") or "soutenue").strip()
        raw_date = str(t.get("dateSoutenance") or "").strip()
        defended: date | None = None
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw_date) or re.fullmatch(
            r"(\d{2})/(\d{2})/(\d{4})", raw_date
        )
        if match:
            parts = [int(x) for x in match.groups()]
            y, m, d = parts if len(match.group(1)) == 4 else (parts[2], parts[1], parts[0])
            try:
                defended = date(y, m, d)
            except ValueError:
                defended = None
        if status != "soutenue" or defended is None:
            if status == "soutenue" or raw_date:
                report.error(
                    line, "dateSoutenance", raw_date, _("date de soutenance attendue (aaaa-mm-jj)")
                )
            else:
                report.warn(line, "status", status, _("thèse non soutenue : ignorée"))
                return None
        if len(report.errors) > errors:
            return None
        assert defended is not None
        labs = [
            p for p in t.get("partenairesRecherche") or [] if (p.get("type") or "") == "laboratoire"
        ]
        schools = [e.get("nom", "") for e in t.get("ecolesDoctorales") or [] if e.get("nom")]
        thesis = ThesisFact(
            title=title[:500],
            defence_year=defended.year,
            defended_on=defended,
            nnt=nnt,
            discipline=(t.get("discipline") or "").strip()[:200],
            lab=_org(labs[0], "lab") if labs else None,
            institution=_org(t.get("etabSoutenance"), "university"),
            doctoral_school="; ".join(schools)[:200],
            abstract=(
                (t.get("resumes") or {}).get("fr") or (t.get("resumes") or {}).get("en") or ""
            ).strip(),
            advisors=[
                AdvisorFact(_name(d)[:200], (d.get("ppn") or "").strip())
                for d in t.get("directeurs") or []
                if _name(d)
            ],
        )
        rec = PersonRecord(
            line, (author.get("prenom") or "").strip()[:100], author["nom"].strip()[:100]
        )
        rec.theses.append(thesis)
        if author.get("ppn"):
            rec.external_ids.append((IdScheme.IDREF, str(author["ppn"]).strip()))
        rec.key = nnt or title
        return rec
