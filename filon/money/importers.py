"""Reading grant files: the official CORDIS layout, and any other funder's export via a mapping.

Both importers turn a file into :class:`GrantRow` records (one organisation in one project, with
its contribution) and report every invalid value with its file, line and column, as the other
importers of Filon do (:mod:`filon.imports.base`: same decoding, delimiter sniffing, line
numbers and :class:`~filon.imports.base.ImportReport`). Writing is
:func:`filon.money.actions.import_funding`, all or nothing.

- :class:`CordisImporter` reads CORDIS's ``organization.csv`` (``projectID``, ``organisationID``,
  ``name``, ``shortName``, ``activityType``, ``role``, ``ecContribution``, ``country``…), with its
  ``project.csv`` (``id``, ``acronym``, ``title``, ``frameworkProgramme``, ``legalBasis``,
  ``topics``, dates, ``totalCost``…) given apart or its columns joined into the same file.
- :class:`MappedImporter` reads any CSV through a :class:`FundingMapping` (a TOML file: which
  column holds what, delimiter, decimal separator, date format, currency). The shipped example
  is ``filon/data/funding/mappings/eu_h2020_norway.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from filon.core.parsing import parse_amount
from filon.core.parsing import parse_date as _parse_date
from filon.core.text import fold
from filon.imports.base import (
    UNREADABLE_EXPECTED,
    Importer,
    ImportReport,
    RowError,
    Unreadable,
    csv_records,
    decode,
    sniff_delimiter,
)
from filon.money.matching import OrgFact
from filon.money.models import ProgrammeLevel, Role
from filon.money.nomenclature import (
    ACTIVITY_KINDS,
    english_name,
    french_name,
    legal_basis_path,
)
from filon.orgs.models import IdScheme, OrgKind

MAPPINGS = Path(__file__).resolve().parent.parent / "data" / "funding" / "mappings"

#: The European Commission, payer of every CORDIS grant.
EUROPEAN_COMMISSION = OrgFact(
    "Commission européenne",
    "CE",
    OrgKind.FUNDER,
    country="BE",
    aliases=(
        "European Commission",
        "Commission européenne (Horizon 2020)",
        "Commission européenne (Horizon Europe)",
    ),
)

#: Role values as files write them (folded) → :class:`~filon.money.models.Role`.
ROLES = {
    "coordinator": Role.COORDINATOR,
    "coordinateur": Role.COORDINATOR,
    "coordinatrice": Role.COORDINATOR,
    "coo": Role.COORDINATOR,
    "participant": Role.PARTICIPANT,
    "beneficiary": Role.PARTICIPANT,
    "beneficiaire": Role.PARTICIPANT,
    "partner": Role.PARTICIPANT,
    "partenaire": Role.PARTICIPANT,
    "internationalpartner": Role.PARTICIPANT,
    "associatedpartner": Role.ASSOCIATED,
    "associated partner": Role.ASSOCIATED,
    "partenaire associe": Role.ASSOCIATED,
    "thirdparty": Role.THIRD_PARTY,
    "third party": Role.THIRD_PARTY,
    "tiers lie": Role.THIRD_PARTY,
}

#: CORDIS writes a few countries its own way.
CORDIS_COUNTRIES = {"EL": "GR", "UK": "GB"}

AMOUNT_EXPECTED = _("un montant (ex. 1058422.50)")
CURRENCY_EXPECTED = _("un code de devise ISO 4217 (ex. EUR, NOK)")
REQUIRED = _("valeur obligatoire")


@dataclass(frozen=True)
class ProgrammeFact:
    code: str
    name: str = ""
    short_name: str = ""
    level: str = ""


@dataclass(frozen=True)
class ProjectFact:
    identifier: str
    acronym: str = ""
    title: str = ""
    topic_code: str = ""
    topic: str = ""
    call: str = ""
    action_type: str = ""
    status: str = ""
    start: date | None = None
    end: date | None = None
    signed: date | None = None
    total_cost: Decimal | None = None
    currency: str = ""
    objective: str = ""


@dataclass
class GrantRow:
    """One organisation in one project, as one line of a grant file says."""

    line: int
    programmes: tuple[ProgrammeFact, ...]  # root first
    project: ProjectFact
    org: OrgFact
    role: str
    number: int | None
    amount: Decimal | None
    currency: str
    activity_type: str = ""

    @property
    def label(self) -> str:
        name = self.project.acronym or self.project.title[:40]
        return f"{self.project.identifier} {name} — {self.org.name}".strip()

    @property
    def key(self) -> str:
        org = ",".join(f"{s}:{v}" for s, v in self.org.identifiers) or fold(self.org.name)
        return f"funding:{self.project.identifier}:{org}:{self.number or ''}"


@dataclass
class FundingFile:
    funder: OrgFact | None
    rows: list[GrantRow] = field(default_factory=list)


class FundingImporter(Importer):
    """One layout of grant files, an importer of :mod:`filon.imports` like the others:
    :meth:`read` reads the file, :class:`filon.money.loader.FundingRun` matches and writes it,
    :func:`filon.imports.actions.import_file` runs the whole (all or nothing, one ImportRun)."""

    kind = "funding"
    format = ""
    formats = ("csv",)
    audit_action = "money.import"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.file = FundingFile(None)

    def read(self, data: bytes, report: ImportReport) -> FundingFile:
        raise NotImplementedError

    def parse(self, data: bytes, report: ImportReport) -> list[GrantRow]:
        self.file = self.read(data, report)
        return self.file.rows

    def new_report(self, **fields: Any) -> ImportReport:
        from filon.money.loader import FundingReport

        return FundingReport(**fields)

    def make_loader(self, report: ImportReport) -> Any:
        from filon.money.loader import FundingRun

        return FundingRun(report, self.file)

    def run_options(self) -> dict[str, Any]:
        return {"format": self.format, **super().run_options()}

    def audit_details(self, report: ImportReport) -> dict[str, Any]:
        return {"format": self.format, "total": report.as_dict(items=False)["funding"]["total"]}


# -- reading cells ---------------------------------------------------------------------------


def _text(data: bytes, encoding: str, report: ImportReport) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
            report.encoding = encoding
            return text.removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError):
            pass
    text, report.encoding = decode(data)
    return text


def _table(
    text: str, delimiter: str, report: ImportReport, filename: str = ""
) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]] | None:
    """(header line, header, the other records) of a CSV text; None (and an error) if empty."""
    records = csv_records(text, delimiter)
    try:
        for first, cells in records:
            if any(c.strip() for c in cells):
                return first, [c.strip().lstrip("\ufeff") for c in cells], records
    except Unreadable as exc:
        _error(report, filename, exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
        return None
    _error(report, filename, 1, _("fichier"), "", _("un en-tête et des lignes attendus"))
    return None


def _error(
    report: ImportReport, filename: str, line: int, fieldname: Any, value: Any, expected: Any
) -> None:
    if not filename or filename == report.filename:
        report.error(line, fieldname, value, expected)
    else:
        report.errors.append(RowError(filename, line, str(fieldname), str(value), str(expected)))


def parse_date(value: str, formats: tuple[str, ...]) -> date:
    """A date in one of ``formats`` (``strptime`` codes), else any form
    :func:`filon.core.parsing.parse_date` reads.

    >>> parse_date("01.06.2020 00:00", ("%d.%m.%Y %H:%M",)), parse_date("2019-01-01", ())
    (datetime.date(2020, 6, 1), datetime.date(2019, 1, 1))
    """
    return _parse_date(value, formats)


def date_expected(formats: tuple[str, ...]) -> str:
    example = date(2020, 12, 31)
    shown = " ou ".join(f"« {example.strftime(f)} »" for f in formats or ("%Y-%m-%d",))
    return str(_("une date au format %(f)s")) % {"f": shown}


def clean_currency(value: str) -> str:
    """An ISO 4217 code, upper-cased, or ValueError.

    >>> clean_currency(" eur ")
    'EUR'
    """
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(value)
    return code


# -- the mapping file --------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A value read from a column of the file."""

    header: str


@dataclass(frozen=True)
class Const:
    """A value the mapping gives for every row."""

    value: str


Source = Col | Const

PROJECT_KEYS = (
    "identifier",
    "acronym",
    "title",
    "topic_code",
    "topic",
    "call",
    "action_type",
    "status",
    "start",
    "end",
    "signed",
    "total_cost",
    "objective",
)
ORG_KEYS = ("name", "short_name", "identifier", "country", "city", "kind", "activity_type")
PARTICIPATION_KEYS = ("role", "number", "amount", "currency")
PROGRAMME_KEYS = ("code", "name", "short_name")
TOP_KEYS = {
    "description",
    "delimiter",
    "encoding",
    "decimal",
    "thousands",
    "date_format",
    "currency",
    "null_values",
    "unknown_organisation",
    "funder",
    "programmes",
    "project",
    "organisation",
    "participation",
    "roles",
}


def _source(value: Any, where: str) -> Source:
    if isinstance(value, str) and value.strip():
        return Col(value.strip())
    if isinstance(value, dict) and set(value) == {"value"}:
        return Const(str(value["value"]))
    raise ValueError(str(_('%(w)s : un nom de colonne ou { value = "…" } attendu')) % {"w": where})


def _table_of(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValueError(str(_("[%(t)s] : une table attendue")) % {"t": name})
    return value


def _sources(table: dict[str, Any], keys: tuple[str, ...], where: str) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for key, value in table.items():
        if key not in keys:
            raise ValueError(
                str(_("[%(w)s] : clé inconnue « %(k)s » (clés : %(keys)s)"))
                % {"w": where, "k": key, "keys": ", ".join(keys)}
            )
        out[key] = _source(value, f"{where}.{key}")
    return out


@dataclass(frozen=True)
class ProgrammeLevelSpec:
    code: Source
    name: Source | None = None
    short_name: Source | None = None
    level: str = ""
    code_prefix: str = ""


@dataclass
class FundingMapping:
    """A ``--mapping`` file: where each fact sits in another funder's export, and its format."""

    project: dict[str, Source]
    organisation: dict[str, Source]
    participation: dict[str, Source]
    programmes: list[ProgrammeLevelSpec] = field(default_factory=list)
    funder: OrgFact | None = None
    delimiter: str = ""
    encoding: str = ""
    decimal: str = "."
    thousands: str = ""
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    currency: Source | None = None
    null_values: frozenset[str] = frozenset()
    unknown_organisation: str = ""
    identifier_scheme: str = IdScheme.OTHER
    kinds: dict[str, str] = field(default_factory=dict)  # folded value → OrgKind
    default_kind: str = OrgKind.COMPANY
    roles: dict[str, str] = field(default_factory=dict)  # folded value → Role

    @classmethod
    def from_file(cls, path: Path) -> FundingMapping:
        return cls.from_toml(path.read_text(encoding="utf-8"))

    @classmethod
    def from_toml(cls, text: str) -> FundingMapping:
        """Read a mapping; ValueError (in French) says what is wrong with it.

        >>> m = FundingMapping.from_toml('''
        ... currency = "NOK"
        ... [project]
        ... identifier = "prosjektnummer"
        ... [organisation]
        ... name = "prosjektansvarlig_navn"
        ... [participation]
        ... amount = "tildelt_belop"
        ... ''')
        >>> m.project["identifier"], m.currency
        (Col(header='prosjektnummer'), Const(value='NOK'))
        >>> FundingMapping.from_toml('[project]\\nidentifier = 3')
        Traceback (most recent call last):
        ...
        ValueError: project.identifier : un nom de colonne ou { value = "…" } attendu
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"TOML : {exc}") from None
        unknown = sorted(set(data) - TOP_KEYS)
        if unknown:
            raise ValueError(str(_("clé inconnue : %(k)s")) % {"k": ", ".join(unknown)})
        org_table = dict(_table_of(data, "organisation"))
        scheme = str(org_table.pop("identifier_scheme", IdScheme.OTHER))
        if scheme not in IdScheme.values:
            raise ValueError(
                str(_("organisation.identifier_scheme : un de %(s)s attendu"))
                % {"s": ", ".join(IdScheme.values)}
            )
        kinds_table = org_table.pop("kinds", {})
        default_kind = str(org_table.pop("default_kind", OrgKind.COMPANY))
        kinds = {fold(str(k)): str(v) for k, v in dict(kinds_table).items()}
        for kind in [*kinds.values(), default_kind]:
            if kind not in OrgKind.values:
                raise ValueError(
                    str(_("type d'organisation inconnu « %(k)s » (types : %(t)s)"))
                    % {"k": kind, "t": ", ".join(OrgKind.values)}
                )
        roles = {fold(str(k)): str(v) for k, v in _table_of(data, "roles").items()}
        for role in roles.values():
            if role not in Role.values:
                raise ValueError(
                    str(_("rôle inconnu « %(r)s » (rôles : %(t)s)"))
                    % {"r": role, "t": ", ".join(Role.values)}
                )
        mapping = cls(
            project=_sources(_table_of(data, "project"), PROJECT_KEYS, "project"),
            organisation=_sources(org_table, ORG_KEYS, "organisation"),
            participation=_sources(
                _table_of(data, "participation"), PARTICIPATION_KEYS, "participation"
            ),
            programmes=[_level(i, raw) for i, raw in enumerate(data.get("programmes", []), 1)],
            funder=_funder(data["funder"]) if "funder" in data else None,
            delimiter=_delimiter(str(data.get("delimiter", ""))),
            encoding=str(data.get("encoding", "")),
            decimal=str(data.get("decimal", ".")),
            thousands=str(data.get("thousands", "")),
            date_formats=_formats(data.get("date_format", "%Y-%m-%d")),
            currency=_currency(data["currency"]) if "currency" in data else None,
            null_values=frozenset(fold(str(v)) for v in data.get("null_values", [])),
            unknown_organisation=str(data.get("unknown_organisation", "")),
            identifier_scheme=scheme,
            kinds=kinds,
            default_kind=default_kind,
            roles=roles,
        )
        if mapping.decimal not in (".", ",", "auto"):
            raise ValueError(str(_("decimal : « . », « , » ou « auto » attendu")))
        if "identifier" not in mapping.project:
            raise ValueError(str(_("[project] : la colonne « identifier » est obligatoire")))
        if "name" not in mapping.organisation and "identifier" not in mapping.organisation:
            raise ValueError(str(_("[organisation] : « name » ou « identifier » obligatoire")))
        if "amount" not in mapping.participation:
            raise ValueError(str(_("[participation] : la colonne « amount » est obligatoire")))
        if mapping.currency is None and "currency" not in mapping.participation:
            raise ValueError(str(_('une devise est obligatoire : currency = "EUR"')))
        return mapping

    def columns(self) -> list[tuple[str, str]]:
        """(where, header) of every column the mapping reads."""
        out: list[tuple[str, str]] = []
        for where, table in (
            ("project", self.project),
            ("organisation", self.organisation),
            ("participation", self.participation),
        ):
            out += [(f"{where}.{k}", s.header) for k, s in table.items() if isinstance(s, Col)]
        for i, level in enumerate(self.programmes, 1):
            for key in PROGRAMME_KEYS:
                src = getattr(level, key)
                if isinstance(src, Col):
                    out.append((f"programmes[{i}].{key}", src.header))
        if isinstance(self.currency, Col):
            out.append(("currency", self.currency.header))
        return out


def _currency(value: Any) -> Const:
    try:
        return Const(clean_currency(str(value)))
    except ValueError:
        raise ValueError(f"currency : {CURRENCY_EXPECTED}") from None


def _delimiter(value: str) -> str:
    if value in ("\\t", "tab", "\t"):
        return "\t"
    if value and value not in ";,|":
        raise ValueError(str(_("séparateur attendu : « ; », « , », « | » ou tabulation")))
    return value


def _formats(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(str(v) for v in values if str(v))


def _level(i: int, raw: Any) -> ProgrammeLevelSpec:
    where = f"programmes[{i}]"
    if not isinstance(raw, dict) or "code" not in raw:
        raise ValueError(str(_("%(w)s : une colonne « code » attendue")) % {"w": where})
    extra = set(raw) - {*PROGRAMME_KEYS, "level", "code_prefix"}
    if extra:
        raise ValueError(
            str(_("%(w)s : clé inconnue « %(k)s »")) % {"w": where, "k": ", ".join(sorted(extra))}
        )
    level = str(raw.get("level", ""))
    if level and level not in ProgrammeLevel.values:
        raise ValueError(
            str(_("%(w)s.level : un de %(l)s attendu"))
            % {"w": where, "l": ", ".join(ProgrammeLevel.values)}
        )
    return ProgrammeLevelSpec(
        _source(raw["code"], f"{where}.code"),
        _source(raw["name"], f"{where}.name") if "name" in raw else None,
        _source(raw["short_name"], f"{where}.short_name") if "short_name" in raw else None,
        level,
        str(raw.get("code_prefix", "")),
    )


def _funder(raw: Any) -> OrgFact:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ValueError(str(_("[funder] : un « name » attendu")))
    kind = str(raw.get("kind", OrgKind.FUNDER))
    if kind not in OrgKind.values:
        raise ValueError(str(_("[funder] : type d'organisation inconnu « %(k)s »")) % {"k": kind})
    identifiers = raw.get("identifiers", {})
    return OrgFact(
        str(raw["name"]),
        str(raw.get("short_name", "")),
        kind,
        tuple((str(s), str(v)) for s, v in dict(identifiers).items()),
        country=str(raw.get("country", "")),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
    )


# -- the mapped importer -----------------------------------------------------------------------


class MappedImporter(FundingImporter):
    """Any funder's CSV, read through a :class:`FundingMapping`."""

    format = "mapping"

    def __init__(self, mapping: FundingMapping, **options: Any) -> None:
        super().__init__(**options)
        self.mapping = mapping

    def read(self, data: bytes, report: ImportReport) -> FundingFile:
        m = self.mapping
        out = FundingFile(m.funder)
        text = _text(data, m.encoding, report)
        report.delimiter = m.delimiter or sniff_delimiter(text)
        table = _table(text, report.delimiter, report)
        if table is None:
            return out
        head_line, header, records = table
        index = {h: i for i, h in enumerate(header)}
        folded = {fold(h): i for i, h in enumerate(header)}
        positions: dict[str, int] = {}
        for where, name in m.columns():
            i = index.get(name, folded.get(fold(name)))
            if i is None:
                report.error(
                    head_line,
                    _("en-tête"),
                    name,
                    _("la colonne de « %(w)s » manque dans le fichier") % {"w": where},
                )
            else:
                positions[name] = i
                report.columns[where] = name
        used = set(positions.values())
        report.ignored_columns = [h for i, h in enumerate(header) if i not in used and h]
        if report.errors:
            return out
        try:
            for line, cells in records:
                if not any(c.strip() for c in cells):
                    continue
                report.rows += 1
                row = self._row(line, cells, positions, report)
                if row is not None:
                    out.rows.append(row)
        except Unreadable as exc:
            report.error(exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
        return out

    def _row(
        self, line: int, cells: list[str], positions: dict[str, int], report: ImportReport
    ) -> GrantRow | None:
        m = self.mapping
        errors = len(report.errors)

        def get(src: Source | None) -> str:
            if src is None:
                return ""
            if isinstance(src, Const):
                return src.value
            i = positions[src.header]
            value = cells[i].strip() if i < len(cells) else ""
            return "" if fold(value) in m.null_values else value

        def fail(src: Source | None, expected: Any) -> None:
            name = src.header if isinstance(src, Col) else "mapping"
            report.error(line, name, get(src), expected)

        def read(src: Source | None, parse: Callable[[str], Any], expected: Any) -> Any:
            raw = get(src)
            if not raw:
                return None
            try:
                return parse(raw)
            except ValueError:
                fail(src, expected)
                return None

        p, o, a = m.project, m.organisation, m.participation
        identifier = get(p.get("identifier"))
        if not identifier:
            fail(p.get("identifier"), REQUIRED)
        formats = m.date_formats
        dates = {
            key: read(p.get(key), lambda v: parse_date(v, formats), date_expected(formats))
            for key in ("start", "end", "signed")
        }
        amount_of: Callable[[str], Any] = lambda v: parse_amount(  # noqa: E731
            v, decimal=m.decimal, thousands=m.thousands
        )
        amount = read(a.get("amount"), amount_of, AMOUNT_EXPECTED)
        total_cost = read(p.get("total_cost"), amount_of, AMOUNT_EXPECTED)
        currency_src = a.get("currency") or m.currency
        currency = read(currency_src, clean_currency, CURRENCY_EXPECTED) or ""
        if (amount is not None or total_cost is not None) and not currency:
            fail(currency_src, CURRENCY_EXPECTED)
        number = read(a.get("number"), int, _("un nombre entier"))
        role_raw = get(a.get("role"))
        role: str = Role.PARTICIPANT
        if role_raw:
            role = m.roles.get(fold(role_raw)) or ROLES.get(fold(role_raw)) or ""
            if not role:
                fail(a.get("role"), _("un rôle connu (coordinateur, participant…)"))
        org = self._org(get, fail)
        if org is None or len(report.errors) > errors:
            return None
        programmes = []
        for spec in m.programmes:
            code = get(spec.code)
            if not code:
                continue
            code = f"{spec.code_prefix}{code}" if spec.code_prefix else code
            name = get(spec.name) or english_name(code) or code
            programmes.append(ProgrammeFact(code, name, get(spec.short_name), spec.level))
        project = ProjectFact(
            identifier[:64],
            get(p.get("acronym"))[:100],
            get(p.get("title"))[:500],
            get(p.get("topic_code"))[:120],
            get(p.get("topic"))[:500],
            get(p.get("call"))[:120],
            get(p.get("action_type"))[:60],
            get(p.get("status"))[:30],
            dates["start"],
            dates["end"],
            dates["signed"],
            total_cost,
            currency if total_cost is not None else "",
            objective=get(p.get("objective"))[:20000],
        )
        return GrantRow(
            line,
            tuple(programmes),
            project,
            org,
            role,
            number,
            amount,
            currency if amount is not None else "",
            get(o.get("activity_type"))[:3].upper(),
        )

    def _org(
        self, get: Callable[[Source | None], str], fail: Callable[[Source | None, Any], None]
    ) -> OrgFact | None:
        m, o = self.mapping, self.mapping.organisation
        name, ident = get(o.get("name")), get(o.get("identifier"))
        country = get(o.get("country")).upper()
        if country and (len(country) != 2 or not country.isalpha()):
            fail(o.get("country"), _("un code de pays ISO 3166 (ex. FR, NO)"))
            return None
        kind = m.kinds.get(fold(get(o.get("kind"))), m.default_kind)
        if not name and not ident:
            if not m.unknown_organisation:
                fail(o.get("name"), REQUIRED)
                return None
            return OrgFact(m.unknown_organisation[:255], kind=kind)
        return OrgFact(
            (name or ident)[:255],
            get(o.get("short_name"))[:60],
            kind,
            ((m.identifier_scheme, ident[:64]),) if ident else (),
            get(o.get("city"))[:120],
            country,
        )


# -- CORDIS -----------------------------------------------------------------------------------

#: organization.csv (CORDIS H2020 and Horizon Europe open data).
CORDIS_ORG_REQUIRED = ("projectID", "name", "role", "ecContribution")
#: project.csv.
CORDIS_PROJECT_REQUIRED = ("id", "title")


@dataclass(frozen=True)
class _CordisProject:
    fact: ProjectFact
    programmes: tuple[ProgrammeFact, ...]


def cordis_programmes(framework: str, legal_basis: str) -> tuple[ProgrammeFact, ...]:
    """The programme path of a CORDIS project, named from the shipped nomenclature.

    >>> [(p.code, p.level) for p in cordis_programmes("H2020", "H2020-EU.2.1.6.")]
    [('H2020', 'framework'), ('H2020-EU.2.', 'pillar'), ('H2020-EU.2.1.', 'programme'), \
('H2020-EU.2.1.6.', 'subprogramme')]
    """
    levels = (ProgrammeLevel.FRAMEWORK, ProgrammeLevel.PILLAR, ProgrammeLevel.PROGRAMME)
    codes = legal_basis_path(framework, legal_basis)
    out = []
    for depth, code in enumerate(codes):
        level = levels[depth] if depth < len(levels) else ProgrammeLevel.SUBPROGRAMME
        name = english_name(code) or french_name(code) or code
        out.append(ProgrammeFact(code, name, "", level.value))
    return tuple(out)


class CordisImporter(FundingImporter):
    """CORDIS ``organization.csv``, with ``project.csv`` given apart (``projects``) or joined."""

    format = "cordis"

    def __init__(
        self, *, projects: bytes | None = None, projects_name: str = "project.csv", **options: Any
    ) -> None:
        super().__init__(**options)
        self.projects = projects
        self.projects_name = projects_name

    def read(self, data: bytes, report: ImportReport) -> FundingFile:
        out = FundingFile(EUROPEAN_COMMISSION)
        projects: dict[str, _CordisProject] = {}
        if self.projects is not None:
            projects = self._projects(self.projects, report)
        text = _text(data, "", report)
        report.delimiter = sniff_delimiter(text)
        table = _table(text, report.delimiter, report)
        if table is None:
            return out
        head_line, header, records = table
        col = {h: i for i, h in enumerate(header)}
        missing = [c for c in CORDIS_ORG_REQUIRED if c not in col]
        if missing:
            report.error(
                head_line,
                _("en-tête"),
                ", ".join(missing),
                _(
                    "les colonnes CORDIS de organization.csv (projectID, name, role, "
                    "ecContribution…)"
                ),
            )
            return out
        report.columns = {h: h for h in header}
        joined = "title" in col or "legalBasis" in col
        try:
            for line, cells in records:
                if not any(c.strip() for c in cells):
                    continue
                report.rows += 1
                row = self._row(line, cells, col, joined, projects, report)
                if row is not None:
                    out.rows.append(row)
        except Unreadable as exc:
            report.error(exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
        return out

    def _projects(self, data: bytes, report: ImportReport) -> dict[str, _CordisProject]:
        name = self.projects_name
        scratch = ImportReport(kind="funding", filename=name)
        text = _text(data, "", scratch)
        table = _table(text, sniff_delimiter(text), report, name)
        out: dict[str, _CordisProject] = {}
        if table is None:
            return out
        head_line, header, records = table
        col = {h: i for i, h in enumerate(header)}
        missing = [c for c in CORDIS_PROJECT_REQUIRED if c not in col]
        if missing:
            _error(
                report,
                name,
                head_line,
                _("en-tête"),
                ", ".join(missing),
                _("les colonnes CORDIS de project.csv (id, acronym, title, legalBasis…)"),
            )
            return out
        try:
            for line, cells in records:
                if not any(c.strip() for c in cells):
                    continue
                found = self._project(line, cells, col, report, name, project_file=True)
                if found is not None:
                    out[found.fact.identifier] = found
        except Unreadable as exc:
            _error(report, name, exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
        return out

    def _project(
        self,
        line: int,
        cells: list[str],
        col: dict[str, int],
        report: ImportReport,
        filename: str,
        *,
        project_file: bool,
    ) -> _CordisProject | None:
        def get(name: str) -> str:
            i = col.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        errors = len(report.errors)
        identifier = get("id") if project_file else get("projectID")
        if not identifier:
            _error(report, filename, line, "id" if project_file else "projectID", "", REQUIRED)
        dates: dict[str, date | None] = {}
        for key, column in (
            ("start", "startDate"),
            ("end", "endDate"),
            ("signed", "ecSignatureDate"),
        ):
            raw = get(column)
            dates[key] = None
            if raw:
                try:
                    dates[key] = parse_date(raw, ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"))
                except ValueError:
                    _error(report, filename, line, column, raw, date_expected(("%Y-%m-%d",)))
        total = None
        if project_file and get("totalCost"):
            try:
                total = parse_amount(get("totalCost"), decimal="auto")
            except ValueError:
                _error(report, filename, line, "totalCost", get("totalCost"), AMOUNT_EXPECTED)
        if len(report.errors) > errors:
            return None
        legal = get("legalBasis").replace(";", ",").split(",")[0].strip()
        topics = get("topics").replace(";", ",").split(",")[0].strip()
        fact = ProjectFact(
            identifier[:64],
            (get("acronym") or get("projectAcronym"))[:100],
            get("title")[:500],
            topics[:120],
            "",
            (get("subCall") or get("masterCall"))[:120],
            get("fundingScheme")[:60],
            get("status")[:30],
            dates["start"],
            dates["end"],
            dates["signed"],
            total,
            "EUR" if total is not None else "",
            objective=get("objective")[:20000],
        )
        return _CordisProject(fact, cordis_programmes(get("frameworkProgramme"), legal))

    def _row(
        self,
        line: int,
        cells: list[str],
        col: dict[str, int],
        joined: bool,
        projects: dict[str, _CordisProject],
        report: ImportReport,
    ) -> GrantRow | None:
        def get(name: str) -> str:
            i = col.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        errors = len(report.errors)
        identifier = get("projectID")
        project = projects.get(identifier)
        if project is None:
            project = self._project(line, cells, col, report, "", project_file=False)
            if project is not None and self.projects is not None and not joined:
                report.warn(
                    line,
                    "projectID",
                    identifier,
                    _("un projet de project.csv (le projet est importé sans titre ni programme)"),
                )
        amount = None
        if get("ecContribution"):
            try:
                amount = parse_amount(get("ecContribution"), decimal="auto")
            except ValueError:
                report.error(line, "ecContribution", get("ecContribution"), AMOUNT_EXPECTED)
        role = ROLES.get(fold(get("role")), "")
        if not role:
            report.error(
                line, "role", get("role"), _("coordinator, participant, partner ou thirdParty")
            )
        number = None
        if get("order"):
            try:
                number = int(get("order"))
            except ValueError:
                report.error(line, "order", get("order"), _("un nombre entier"))
        name = get("name")
        if not name:
            report.error(line, "name", "", REQUIRED)
        country = get("country").upper()
        country = CORDIS_COUNTRIES.get(country, country)
        if country and (len(country) != 2 or not country.isalpha()):
            report.warn(line, "country", country, _("un code de pays ISO 3166 (ex. FR)"))
            country = ""
        if project is None or len(report.errors) > errors:
            return None
        activity = get("activityType")[:3].upper()
        pic = get("organisationID")
        org = OrgFact(
            name[:255],
            get("shortName")[:60],
            ACTIVITY_KINDS.get(activity, OrgKind.COMPANY),
            ((IdScheme.PIC, pic[:64]),) if pic else (),
            get("city")[:120].title(),
            country,
        )
        return GrantRow(
            line,
            project.programmes,
            project.fact,
            org,
            role,
            number,
            amount,
            "EUR" if amount is not None else "",
            activity,
        )


def make_importer(
    *,
    format: str = "cordis",
    mapping: FundingMapping | None = None,
    projects: bytes | None = None,
    projects_name: str = "project.csv",
) -> FundingImporter:
    if mapping is not None:
        return MappedImporter(mapping)
    if format == "cordis":
        return CordisImporter(projects=projects, projects_name=projects_name)
    raise ValueError(str(_("format inconnu « %(f)s » (formats : cordis)")) % {"f": format})
