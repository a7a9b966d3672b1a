"""LinkedIn's ``Connections.csv`` export: the importing member's connections.

The file may begin with a few lines of notes ("Notes:", a quoted sentence, an empty line)
before its header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``
(older exports have no URL column). Each connection becomes a person (found again by their
profile URL, e-mail or name), with their current position, and a tie of kind ``linkedin``
from the importing member to them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from filon.core.text import fold
from filon.imports.base import (
    UNREADABLE_EXPECTED,
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    PositionFact,
    TieFact,
    Unreadable,
    clean_email,
    csv_records,
    decode,
)
from filon.imports.models import IdScheme

HEADERS = {
    "first name": "first_name",
    "last name": "last_name",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "company": "company",
    "position": "position",
    "connected on": "connected_on",
}
TIE_STRENGTH = 0.3  # a LinkedIn connection says little about how well two people know each other
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def profile_id(url: str) -> str:
    """A profile URL reduced to what identifies it.

    >>> profile_id("https://www.linkedin.com/in/Camille-Exemple-000000/?trk=x")
    'linkedin.com/in/camille-exemple-000000'
    """
    text = url.strip().lower()
    text = re.sub(r"^https?://", "", text)
    text = re.sub(r"^([a-z]{2,3}\.)?linkedin\.com", "linkedin.com", text).removeprefix("www.")
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def parse_connected_on(raw: str) -> date:
    """The "Connected On" date.

    >>> parse_connected_on("07 Dec 2025"), parse_connected_on("1 Jan 2026")
    (datetime.date(2025, 12, 7), datetime.date(2026, 1, 1))
    """
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*[ -](\d{4})", raw.strip())
    if match and match.group(2).lower() in _MONTHS:
        try:
            return date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            pass
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(str(_("date comme « 07 Dec 2025 » attendue"))) from None


class LinkedInImporter(Importer):
    kind = "linkedin"
    strict_phones = False

    def __init__(
        self, *, member_id: int | None = None, member_label: str = "", **options: Any
    ) -> None:
        super().__init__(**options)
        self.member_id = member_id
        self.member_label = member_label

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        text, report.encoding = decode(data)
        report.delimiter = ","
        if self.member_id is None:
            report.error(
                1,
                _("membre"),
                self.member_label,
                _("le membre dont ce sont les relations (--member EMAIL) attendu"),
            )
        try:
            return self._read(text, report)
        except Unreadable as exc:
            report.error(exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
            return []

    def _read(self, text: str, report: ImportReport) -> list[PersonRecord]:
        records = csv_records(text, ",")
        columns: dict[str, int] = {}
        for _line, cells in records:
            keys = [fold(c) for c in cells]
            if "first name" in keys and "last name" in keys:
                columns = {HEADERS[k]: i for i, k in enumerate(keys) if k in HEADERS}
                report.columns = {k: cells[i] for k, i in columns.items()}
                break
        if not columns:
            report.error(
                1,
                _("en-tête"),
                "",
                _(
                    "la ligne « First Name,Last Name,URL,Email Address,Company,Position,"
                    "Connected On » attendue"
                ),
            )
            return []
        out = []
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            rec = self._row(line, cells, columns, report)
            if rec is not None:
                out.append(rec)
        return out

    def _row(
        self, line: int, cells: list[str], columns: dict[str, int], report: ImportReport
    ) -> PersonRecord | None:
        def cell(key: str) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        errors = len(report.errors)
        rec = PersonRecord(line, cell("first_name")[:100], cell("last_name")[:100])
        if not rec.last_name and not rec.first_name:
            report.error(
                line, report.columns.get("last_name", "Last Name"), "", _("un nom attendu")
            )
        if cell("email"):
            try:
                rec.emails.append(clean_email(cell("email")))
            except ValueError as exc:
                report.error(line, report.columns["email"], cell("email"), exc)
        since = None
        if cell("connected_on"):
            try:
                since = parse_connected_on(cell("connected_on"))
            except ValueError as exc:
                report.error(line, report.columns["connected_on"], cell("connected_on"), exc)
        if cell("url"):
            ident = profile_id(cell("url"))
            if "linkedin.com/in/" not in ident:
                report.error(
                    line,
                    report.columns["url"],
                    cell("url"),
                    _("adresse de profil linkedin.com/in/… attendue"),
                )
            else:
                rec.external_ids.append((IdScheme.LINKEDIN, ident[:200]))
                rec.key = ident
        if cell("company"):
            rec.positions.append(
                PositionFact(OrgRef(cell("company")[:255]), cell("position")[:200])
            )
        elif cell("position"):
            rec.headline = cell("position")[:200]
        if self.member_id is not None:
            rec.ties.append(TieFact(self.member_id, "linkedin", TIE_STRENGTH, since, "LinkedIn"))
        if not rec.key:
            rec.key = fold(rec.label) + "|" + "|".join(rec.emails)
        return rec if len(report.errors) == errors else None
