"""Dues: the rule every import reads a dues cell by, and the dues payments file.

**A dues cell** (a « Cotisation 2020 » column of the annuaire, the « montant » of a payments
file) is read by :func:`parse_dues_cell`, one documented table:

========================================  ======================================================
the cell                                  means
========================================  ======================================================
empty, ``non``, ``n``, ``0``, ``-``, ✗     no payment
``oui``, ``x``, ``✓``, ``à jour``, ``payé``  a payment of unknown amount
a year (``2020``)                          a payment of unknown amount
a date (``15/01/2020``)                    a payment of unknown amount, made that day
an amount (``120``, ``120,50 €``)          a payment of that amount
any of them + ``(réduit)``                 the same, in that category (plein, réduit, retraité,
                                           à vie)
========================================  ======================================================

**A payments file** (:class:`DuesImporter`, ``filon import dues``): one payment per row,
headers in French or English, case- and accent-insensitive: ``email`` / ``courriel`` or a
person id (``id``, ``identifiant``), ``année`` / ``year``, ``montant`` / ``amount`` (any dues
cell above), optionally ``date`` and ``catégorie`` / ``category``. The member must be in the
directory (an import of dues creates nobody); a payment already recorded identically is
unchanged, a different one is refused (correct it in the administration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory, DuesPayment
from filon.core import parsing
from filon.core.text import fold
from filon.directory.models import ContactKind, ContactPoint, Person
from filon.imports.base import (
    UNREADABLE_EXPECTED,
    DuesFact,
    Importer,
    ImportReport,
    PersonRecord,
    Unreadable,
    clean_email,
    csv_records,
    decode,
    sniff_delimiter,
)

CHUNK = 1000
MAX_AMOUNT = Decimal("1000000")

AMOUNT_EXPECTED = _("montant attendu (ex. 120, 120,50, 1 200,50 €)")
DATE_EXPECTED = _("date attendue (ex. 15/01/2020, 2020-01-15 ou 15 janvier 2020)")
YEAR_EXPECTED = _("année sur quatre chiffres attendue (ex. 2020)")
DUES_EXPECTED = _(
    "cotisation attendue : oui, non, x, ✓, « à jour », une année, une date ou un montant "
    "(ex. 120,00 ou 30,00 (réduit))"
)
CATEGORY_EXPECTED = _("catégorie attendue : plein, réduit, retraité ou à vie")

_CATEGORY_ALIASES: dict[str, str] = {
    "plein": DuesCategory.FULL,
    "normal": DuesCategory.FULL,
    "tarif normal": DuesCategory.FULL,
    "reduit": DuesCategory.REDUCED,
    "jeune diplome": DuesCategory.REDUCED,
    "doctorant": DuesCategory.REDUCED,
    "retraite": DuesCategory.RETIRED,
    "a vie": DuesCategory.LIFE,
    "vie": DuesCategory.LIFE,
    "membre a vie": DuesCategory.LIFE,
}
#: Words (folded) that say « paid » without an amount, beside parse_bool's yes.
PAID_WORDS = frozenset({"a jour", "paye", "payee", "regle", "reglee", "ok", "cotisant", "paid"})


def read_amount(raw: str) -> Decimal:
    """A dues amount (:func:`filon.core.parsing.parse_amount`), positive, below 1,000,000."""
    try:
        amount = parsing.parse_amount(raw)
    except parsing.ParseError:
        raise ValueError(str(AMOUNT_EXPECTED)) from None
    if amount is None:
        raise ValueError(str(_("valeur obligatoire")))
    if amount < 0:
        raise ValueError(str(_("montant positif ou nul attendu")))
    if amount >= MAX_AMOUNT:
        raise ValueError(str(_("montant inférieur à 1 000 000 attendu")))
    return amount


def read_date(raw: str) -> date:
    """A date (:func:`filon.core.parsing.parse_date`) with a French error."""
    try:
        return parsing.parse_date(raw)
    except parsing.ParseError:
        raise ValueError(str(DATE_EXPECTED)) from None


def read_year(raw: str) -> int:
    text = raw.strip()
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        raise ValueError(str(YEAR_EXPECTED))
    return int(text)


@lru_cache(maxsize=256)
def parse_category(raw: str) -> str:
    """A dues category from its label or a usual word.

    >>> parse_category("Réduit"), parse_category("à vie"), parse_category("plein")
    ('reduced', 'life', 'full')
    """
    key = fold(raw)
    for code, label in DuesCategory.choices:
        if key in (code, fold(str(label))):
            return str(code)
    if key in _CATEGORY_ALIASES:
        return str(_CATEGORY_ALIASES[key])
    raise ValueError(str(CATEGORY_EXPECTED))


@dataclass(frozen=True)
class DuesCell:
    """What a dues cell says: paid, how much (None: unknown), when (None: not said), category."""

    amount: Decimal | None
    paid_on: date | None
    category: str


_BRACKETS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


@lru_cache(maxsize=4096)
def parse_dues_cell(raw: str) -> DuesCell | None:
    """A dues cell by the documented table (see the module); None for « no payment ».

    >>> parse_dues_cell("non"), parse_dues_cell("")
    (None, None)
    >>> parse_dues_cell("✓")
    DuesCell(amount=None, paid_on=None, category='full')
    >>> parse_dues_cell("30,00 (réduit)")
    DuesCell(amount=Decimal('30.00'), paid_on=None, category='reduced')
    >>> parse_dues_cell("15/01/2020").paid_on
    datetime.date(2020, 1, 15)
    """
    text = raw.strip()
    category = str(DuesCategory.FULL.value)
    if m := _BRACKETS.match(text):
        text = m[1].strip()
        category = parse_category(m[2])
    key = fold(text)
    if key in PAID_WORDS:
        return DuesCell(None, None, category)
    try:
        paid = parsing.parse_bool(text)
    except parsing.ParseError:
        pass
    else:
        return DuesCell(None, None, category) if paid else None
    if re.fullmatch(r"(19|20)\d\d", text):
        return DuesCell(None, None, category)
    try:
        return DuesCell(None, parsing.parse_date(text), category)
    except parsing.ParseError:
        pass
    try:
        return DuesCell(read_amount(text), None, category)
    except ValueError:
        raise ValueError(str(DUES_EXPECTED)) from None


# -- the payments file -------------------------------------------------------------------------

#: Accepted headers, folded (see :func:`filon.core.text.fold`), per column.
HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e mail", "courriel", "mail", "adresse e mail", "adresse email"),
    "person": (
        "id",
        "person id",
        "person",
        "personne",
        "id personne",
        "identifiant",
        "identifiant membre",
        "member id",
        "numero de membre",
        "n membre",
    ),
    "year": ("annee", "year", "exercice", "annee de cotisation"),
    "amount": ("montant", "amount", "somme", "montant eur", "amount eur", "cotisation", "paye"),
    "paid_on": ("date", "date de paiement", "date paiement", "paye le", "payee le", "paid on"),
    "category": ("categorie", "category", "tarif"),
}
_HEADER_INDEX = {alias: column for column, aliases in HEADERS.items() for alias in aliases}


@dataclass
class _Row:
    line: int
    email: str
    person_id: int | None
    year: int
    cell: DuesCell | None
    paid_on: date | None
    category: str | None
    ok: bool


class DuesImporter(Importer):
    """A dues payments file: payments of members already in the directory."""

    kind = "dues"
    formats = ("csv",)

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        text, report.encoding = decode(data)
        report.delimiter = sniff_delimiter(text)
        try:
            return self._read(text, report)
        except Unreadable as exc:
            report.error(exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
            return []

    def _read(self, text: str, report: ImportReport) -> list[PersonRecord]:
        records = csv_records(text, report.delimiter)
        header: list[str] | None = None
        header_line = 1
        for line, cells in records:
            if any(c.strip() for c in cells):
                header, header_line = cells, line
                break
        if header is None:
            report.error(1, _("fichier"), "", _("un en-tête et des lignes attendus"))
            return []
        columns = self._columns(header, header_line, report)
        if report.errors:
            return []
        rows = []
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            row = self._row(line, cells, columns, report)
            if row is not None:
                rows.append(row)
        return self._resolve(rows, report)

    def _columns(self, header: list[str], line: int, report: ImportReport) -> dict[str, int]:
        columns: dict[str, int] = {}
        for i, name in enumerate(header):
            key = _HEADER_INDEX.get(fold(name))
            if key is None:
                if name.strip():
                    report.ignored_columns.append(name.strip())
                continue
            if key in columns:
                report.error(line, _("en-tête"), name.strip(), _("colonne en double"))
                continue
            columns[key] = i
            report.columns[key] = name.strip()
        shown = ", ".join(h.strip() for h in header)
        if "email" not in columns and "person" not in columns:
            report.error(
                line,
                _("en-tête"),
                shown,
                _("une colonne « email » ou « id » (identifiant du membre) attendue"),
            )
        if "year" not in columns:
            report.error(
                line, _("en-tête"), shown, _("une colonne « année » (ou « year ») attendue")
            )
        if "amount" not in columns:
            report.error(
                line, _("en-tête"), shown, _("une colonne « montant » (ou « amount ») attendue")
            )
        return columns

    def _row(
        self, line: int, cells: list[str], columns: dict[str, int], report: ImportReport
    ) -> _Row | None:
        def cell(key: str) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def fail(key: str, expected: Any, value: str | None = None) -> None:
            report.error(line, report.columns[key], cell(key) if value is None else value, expected)

        before = len(report.errors)
        email = ""
        person_id: int | None = None
        if cell("person"):
            if re.fullmatch(r"\d{1,18}", cell("person")):
                person_id = int(cell("person"))
            else:
                fail("person", _("identifiant numérique de membre attendu"))
        if cell("email"):
            try:
                email = clean_email(cell("email"))
            except ValueError as exc:
                fail("email", exc)
        if not cell("email") and not cell("person"):
            fail(
                "email" if "email" in columns else "person",
                _("adresse e-mail ou identifiant du membre attendu"),
            )
        year = 0
        try:
            year = read_year(cell("year"))
        except ValueError as exc:
            fail("year", exc)
        dues: DuesCell | None = None
        try:
            dues = parse_dues_cell(cell("amount"))
        except ValueError as exc:
            fail("amount", exc)
        paid_on = None
        if cell("paid_on"):
            try:
                paid_on = read_date(cell("paid_on"))
            except ValueError as exc:
                fail("paid_on", exc)
        category = None
        if cell("category"):
            try:
                category = parse_category(cell("category"))
            except ValueError as exc:
                fail("category", exc)
        if dues is None and len(report.errors) == before:
            report.warn(
                line,
                report.columns["amount"],
                cell("amount"),
                _("aucune cotisation dans cette ligne : ligne ignorée"),
            )
            return None
        if not email and person_id is None:
            return None
        return _Row(
            line, email, person_id, year, dues, paid_on, category, len(report.errors) == before
        )

    def _resolve(self, rows: list[_Row], report: ImportReport) -> list[PersonRecord]:
        """Match each row to a person, then compare with the payments already recorded."""
        names: dict[int, tuple[str, str]] = {}
        by_email: dict[str, set[int]] = {}
        emails = sorted({r.email for r in rows if r.email})
        for i in range(0, len(emails), CHUNK):
            found = (
                ContactPoint.objects.filter(kind=ContactKind.EMAIL)
                .annotate(folded=Lower("value"))
                .filter(folded__in=emails[i : i + CHUNK])
                .values_list("folded", "person_id", "person__first_name", "person__last_name")
            )
            for value, pid, first, last in found:
                by_email.setdefault(value, set()).add(pid)
                names[pid] = (first, last)
        ids = sorted({r.person_id for r in rows if r.person_id is not None})
        for i in range(0, len(ids), CHUNK):
            for pid, first, last in Person.objects.filter(pk__in=ids[i : i + CHUNK]).values_list(
                "pk", "first_name", "last_name"
            ):
                names[pid] = (first, last)

        def fail(row: _Row, key: str, value: Any, expected: Any) -> None:
            report.error(row.line, report.columns[key], value, expected)

        resolved: list[tuple[_Row, int]] = []
        for row in rows:
            candidates = by_email.get(row.email, set()) if row.email else set()
            if row.person_id is not None:
                if row.person_id not in names:
                    fail(
                        row,
                        "person",
                        row.person_id,
                        _("identifiant d'un membre de l'annuaire attendu"),
                    )
                elif row.email and candidates and row.person_id not in candidates:
                    fail(
                        row,
                        "email",
                        row.email,
                        _("adresse du membre n° %(id)s attendue") % {"id": row.person_id},
                    )
                elif row.ok:
                    resolved.append((row, row.person_id))
            elif not candidates:
                fail(
                    row, "email", row.email, _("adresse e-mail d'un membre de l'annuaire attendue")
                )
            elif len(candidates) > 1:
                fail(
                    row,
                    "email",
                    row.email,
                    _(
                        "adresse d'un seul membre attendue "
                        "(plusieurs fiches la portent : indiquez l'identifiant)"
                    ),
                )
            elif row.ok:
                resolved.append((row, next(iter(candidates))))

        existing: dict[tuple[int, int], DuesPayment] = {}
        years = sorted({r.year for r, _pid in resolved})
        pids = sorted({pid for _r, pid in resolved})
        for i in range(0, len(pids), CHUNK):
            for payment in DuesPayment.objects.filter(
                person_id__in=pids[i : i + CHUNK], year__in=years
            ):
                existing[(payment.person_id, payment.year)] = payment

        out: list[PersonRecord] = []
        seen: dict[tuple[int, int], int] = {}
        for row, pid in resolved:
            assert row.cell is not None
            key = (pid, row.year)
            if key in seen:
                fail(
                    row,
                    "year",
                    row.year,
                    _("une seule cotisation par membre et par année (déjà ligne %(line)s)")
                    % {"line": seen[key]},
                )
                continue
            seen[key] = row.line
            amount = row.cell.amount
            paid_on = row.paid_on or row.cell.paid_on
            category = row.category or row.cell.category
            current = existing.get(key)
            if current is not None and not (
                (amount is None or current.amount == amount)
                and (paid_on is None or current.paid_on == paid_on)
                and (row.category is None or current.category == category)
            ):
                shown = "?" if current.amount is None else f"{current.amount:.2f}".replace(".", ",")
                fail(
                    row,
                    "year",
                    row.year,
                    _(
                        "une cotisation %(year)s différente est déjà enregistrée pour %(name)s "
                        "(%(amount)s € le %(date)s, %(category)s) : corrigez-la dans "
                        "l'administration ou retirez la ligne"
                    )
                    % {
                        "year": row.year,
                        "name": " ".join(names[pid]),
                        "amount": shown,
                        "date": current.paid_on.strftime("%d/%m/%Y"),
                        "category": current.get_category_display(),
                    },
                )
                continue
            first, last = names[pid]
            out.append(
                PersonRecord(
                    row.line,
                    first,
                    last,
                    existing_person_id=pid,
                    dues=[DuesFact(row.year, amount, category, paid_on or date(row.year, 1, 1))],
                )
            )
        return out
