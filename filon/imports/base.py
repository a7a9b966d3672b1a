"""The shared machinery of every import: reading a file, the records, the report.

- :func:`decode` and :func:`sniff_delimiter` read what spreadsheets save: UTF-8 with or without
  a BOM, else Windows-1252 (Excel in French), else Latin-1; ``;``, ``,`` or tab.
- :func:`csv_records` yields each record with the line an editor shows for it.
- An importer (one module per source) turns a file into :class:`PersonRecord` objects and
  reports every invalid value as a :class:`RowError` (file, line, field, value, expected).
- :class:`ImportReport` says what an import did or would do: created, updated, merged,
  unchanged and rejected rows, and the matches sent to the staff's review.

The atomic run itself is :func:`filon.imports.actions.import_file`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from filon.core import parsing
from filon.core.phones import InvalidPhone, UnassignedPhone, read_phone
from filon.core.text import fold

DELIMITERS = ";,\t"

# -- reading a file --------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding it was read with.

    >>> decode("année".encode("utf-8-sig"))
    ('année', 'utf-8-sig')
    >>> decode("année".encode("cp1252"))
    ('année', 'cp1252')
    >>> decode(b"\\x81")
    ('\\x81', 'latin-1')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "texte Unicode"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # The five bytes cp1252 leaves undefined: latin-1 reads every byte.
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: csv.Sniffer's guess if the header holds it, else the header's most
    frequent one.

    >>> sniff_delimiter("email;année;montant\\na@b.fr;2020;120,00\\n")
    ';'
    >>> sniff_delimiter("email,year,amount\\na@b.fr,2020,120.00\\n")
    ','
    >>> sniff_delimiter("nom\\tprénom\\nDupont\\tJean\\n")
    '\\t'
    """
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()]
    header = lines[0] if lines else ""
    try:
        guess = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ""
    if guess and guess in header:
        return guess
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


class Unreadable(ValueError):
    """The file is no CSV text (a spreadsheet's binary, a NUL byte, a huge field) at ``line``."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


UNREADABLE_EXPECTED = _("un fichier texte CSV attendu (enregistrez-le « CSV » depuis le tableur)")


def csv_records(
    text: str, delimiter: str, *, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record of ``text``.

    ``first_line`` is the line number of the first line of ``text`` in its file. A quoted
    cell may span several lines: the record keeps the line where it starts. Raises
    :class:`Unreadable` on what the csv module cannot read.

    >>> list(csv_records('a;b\\n"x\\ny";z\\nu;v\\n', ";"))
    [(1, ['a', 'b']), (2, ['x\\ny', 'z']), (4, ['u', 'v'])]
    """
    if "\x00" in text:  # a binary file (an .xlsx spreadsheet), not text
        raise Unreadable(text[: text.index("\x00")].count("\n") + first_line, "NUL")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Unreadable(first_line + last, str(exc)) from None
        yield first_line + last, cells
        last = reader.line_num


#: What a file starts with, for the formats no importer reads (the first bytes are enough).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"%PDF-", "un document PDF"),
    (b"PK\x03\x04", "une archive ZIP (classeur .xlsx/.ods ou document .docx ?)"),
    (b"\xd0\xcf\x11\xe0", "un classeur Excel .xls (format binaire)"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"7z\xbc\xaf", "une archive 7z"),
)
#: The formats an importer may expect, as the refusal names them.
FORMAT_NAMES = {
    "csv": "CSV",
    "vcard": "vCard (.vcf)",
    "json": "JSON",
    "xml": "XML",
}


def sniff_format(data: bytes) -> tuple[str, str]:
    """(kind, description) of a file from its first bytes: kind is ``binary``, ``json``,
    ``xml``, ``vcard``, ``csv`` (any other text) or ``empty``.

    >>> sniff_format(b"\\x89PNG\\r\\n\\x1a\\n...")[1], sniff_format(b'  {"a": 1}')[0]
    ('une image PNG', 'json')
    >>> sniff_format(b"BEGIN:VCARD\\r\\n")[0], sniff_format("nom;prénom".encode())[0]
    ('vcard', 'csv')
    """
    for magic, what in MAGIC:
        if data.startswith(magic):
            return "binary", what
    head = data[:65536]
    text, _encoding = decode(head)
    if "\x00" in text:
        return "binary", "un fichier binaire"
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\x0c")
    if controls > max(2, len(text) // 100):
        return "binary", "un fichier binaire"
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return "empty", "un fichier vide"
    if stripped[0] in "{[":
        return "json", "du JSON"
    if stripped[0] == "<":
        return "xml", "du XML (ou du HTML)"
    if stripped[:11].upper() == "BEGIN:VCARD":
        return "vcard", "une vCard"
    return "csv", "du texte"


def format_refusal(data: bytes, accepted: tuple[str, ...]) -> str | None:
    """Why a file is not of a format in ``accepted`` (one line, French), or None if it is."""
    kind, what = sniff_format(data)
    if kind in accepted or (kind == "empty" and accepted):
        return None
    names = " ou ".join(FORMAT_NAMES.get(a, a) for a in accepted)
    return str(_("un fichier %(f)s attendu : ce fichier est %(w)s")) % {"f": names, "w": what}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- errors and the report -------------------------------------------------------------------

#: What a report keeps of its errors and of its warnings, and of a refused value: enough to
#: fix a file, never megabytes of a garbage upload (the rest is counted, not kept).
MAX_REPORTED = 200
MAX_VALUE = 200


@dataclass(frozen=True)
class RowError:
    """One invalid value: where it is, what it is, what was expected."""

    filename: str
    line: int
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.field} « {self.value} » : {self.expected}"

    def as_dict(self) -> dict[str, Any]:
        value = self.value if len(self.value) <= MAX_VALUE else self.value[:MAX_VALUE] + "…"
        return {
            "line": self.line,
            "field": self.field,
            "value": value,
            "expected": str(self.expected),
            "message": str(RowError(self.filename, self.line, self.field, value, self.expected)),
        }


class Status:
    CREATED = "created"
    UPDATED = "updated"
    MERGED = "merged"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"

    LABELS = {
        CREATED: _("créée"),
        UPDATED: _("mise à jour"),
        MERGED: _("fusionnée"),
        UNCHANGED: _("inchangée"),
        REJECTED: _("refusée"),
    }


@dataclass
class ReportItem:
    """What happened (or would happen) to one record."""

    line: int
    status: str
    label: str
    person_id: int | None = None
    changes: list[str] = field(default_factory=list)
    note: str = ""
    review: bool = False  # an uncertain match was sent to the staff's review
    #: What changes on an existing record, field by field: (field, old value, new value);
    #: old is "" for a fact added.
    diffs: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS.get(self.status, self.status))

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "status": self.status,
            "label": self.label,
            "person_id": self.person_id,
            "changes": self.changes,
            "note": self.note,
            "review": self.review,
            "diffs": [{"field": f, "old": o, "new": n} for f, o, n in self.diffs],
        }


@dataclass
class ImportReport:
    """What an import did, or would do: written only when :attr:`errors` is empty."""

    kind: str
    filename: str
    sha256: str = ""
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field → header in the file
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    items: list[ReportItem] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    run_id: int | None = None
    seconds: float = 0.0
    #: People an earlier import of the same source brought, absent from this file: listed,
    #: never deleted ({"person_id", "label"}).
    absent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, fieldname: Any, value: Any, expected: Any) -> None:
        self.errors.append(RowError(self.filename, line, str(fieldname), str(value), str(expected)))

    def warn(self, line: int, fieldname: Any, value: Any, expected: Any) -> None:
        self.warnings.append(
            RowError(self.filename, line, str(fieldname), str(value), str(expected))
        )

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def count(self, status: str) -> int:
        if status == Status.REJECTED:
            return len(self.rejected_lines)
        return sum(1 for item in self.items if item.status == status)

    @property
    def counts(self) -> dict[str, int]:
        out = {
            s: self.count(s)
            for s in (
                Status.CREATED,
                Status.UPDATED,
                Status.MERGED,
                Status.UNCHANGED,
                Status.REJECTED,
            )
        }
        out["review"] = sum(1 for item in self.items if item.review)
        return out

    @property
    def changed(self) -> list[ReportItem]:
        return [i for i in self.items if i.status != Status.UNCHANGED]

    def sort_errors(self) -> None:
        self.errors.sort(key=lambda e: e.line)
        self.warnings.sort(key=lambda e: e.line)

    def as_dict(self, *, items: bool = True) -> dict[str, Any]:
        """The report as JSON values: the first MAX_REPORTED errors, warnings and refused
        lines, and how many more there are (``errors_more``, ``warnings_more``)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "file": self.filename,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "written": self.written,
            "run_id": self.run_id,
            "seconds": round(self.seconds, 3),
            **self.counts,
            "rejected_lines": self.rejected_lines[:MAX_REPORTED],
            "errors": [e.as_dict() for e in self.errors[:MAX_REPORTED]],
            "errors_more": max(0, len(self.errors) - MAX_REPORTED),
            "warnings": [w.as_dict() for w in self.warnings[:MAX_REPORTED]],
            "warnings_more": max(0, len(self.warnings) - MAX_REPORTED),
            "ignored_columns": self.ignored_columns,
            "absent": self.absent[:MAX_REPORTED],
            "absent_count": len(self.absent),
        }
        if items:
            out["items"] = [i.as_dict() for i in self.items]
        return out


# -- records: what an importer reads, whatever the source ------------------------------------


@dataclass(frozen=True)
class OrgRef:
    """An organisation named by a source: matched by identifier, then by normalised name."""

    name: str
    kind: str = "company"
    identifiers: tuple[tuple[str, str], ...] = ()  # (orgs.IdScheme, value)
    city: str = ""
    country: str = ""


@dataclass
class PositionFact:
    org: OrgRef
    title: str
    kind: str = "employment"
    start: date | None = None
    end: date | None = None
    current: bool = True  # the source says this is the person's job now


@dataclass
class AdvisorFact:
    name: str
    idref: str = ""


@dataclass
class ThesisFact:
    title: str
    defence_year: int
    nnt: str = ""
    discipline: str = ""
    lab: OrgRef | None = None
    institution: OrgRef | None = None
    doctoral_school: str = ""
    abstract: str = ""
    advisors: list[AdvisorFact] = field(default_factory=list)
    defended_on: date | None = None


@dataclass
class DuesFact:
    year: int
    amount: Decimal | None  # None: paid, amount unknown (« oui », « x », « ✓ »)
    category: str
    paid_on: date


@dataclass
class FundingFact:
    funder: OrgRef
    title: str
    kind: str
    grant_number: str = ""
    amount: Decimal | None = None
    currency: str = ""
    start: date | None = None
    end: date | None = None


@dataclass
class TieFact:
    """A tie from ``source_person_id`` (an existing person) to the record's person."""

    source_person_id: int
    kind: str
    strength: float = 0.5
    since: date | None = None
    origin: str = ""


@dataclass
class PersonRecord:
    """One person as a source describes them, with the facts to attach to them."""

    line: int
    first_name: str
    last_name: str
    key: str = ""  # identifies the record in its source (see Provenance.record_key)
    gender: str = ""
    city: str = ""
    country: str = ""
    headline: str = ""
    opt_out: bool | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (E.164, label)
    affiliations: list[tuple[str, str, int]] = field(default_factory=list)  # (school, track, year)
    positions: list[PositionFact] = field(default_factory=list)
    theses: list[ThesisFact] = field(default_factory=list)
    dues: list[DuesFact] = field(default_factory=list)
    fundings: list[FundingFact] = field(default_factory=list)
    ties: list[TieFact] = field(default_factory=list)
    external_ids: list[tuple[str, str]] = field(default_factory=list)  # (imports.IdScheme, value)
    existing_person_id: int | None = None  # the source names the person (ORCID activities)

    @property
    def label(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Importer:
    """One source. Subclasses read the file; the loader writes what they read."""

    kind = ""
    #: The formats the file may be in (:func:`sniff_format`): anything else is refused in one
    #: line before any parsing.
    formats: tuple[str, ...] = ("csv",)
    #: The audit-log action of a written run.
    audit_action = "import.run"
    #: The file's values replace those of the directory (the association's own export);
    #: other sources only fill what the directory leaves empty.
    authoritative = False
    #: Invalid phone numbers: errors (the row is refused) or warnings (the number is skipped).
    strict_phones = True

    def __init__(self, **options: Any) -> None:
        self.options = options

    def parse(self, data: bytes, report: ImportReport) -> list[Any]:
        raise NotImplementedError

    def new_report(self, **fields: Any) -> ImportReport:
        return ImportReport(**fields)

    def make_loader(self, report: ImportReport) -> Any:
        """What matches and writes the records: ``apply(record)``, ``finish()``, ``flush(run)``."""
        from filon.imports.loader import Loader

        return Loader(self, report)

    def run_options(self) -> dict[str, Any]:
        """The options kept with a run (JSON values)."""
        return {k: v for k, v in self.options.items() if isinstance(v, str | int)}

    def audit_details(self, report: ImportReport) -> dict[str, Any]:
        return {}


# -- reading one value -----------------------------------------------------------------------

_SPLIT = re.compile(r"\s*[,;/\n]\s*")

PHONE_EXPECTED = _("numéro de téléphone valide (ex. 06 12 34 56 78 ou +33 6 12 34 56 78)")
EMAIL_EXPECTED = _("adresse e-mail valide (ex. prenom.nom@example.org)")


@lru_cache(maxsize=65536)
def clean_email(raw: str) -> str:
    """The address lower-cased, or ValueError.

    >>> clean_email(" Jean.Dupont@Example.ORG ")
    'jean.dupont@example.org'
    """
    value = raw.strip().strip("<>").lower()
    if value.startswith("mailto:"):
        value = value[7:]
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(EMAIL_EXPECTED) from None
    return value


#: Regions whose national numbers are written with a leading 0.
TRUNK_ZERO = {"FR", "BE", "CH", "DE", "GB", "NL", "ES", "PT", "AT", "LU", "IE", "MA", "TN", "DZ"}


UNASSIGNED_PHONE = _(
    "numéro possible mais non attribué (plage non ouverte) : numéro ignoré, la ligne est gardée"
)


class PhoneUnassigned(ValueError):
    """A possible number in a range not assigned: the row is kept, the number dropped."""


@lru_cache(maxsize=65536)
def phone_e164(raw: str, *, regions: tuple[str, ...] = ("FR",)) -> str:
    """A phone number in E.164, read in the first region where it is a valid number
    (:func:`filon.core.phones.read_phone`, the one phone rule).

    Raises :class:`PhoneUnassigned` for a possible number whose range is not assigned
    (``07 12 70 91 08``), ValueError for what is no phone number.

    >>> phone_e164("06 12 34 56 78"), phone_e164("0033612345678")
    ('+33612345678', '+33612345678')
    >>> phone_e164("tel:+1-418-656-9254;ext=102")
    '+14186569254'
    >>> phone_e164("07 12 70 91 08")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    filon.imports.base.PhoneUnassigned: numéro possible mais non attribué ...
    >>> phone_e164("123456789")
    Traceback (most recent call last):
    ...
    ValueError: numéro de téléphone valide (ex. 06 12 34 56 78 ou +33 6 12 34 56 78)
    """
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = re.split(r";ext=|;|\s+(?:ext|poste|x)\.?\s*\d+$", text, maxsplit=1)[0].strip()
    international = text.startswith(("+", "00"))
    unassigned = False
    for region in regions:
        if region in TRUNK_ZERO and not international and not text.lstrip("( ").startswith("0"):
            continue  # "123456789" is no French number: those are written 01 23 45 67 89
        try:
            return read_phone(text, region=region)
        except UnassignedPhone:
            unassigned = True
        except InvalidPhone:
            continue
    if unassigned:
        raise PhoneUnassigned(str(UNASSIGNED_PHONE))
    raise ValueError(str(PHONE_EXPECTED))


def add_phones(
    report: ImportReport,
    rec: PersonRecord,
    fieldname: str,
    cell: str,
    label: str,
    *,
    strict: bool,
    regions: tuple[str, ...] = ("FR",),
    split: bool = True,
) -> bool:
    """Read the phone numbers of one cell into ``rec.phones`` by the one rule of every importer.

    A valid number is kept; a possible but unassigned one is dropped with a warning (the row
    is kept); what is no phone number is an error when ``strict`` (the association's own
    files), else dropped with a warning (address books). False when an error was recorded.
    """
    ok = True
    for raw in split_values(cell) if split else [cell.strip()]:
        try:
            number = phone_e164(raw, regions=regions)
        except PhoneUnassigned as exc:
            report.warn(rec.line, fieldname, raw, exc)
            continue
        except ValueError as exc:
            if strict:
                report.error(rec.line, fieldname, raw, exc)
                ok = False
            else:
                report.warn(rec.line, fieldname, raw, f"{exc} : numéro ignoré")
            continue
        if number not in [p for p, _l in rec.phones]:
            rec.phones.append((number, label))
    return ok


def split_values(cell: str) -> list[str]:
    """Several values in one cell, separated by commas, semicolons, slashes or new lines."""
    return [v for v in _SPLIT.split(cell.strip()) if v]


@lru_cache(maxsize=65536)
def parse_bool(raw: str) -> bool:
    """Yes or no, as spreadsheets write it (:func:`filon.core.parsing.parse_bool`).

    >>> parse_bool("Oui"), parse_bool(""), parse_bool("✓")
    (True, False, True)
    """
    try:
        return parsing.parse_bool(raw)
    except parsing.ParseError:
        raise ValueError(str(_("oui ou non attendu (oui, non, x, ✓, vide)"))) from None


_GENDERS = {
    "m": "m",
    "mr": "m",
    "monsieur": "m",
    "homme": "m",
    "h": "m",
    "male": "m",
    "mme": "f",
    "mlle": "f",
    "madame": "f",
    "mademoiselle": "f",
    "femme": "f",
    "f": "f",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "female": "f",
}


@lru_cache(maxsize=65536)
def parse_gender(raw: str) -> str:
    """ "m", "f" or "" from a civility or a gender.

    >>> parse_gender("M."), parse_gender("Mme"), parse_gender("")
    ('m', 'f', '')
    """
    key = fold(raw)
    if not key:
        return ""
    if key in _GENDERS:
        return _GENDERS[key]
    raise ValueError(str(_("civilité attendue (M., Mme)")))


#: Country names as French and English spreadsheets write them, folded, to ISO 3166 codes.
COUNTRIES = {
    "france": "FR",
    "allemagne": "DE",
    "germany": "DE",
    "belgique": "BE",
    "belgium": "BE",
    "suisse": "CH",
    "switzerland": "CH",
    "luxembourg": "LU",
    "royaume uni": "GB",
    "united kingdom": "GB",
    "uk": "GB",
    "angleterre": "GB",
    "etats unis": "US",
    "etats unis d amerique": "US",
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u s a": "US",
    "canada": "CA",
    "espagne": "ES",
    "spain": "ES",
    "italie": "IT",
    "italy": "IT",
    "pays bas": "NL",
    "netherlands": "NL",
    "norvege": "NO",
    "norway": "NO",
    "suede": "SE",
    "sweden": "SE",
    "danemark": "DK",
    "denmark": "DK",
    "finlande": "FI",
    "portugal": "PT",
    "autriche": "AT",
    "austria": "AT",
    "irlande": "IE",
    "pologne": "PL",
    "chine": "CN",
    "china": "CN",
    "japon": "JP",
    "japan": "JP",
    "inde": "IN",
    "india": "IN",
    "singapour": "SG",
    "singapore": "SG",
    "maroc": "MA",
    "morocco": "MA",
    "algerie": "DZ",
    "tunisie": "TN",
    "senegal": "SN",
    "bresil": "BR",
    "brazil": "BR",
    "australie": "AU",
    "australia": "AU",
    "emirats arabes unis": "AE",
    "liban": "LB",
    "lebanon": "LB",
    "quebec": "CA",
}


@lru_cache(maxsize=65536)
def parse_country(raw: str) -> str:
    """An ISO 3166 code from a code or a country's usual name.

    >>> parse_country("France"), parse_country("fr"), parse_country("États-Unis")
    ('FR', 'FR', 'US')
    """
    import phonenumbers

    text = raw.strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    code = COUNTRIES.get(fold(text))
    if code is None:
        raise ValueError(str(_("pays attendu (code ISO comme FR, ou nom comme « France »)")))
    return code
