"""Import of dues payments from a CSV file (the association's spreadsheet exports).

:func:`plan_dues_import` reads the file and checks every row against the database without
writing anything: it returns a :class:`DuesImportPlan` listing the payments to create, those
already recorded identically ("unchanged"), and every invalid row. Writing is the job of
:func:`filon.association.actions.import_dues_payments`, all or nothing.

The file:

- encoding detected: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (Excel in
  French);
- delimiter detected among ``;``, ``,`` and tab (:class:`csv.Sniffer`, then the header);
- headers in French or English, case- and accent-insensitive: ``email`` / ``courriel`` or a
  person id (``id``, ``identifiant``), ``année`` / ``year``, ``montant`` / ``amount``,
  ``date``, and optionally ``catégorie`` / ``category``;
- amounts as ``120``, ``120,50``, ``1 200,50 €``; dates as ``dd/mm/yyyy`` or ``yyyy-mm-dd``.

Errors carry the line number an editor shows (the header is line 1 when it is the first line).
Reading the file (encoding, delimiter, records with their line) and the error type are the
imports' shared machinery, :mod:`filon.imports.base`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory, DuesPayment
from filon.core.text import fold
from filon.directory.models import ContactKind, ContactPoint, Person
from filon.imports.base import RowError, decode, sniff_delimiter
from filon.imports.base import Unreadable as _Unreadable
from filon.imports.base import csv_records as _records

CHUNK = 1000
PROGRESS_EVERY = 500
MAX_AMOUNT = Decimal("1000000")

#: Accepted headers, folded (see :func:`filon.core.text.fold`), per canonical column.
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
    "amount": ("montant", "amount", "somme", "montant eur", "amount eur"),
    "paid_on": ("date", "date de paiement", "date paiement", "paye le", "payee le", "paid on"),
    "category": ("categorie", "category", "tarif"),
}
_HEADER_INDEX = {alias: column for column, aliases in HEADERS.items() for alias in aliases}

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

_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass(frozen=True)
class PlannedPayment:
    """A valid row: the payment it stands for, resolved to a person of the directory."""

    line: int
    person_id: int
    person_name: str
    year: int
    amount: Decimal
    category: str
    paid_on: date

    @property
    def category_label(self) -> str:
        return str(DuesCategory(self.category).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "person_id": self.person_id,
            "person": self.person_name,
            "year": self.year,
            "amount": str(self.amount),
            "category": self.category,
            "paid_on": self.paid_on.isoformat(),
        }


@dataclass
class DuesImportPlan:
    """What importing a file would do; written only if :attr:`errors` is empty."""

    filename: str
    sha256: str
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header in the file
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    to_create: list[PlannedPayment] = field(default_factory=list)
    unchanged: list[PlannedPayment] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows": self.rows,
            "created": len(self.to_create),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected_lines),
            "errors": [e.as_dict() for e in self.errors],
            "to_create": [p.as_dict() for p in self.to_create],
        }


# -- reading one value ---------------------------------------------------------------------


def parse_amount(raw: str) -> Decimal:
    """An amount in euros, French or English style.

    >>> parse_amount("1 200,50 €")
    Decimal('1200.50')
    >>> parse_amount("120.5")
    Decimal('120.50')
    """
    text = re.sub(r"(?i)eur(os?)?|€|\s", "", raw)
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sep == "," else ",", "")
    text = text.replace(",", ".")
    if text.startswith("-") and _NUMBER.match(text[1:]):
        raise ValueError(_("montant positif ou nul attendu"))
    if not _NUMBER.match(text):
        raise ValueError(_("nombre attendu"))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("nombre attendu")) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("montant avec au plus deux décimales attendu"))
    if amount >= MAX_AMOUNT:
        raise ValueError(_("montant inférieur à 1 000 000 attendu"))
    return amount.quantize(Decimal("0.01"))


def parse_year(raw: str) -> int:
    text = raw.strip()
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        raise ValueError(_("année sur quatre chiffres attendue (ex. 2020)"))
    return int(text)


def parse_date(raw: str) -> date:
    """A date as dd/mm/yyyy or ISO yyyy-mm-dd (a time of day after it is ignored).

    >>> parse_date("05/03/2020"), parse_date("2020-03-05T00:00:00")
    (datetime.date(2020, 3, 5), datetime.date(2020, 3, 5))
    """
    text = _TIME.sub("", raw.strip())
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise ValueError(_("date attendue (jj/mm/aaaa ou aaaa-mm-jj)"))


def parse_category(raw: str) -> str:
    key = fold(raw)
    for code, label in DuesCategory.choices:
        if key in (code, fold(str(label))):
            return str(code)
    if key in _CATEGORY_ALIASES:
        return str(_CATEGORY_ALIASES[key])
    raise ValueError(_("catégorie attendue : plein, réduit, retraité ou à vie"))


# -- the plan --------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    email: str
    person_id: int | None
    year: int
    amount: Decimal
    paid_on: date
    category: str | None  # None: not given in the file
    ok: bool  # False: another value of the row is invalid (the member is still looked up)


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _map_columns(
    header: list[str], filename: str, line: int
) -> tuple[dict[str, int], list[str], list[RowError]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for i, name in enumerate(header):
        canonical = _HEADER_INDEX.get(fold(name))
        if canonical is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if canonical in columns:
            errors.append(
                RowError(
                    filename, line, str(_("en-tête")), name.strip(), str(_("colonne en double"))
                )
            )
            continue
        columns[canonical] = i
    shown = ", ".join(h.strip() for h in header)
    needed = [
        ("year", _("une colonne « année » (ou « year ») attendue")),
        ("amount", _("une colonne « montant » (ou « amount ») attendue")),
        ("paid_on", _("une colonne « date » attendue")),
    ]
    if "email" not in columns and "person" not in columns:
        errors.append(
            RowError(
                filename,
                line,
                str(_("en-tête")),
                shown,
                str(_("une colonne « email » ou « id » (identifiant du membre) attendue")),
            )
        )
    for key, message in needed:
        if key not in columns:
            errors.append(RowError(filename, line, str(_("en-tête")), shown, str(message)))
    return columns, ignored, errors


def plan_dues_import(
    data: bytes,
    filename: str,
    *,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> DuesImportPlan:
    """Read a dues CSV and say what importing it would do; nothing is written.

    ``on_start`` receives the number of lines, ``progress`` the lines read since its last call.
    """
    plan = DuesImportPlan(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    text, plan.encoding = decode(data)
    plan.delimiter = sniff_delimiter(text)
    tick = progress or (lambda _n: None)
    if on_start:
        on_start(max(1, text.count("\n") + (0 if text.endswith("\n") else 1)))

    try:
        if "\x00" in text:  # a binary file (an .xlsx spreadsheet), not text
            raise _Unreadable(text[: text.index("\x00")].count("\n") + 1, "NUL")
        _read(text, plan, tick)
    except _Unreadable as exc:
        plan.to_create, plan.unchanged = [], []
        plan.errors.append(
            RowError(
                filename,
                exc.line,
                str(_("fichier")),
                str(exc),
                str(_("un fichier texte CSV attendu (enregistrez-le « CSV » depuis le tableur)")),
            )
        )
    return plan


def _read(text: str, plan: DuesImportPlan, tick: Callable[[int], None]) -> None:
    filename = plan.filename
    records = _records(text, plan.delimiter)
    header: list[str] | None = None
    header_line = 1
    for line, cells in records:
        if any(c.strip() for c in cells):
            header, header_line = cells, line
            break
    if header is None:
        plan.errors.append(
            RowError(
                filename, 1, str(_("fichier")), "", str(_("un en-tête et des lignes attendus"))
            )
        )
        return
    columns, plan.ignored_columns, plan.errors = _map_columns(header, filename, header_line)
    plan.columns = {key: header[i].strip() for key, i in columns.items()}
    if plan.errors:
        return

    rows: list[_Row] = []
    done = header_line
    for line, cells in records:
        if line - done >= PROGRESS_EVERY:
            tick(line - done)
            done = line
        if not any(c.strip() for c in cells):
            continue
        plan.rows += 1
        row = _parse_row(cells, line, columns, plan)
        if row is not None:
            rows.append(row)
    _resolve(rows, columns, plan)
    tick(max(0, text.count("\n") - done + 1))
    position = {header[i].strip(): i for i in columns.values()}
    plan.errors.sort(key=lambda e: (e.line, position.get(e.field, len(header))))


def _parse_row(
    cells: list[str], line: int, columns: dict[str, int], plan: DuesImportPlan
) -> _Row | None:
    """The row's values, or None when it does not even say who paid (errors are recorded)."""

    def cell(key: str) -> str:
        i = columns.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def fail(key: str, expected: Any) -> None:
        plan.errors.append(
            RowError(plan.filename, line, plan.columns[key], cell(key), str(expected))
        )

    errors_before = len(plan.errors)
    email = cell("email").lower()
    person_id: int | None = None
    if cell("person"):
        if re.fullmatch(r"\d{1,18}", cell("person")):
            person_id = int(cell("person"))
        else:
            fail("person", _("identifiant numérique de membre attendu"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", _("adresse e-mail attendue"))
            email = ""
    if not cell("email") and not cell("person"):
        key = "email" if "email" in columns else "person"
        fail(key, _("adresse e-mail ou identifiant du membre attendu"))

    parsed: dict[str, Any] = {}
    for key, parse in (("year", parse_year), ("amount", parse_amount), ("paid_on", parse_date)):
        if not cell(key):
            fail(key, _("valeur obligatoire"))
            continue
        try:
            parsed[key] = parse(cell(key))
        except ValueError as exc:
            fail(key, exc.args[0])
    category: str | None = None
    if cell("category"):
        try:
            category = parse_category(cell("category"))
        except ValueError as exc:
            fail("category", exc.args[0])
    if not email and person_id is None:
        return None
    return _Row(
        line,
        email,
        person_id,
        parsed.get("year", 0),
        parsed.get("amount", Decimal(0)),
        parsed.get("paid_on", date.min),
        category,
        ok=len(plan.errors) == errors_before,
    )


def _resolve(rows: list[_Row], columns: dict[str, int], plan: DuesImportPlan) -> None:
    """Match each row to a person, then compare with the payments already recorded."""
    names: dict[int, str] = {}
    by_email: dict[str, set[int]] = {}
    emails = sorted({r.email for r in rows if r.email})
    for chunk in _chunks(emails):
        found = (
            ContactPoint.objects.filter(kind=ContactKind.EMAIL)
            .annotate(folded=Lower("value"))
            .filter(folded__in=chunk)
            .values_list("folded", "person_id", "person__first_name", "person__last_name")
        )
        for value, pid, first, last in found:
            by_email.setdefault(value, set()).add(pid)
            names[pid] = f"{first} {last}".strip()
    ids = sorted({r.person_id for r in rows if r.person_id is not None})
    for chunk in _chunks(ids):
        for pid, first, last in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "first_name", "last_name"
        ):
            names[pid] = f"{first} {last}".strip()

    def fail(row: _Row, key: str, value: str, expected: Any) -> None:
        plan.errors.append(
            RowError(plan.filename, row.line, plan.columns[key], value, str(expected))
        )

    resolved: list[tuple[_Row, int]] = []
    for row in rows:
        candidates = by_email.get(row.email, set()) if row.email else set()
        if row.person_id is not None:
            if row.person_id not in names:
                fail(
                    row,
                    "person",
                    str(row.person_id),
                    _("identifiant d'un membre de l'annuaire attendu"),
                )
                continue
            if row.email and candidates and row.person_id not in candidates:
                fail(
                    row,
                    "email",
                    row.email,
                    _("adresse du membre n° %(id)s attendue") % {"id": row.person_id},
                )
                continue
            if row.ok:
                resolved.append((row, row.person_id))
        elif not candidates:
            fail(row, "email", row.email, _("adresse e-mail d'un membre de l'annuaire attendue"))
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
    for chunk in _chunks(sorted({pid for _r, pid in resolved})):
        for payment in DuesPayment.objects.filter(person_id__in=chunk, year__in=years):
            existing[(payment.person_id, payment.year)] = payment

    seen: dict[tuple[int, int], int] = {}
    for row, pid in resolved:
        key = (pid, row.year)
        year_key = "year"
        if key in seen:
            fail(
                row,
                year_key,
                str(row.year),
                _("une seule cotisation par membre et par année (déjà ligne %(line)s)")
                % {"line": seen[key]},
            )
            continue
        seen[key] = row.line
        planned = PlannedPayment(
            row.line,
            pid,
            names[pid],
            row.year,
            row.amount,
            row.category or DuesCategory.FULL,
            row.paid_on,
        )
        current = existing.get(key)
        if current is None:
            plan.to_create.append(planned)
        elif (
            current.amount == row.amount
            and current.paid_on == row.paid_on
            and (row.category is None or current.category == row.category)
        ):
            plan.unchanged.append(planned)
        else:
            fail(
                row,
                year_key,
                str(row.year),
                _(
                    "une cotisation %(year)s différente est déjà enregistrée pour %(name)s "
                    "(%(amount)s € le %(date)s, %(category)s) : corrigez-la dans "
                    "l'administration ou retirez la ligne"
                )
                % {
                    "year": row.year,
                    "name": names[pid],
                    "amount": f"{current.amount:.2f}".replace(".", ","),
                    "date": current.paid_on.strftime("%d/%m/%Y"),
                    "category": current.get_category_display(),
                },
            )
