"""The association's directory export ("l'annuaire") as CSV: import and export.

One row per diploma (a member with two diplomas has two rows, which the import merges).
Headers in French or English, case- and accent-insensitive (see :data:`HEADERS`); any other
layout is described by a ``--mapping`` TOML file::

    # mapping.toml: which column holds what (the keys are the file's headers)
    delimiter = ";"            # optional: detected otherwise
    encoding = "cp1252"        # optional: detected otherwise
    [columns]
    "Nom de naissance" = "last_name"
    "Prénom usuel" = "first_name"
    "Promotion" = "promo"
    "Diplôme préparé" = "track"
    "Courriel perso" = "email"
    "Observations" = "ignore"

The fields are those of :data:`FIELDS`; a target may also be written as a French header
("nom", "prénom"…). Values:

- promo: "P58", "E 2005", "n'12" (school letter and year), or a year ("2012") with the school in
  its own column ("Mines Paris", "P", "Saint-Étienne"…);
- phones: "06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678"…, stored in E.164;
- dues: a "cotisation année" column (a year) with "montant cotisation", or one column per year
  ("Cotisation 2020") holding oui/non, x, ✓, « à jour », a year, a date or an amount, optionally
  followed by the category in brackets ("30,00 (réduit)"): the table of
  :func:`filon.imports.dues.parse_dues_cell`.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from filon.association.models import DuesCategory
from filon.core.promo import parse_promo, promo_label
from filon.core.spreadsheet import escape_row, unescape_cell
from filon.core.text import fold
from filon.directory.models import Track
from filon.imports.base import (
    UNREADABLE_EXPECTED,
    DuesFact,
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    PositionFact,
    Unreadable,
    add_phones,
    clean_email,
    csv_records,
    decode,
    parse_bool,
    parse_country,
    parse_gender,
    sniff_delimiter,
    split_values,
)
from filon.imports.dues import parse_category, parse_dues_cell, read_amount, read_date

#: The fields an annuaire row may hold, with their header in the export.
FIELDS: dict[str, str] = {
    "member_id": "Identifiant",
    "last_name": "Nom",
    "first_name": "Prénom",
    "civility": "Civilité",
    "school": "École",
    "promo": "Promo",
    "track": "Filière",
    "email": "Email",
    "phone": "Téléphone",
    "mobile": "Portable",
    "company": "Entreprise",
    "title": "Fonction",
    "city": "Ville",
    "country": "Pays",
    "opt_out": "Hors annuaire",
    "dues_year": "Cotisation année",
    "dues_amount": "Montant cotisation",
    "dues_date": "Date cotisation",
    "dues_category": "Catégorie cotisation",
}

#: Accepted headers, folded, per field.
HEADERS: dict[str, tuple[str, ...]] = {
    "member_id": (
        "identifiant",
        "id",
        "n membre",
        "numero de membre",
        "numero adherent",
        "n adherent",
        "member id",
        "matricule",
    ),
    "last_name": ("nom", "nom de famille", "nom usuel", "last name", "lastname", "surname"),
    "first_name": ("prenom", "prenom usuel", "first name", "firstname", "given name"),
    "civility": ("civilite", "genre", "sexe", "gender", "salutation"),
    "school": ("ecole", "school", "etablissement"),
    "promo": (
        "promo",
        "promotion",
        "millesime",
        "class",
        "class of",
        "annee de promotion",
        "annee de diplome",
        "annee diplome",
        "graduation year",
        "year of graduation",
    ),
    "track": ("diplome", "filiere", "track", "degree", "cursus", "formation"),
    "email": (
        "email",
        "e mail",
        "courriel",
        "mail",
        "adresse e mail",
        "adresse email",
        "email address",
    ),
    "phone": ("telephone", "tel", "phone", "telephone fixe", "fixe", "telephone domicile"),
    "mobile": ("portable", "mobile", "telephone portable", "tel portable", "mobile phone", "gsm"),
    "company": ("entreprise", "societe", "employeur", "organisation", "company", "employer"),
    "title": ("fonction", "poste", "intitule du poste", "job title", "position", "title"),
    "city": ("ville", "city", "localite", "commune"),
    "country": ("pays", "country"),
    "opt_out": ("hors annuaire", "liste rouge", "opt out"),
    "dues_year": (
        "cotisation annee",
        "cotisation",
        "annee cotisation",
        "annee de cotisation",
        "derniere cotisation",
        "dues year",
    ),
    "dues_amount": ("montant cotisation", "montant de la cotisation", "dues amount"),
    "dues_date": ("date cotisation", "date de cotisation", "dues date"),
    "dues_category": ("categorie cotisation", "categorie de cotisation", "dues category"),
}
_HEADER_INDEX = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
_DUES_COLUMN = re.compile(r"^(?:cotisation|dues)\s+((?:19|20)\d\d)$")

_TRACKS: dict[str, str] = {
    "ingenieur civil": Track.INGENIEUR_CIVIL,
    "ingenieure civile": Track.INGENIEUR_CIVIL,
    "ingenieur": Track.INGENIEUR_CIVIL,
    "ingenieure": Track.INGENIEUR_CIVIL,
    "ic": Track.INGENIEUR_CIVIL,
    "engineer": Track.INGENIEUR_CIVIL,
    "corps des mines": Track.CORPS_DES_MINES,
    "ingenieur du corps des mines": Track.CORPS_DES_MINES,
    "corps": Track.CORPS_DES_MINES,
    "icm": Track.CORPS_DES_MINES,
    "docteur": Track.DOCTEUR,
    "docteure": Track.DOCTEUR,
    "doctorat": Track.DOCTEUR,
    "phd": Track.DOCTEUR,
    "these": Track.DOCTEUR,
    "mastere specialise": Track.MASTERE_SPECIALISE,
    "mastere": Track.MASTERE_SPECIALISE,
    "ms": Track.MASTERE_SPECIALISE,
    "master": Track.MASTER,
    "msc": Track.MASTER,
    "autre": Track.AUTRE,
    "other": Track.AUTRE,
}

PROMO_EXPECTED = _("promo attendue (ex. P58, E 2005, ou 2012 avec l'école dans sa colonne)")


@lru_cache(maxsize=4096)
def parse_track(raw: str) -> str:
    """A track code from its label or a usual abbreviation.

    >>> parse_track("Ingénieur civil"), parse_track("PhD"), parse_track("mastere_specialise")
    ('ingenieur_civil', 'docteur', 'mastere_specialise')
    """
    key = fold(raw)
    for code, label in Track.choices:
        if key in (fold(code), fold(str(label))):
            return str(code)
    if key in _TRACKS:
        return str(_TRACKS[key])
    raise ValueError(
        str(_("filière attendue : ingénieur civil, corps des mines, docteur, mastère spécialisé…"))
    )


def school_aliases() -> dict[str, str]:
    """Folded names of the federation's schools (letter, name, short name, city) → letter."""
    from filon.directory.models import School
    from filon.directory.schools import SCHOOLS

    out: dict[str, str] = {}
    short = {s["code"]: s["short"] for s in SCHOOLS}
    for school in School.objects.all():
        code = school.code
        names = {code, school.name, school.city, short.get(code, "")}
        for name in list(names):
            folded = fold(name)
            names.add(folded.removeprefix("mines ").removesuffix(" psl"))
            names.add(f"ecole des mines de {fold(school.city)}")
            names.add(f"mines {fold(school.city)}")
        for name in names:
            if name:
                out[fold(name)] = code
    out.setdefault("st etienne", out.get("saint etienne", "E"))
    return out


@dataclass
class Mapping:
    """A --mapping file: the columns of another layout, and optionally its format."""

    columns: dict[str, str]  # folded header → field ("ignore" to skip)
    delimiter: str = ""
    encoding: str = ""

    @classmethod
    def from_toml(cls, text: str) -> Mapping:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"TOML : {exc}") from None
        raw = data.get("columns", {})
        if not isinstance(raw, dict) or not raw:
            raise ValueError(str(_("une table [columns] « en-tête » = « champ » attendue")))
        columns: dict[str, str] = {}
        for header, target in raw.items():
            key = fold(str(target))
            name = target if target in FIELDS or target == "ignore" else _HEADER_INDEX.get(key)
            if name is None and _DUES_COLUMN.match(key):
                name = key
            if name is None:
                raise ValueError(
                    str(_("champ inconnu « %(t)s » (champs : %(f)s)"))
                    % {"t": target, "f": ", ".join(FIELDS)}
                )
            columns[fold(header)] = name
        delimiter = str(data.get("delimiter", ""))
        if delimiter == "\\t" or delimiter.lower() == "tab":
            delimiter = "\t"
        if delimiter and delimiter not in ";,\t|":
            raise ValueError(str(_("séparateur attendu : « ; », « , », « | » ou tabulation")))
        return cls(columns, delimiter, str(data.get("encoding", "")))


class AnnuaireImporter(Importer):
    kind = "annuaire"
    authoritative = True
    strict_phones = True

    def __init__(self, *, mapping: Mapping | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.mapping = mapping
        self.track_column = False
        self.schools: dict[str, str] = {}

    def _columns(self, header: list[str], report: ImportReport, line: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for i, name in enumerate(header):
            key = fold(name)
            if self.mapping is not None:
                target = self.mapping.columns.get(key) or _HEADER_INDEX.get(key)
            else:
                target = _HEADER_INDEX.get(key)
            if target is None and (m := _DUES_COLUMN.match(key)):
                target = f"cotisation {m.group(1)}"
            if target is None or target == "ignore":
                if name.strip():
                    report.ignored_columns.append(name.strip())
                continue
            if target.startswith("cotisation ") and target[11:].isdigit():
                target = f"dues:{target[11:]}"
            if target in columns:
                report.error(line, _("en-tête"), name.strip(), _("colonne en double"))
                continue
            columns[target] = i
            report.columns[target] = name.strip()
        self.track_column = "track" in columns
        if not self.track_column and ("promo" in columns or "school" in columns):
            report.warn(
                line,
                _("en-tête"),
                "",
                _("pas de colonne « filière » : les diplômes sont comptés « ingénieur civil »"),
            )
        shown = ", ".join(h.strip() for h in header)
        for needed, label in (("last_name", "nom"), ("first_name", "prénom")):
            if needed not in columns:
                report.error(
                    line,
                    _("en-tête"),
                    shown,
                    _("une colonne « %(c)s » attendue") % {"c": label},
                )
        return columns

    def parse(self, data: bytes, report: ImportReport) -> list[PersonRecord]:
        if self.mapping is not None and self.mapping.encoding:
            try:
                text, report.encoding = data.decode(self.mapping.encoding), self.mapping.encoding
            except (UnicodeDecodeError, LookupError):
                text, report.encoding = decode(data)
            text = text.removeprefix("\ufeff")
        else:
            text, report.encoding = decode(data)
        delimiter = (self.mapping.delimiter if self.mapping else "") or sniff_delimiter(text)
        report.delimiter = delimiter
        try:
            return self._read(text, delimiter, report)
        except Unreadable as exc:
            report.error(exc.line, _("fichier"), str(exc), UNREADABLE_EXPECTED)
            return []

    def _read(self, text: str, delimiter: str, report: ImportReport) -> list[PersonRecord]:
        records = csv_records(text, delimiter)
        header: list[str] | None = None
        line = 1
        for first, cells in records:
            if any(c.strip() for c in cells):
                header, line = cells, first
                break
        if header is None:
            report.error(1, _("fichier"), "", _("un en-tête et des lignes attendus"))
            return []
        columns = self._columns(header, report, line)
        if report.errors:
            return []
        self.schools = school_aliases()
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
        errors = len(report.errors)

        def cell(key: str) -> str:
            i = columns.get(key)
            # The apostrophe an export puts before a formula-like cell comes off first.
            return unescape_cell(cells[i]).strip() if i is not None and i < len(cells) else ""

        def fail(key: str, expected: Any, value: str | None = None) -> None:
            report.error(
                line, report.columns.get(key, key), cell(key) if value is None else value, expected
            )

        rec = PersonRecord(line, cell("first_name"), cell("last_name"))
        if not rec.last_name:
            fail("last_name", _("valeur obligatoire"))
        if not rec.first_name:
            fail("first_name", _("valeur obligatoire"))
        for key, parse, attr in (
            ("civility", parse_gender, "gender"),
            ("country", parse_country, "country"),
        ):
            try:
                setattr(rec, attr, parse(cell(key)))
            except ValueError as exc:
                fail(key, exc)
        rec.city = cell("city")[:120]
        if cell("opt_out"):
            try:
                rec.opt_out = parse_bool(cell("opt_out"))
            except ValueError as exc:
                fail("opt_out", exc)
        self._affiliation(rec, cell, fail)
        for raw in split_values(cell("email")):
            try:
                rec.emails.append(clean_email(raw))
            except ValueError as exc:
                fail("email", exc, raw)
        for key, label in (("mobile", "mobile"), ("phone", "")):
            if cell(key):
                add_phones(report, rec, report.columns.get(key, key), cell(key), label, strict=True)
        if cell("company"):
            rec.positions.append(
                PositionFact(OrgRef(cell("company")[:255]), cell("title")[:200], current=True)
            )
        self._dues(rec, cell, fail, columns)
        member_id = cell("member_id")
        if member_id:
            rec.key = f"id:{member_id}"
        elif rec.affiliations:
            school, _track, year = rec.affiliations[0]
            rec.key = f"{fold(rec.label)}:{promo_label(school, year)}"
        if len(report.errors) > errors:
            return None
        return rec

    def _affiliation(self, rec: PersonRecord, cell: Any, fail: Any) -> None:
        promo_raw, school_raw, track_raw = cell("promo"), cell("school"), cell("track")
        if not (promo_raw or school_raw or track_raw):
            return
        school = ""
        if school_raw:
            school = self.schools.get(fold(school_raw), "")
            if not school:
                names = sorted({k for k, v in self.schools.items() if len(k) > 1 and v})
                fail(
                    "school",
                    _("école de la fédération attendue (%(s)s…)") % {"s": ", ".join(names[:4])},
                )
                return
        year = 0
        if not promo_raw:
            fail("promo", _("valeur obligatoire"))
            return
        if re.fullmatch(r"(19|20)\d\d", promo_raw):
            year = int(promo_raw)
            if not school:
                fail(
                    "promo",
                    _(
                        "promo avec la lettre de l'école attendue (ex. P58), "
                        "ou une colonne « école »"
                    ),
                )
                return
        else:
            try:
                promo = parse_promo(promo_raw)
            except ValueError:
                fail("promo", PROMO_EXPECTED)
                return
            if promo.school_code not in set(self.schools.values()):
                fail("promo", _("lettre d'une école de la fédération attendue (P, E ou N)"))
                return
            if school and school != promo.school_code:
                fail("school", _("école de la promo %(p)s attendue") % {"p": promo_raw})
                return
            school, year = promo.school_code, promo.year
        if not 1900 <= year <= date.today().year + 6:
            fail("promo", _("année de promo plausible attendue"))
            return
        track: str = Track.INGENIEUR_CIVIL
        if self.track_column:
            if not track_raw:
                fail("track", _("valeur obligatoire"))
                return
            try:
                track = parse_track(track_raw)
            except ValueError as exc:
                fail("track", exc)
                return
        rec.affiliations.append((school, str(track), year))

    def _dues(self, rec: PersonRecord, cell: Any, fail: Any, columns: dict[str, int]) -> None:
        """Dues by the one rule of :func:`filon.imports.dues.parse_dues_cell`."""
        category: str | None = None
        if cell("dues_category"):
            try:
                category = parse_category(cell("dues_category"))
            except ValueError as exc:
                fail("dues_category", exc)
        for key in columns:
            if not key.startswith("dues:") or not cell(key):
                continue
            year = int(key[5:])
            try:
                dues = parse_dues_cell(cell(key))
            except ValueError as exc:
                fail(key, exc)
                continue
            if dues is not None:
                rec.dues.append(
                    DuesFact(year, dues.amount, dues.category, dues.paid_on or date(year, 1, 1))
                )
        if cell("dues_year"):
            raw = cell("dues_year")
            if not re.fullmatch(r"(19|20)\d\d", raw):
                fail("dues_year", _("année sur quatre chiffres attendue (ex. 2020)"))
                return
            year = int(raw)
            amount: Decimal | None = None
            if cell("dues_amount"):
                try:
                    amount = read_amount(cell("dues_amount"))
                except ValueError as exc:
                    fail("dues_amount", exc)
                    return
            paid_on = date(year, 1, 1)
            if cell("dues_date"):
                try:
                    paid_on = read_date(cell("dues_date"))
                except ValueError as exc:
                    fail("dues_date", exc)
                    return
            if year not in {d.year for d in rec.dues}:
                rec.dues.append(DuesFact(year, amount, str(category or DuesCategory.FULL), paid_on))


# -- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "member_id",
    "last_name",
    "first_name",
    "civility",
    "school",
    "promo",
    "track",
    "email",
    "phone",
    "company",
    "title",
    "city",
    "country",
    "opt_out",
)


@dataclass
class ExportPerson:
    """What the export writes of one person (from the database or a generated network)."""

    member_id: int
    first_name: str
    last_name: str
    gender: str
    city: str
    country: str
    opt_out: bool
    affiliations: list[tuple[str, str, int]]  # (school code, track, year)
    emails: list[str]
    phones: list[str]
    positions: list[tuple[str, str]]  # current (organisation name, title)
    dues: dict[int, tuple[Decimal | None, str]]  # year → (amount or None: unknown, category)


def _amount(value: Decimal | None) -> str:
    return "oui" if value is None else f"{value:.2f}".replace(".", ",")


_CATEGORY_WORD: dict[str, str] = {
    DuesCategory.FULL: "",
    DuesCategory.REDUCED: "réduit",
    DuesCategory.RETIRED: "retraité",
    DuesCategory.LIFE: "à vie",
}


def export_rows(people: Iterable[ExportPerson], years: list[int]) -> Iterator[list[str]]:
    """The header, then one row per diploma (or per current position, if more)."""
    yield [FIELDS[c] for c in EXPORT_COLUMNS] + [f"Cotisation {y}" for y in years]
    for p in people:
        civility = {"m": "M.", "f": "Mme"}.get(p.gender, "")
        dues = []
        for y in years:
            if y in p.dues:
                amount, category = p.dues[y]
                word = _CATEGORY_WORD.get(category, category)
                dues.append(f"{_amount(amount)} ({word})" if word else _amount(amount))
            else:
                dues.append("")
        n = max(len(p.affiliations), len(p.positions), 1)
        for i in range(n):
            school, track, year = p.affiliations[i] if i < len(p.affiliations) else ("", "", 0)
            company, title = p.positions[i] if i < len(p.positions) else ("", "")
            yield [
                str(p.member_id),
                p.last_name,
                p.first_name,
                civility,
                "",
                promo_label(school, year) if school else "",
                str(Track(track).label) if track else "",
                ", ".join(p.emails),
                ", ".join(p.phones),
                company,
                title,
                p.city,
                p.country,
                "oui" if p.opt_out else "",
                *dues,
            ]


def write_csv(rows: Iterable[list[str]], out: TextIO) -> int:
    """Excel's French CSV dialect (``;``), spreadsheet-safe cells; the number of data rows."""
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    n = -1
    for row in rows:
        writer.writerow(escape_row(row))
        n += 1
    return max(n, 0)


def people_from_db() -> tuple[list[ExportPerson], list[int]]:
    """Every person of the directory, as the export writes them, and the dues years."""
    from collections import defaultdict

    from filon.association.models import DuesPayment
    from filon.directory.models import Affiliation, ContactPoint, Person, Position

    affs: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for pid, code, track, year in Affiliation.objects.order_by("year", "pk").values_list(
        "person_id", "school__code", "track", "year"
    ):
        affs[pid].append((code, track, year))
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    for pid, kind, value in ContactPoint.objects.order_by("-is_primary", "pk").values_list(
        "person_id", "kind", "value"
    ):
        (emails if kind == "email" else phones)[pid].append(value)
    positions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, org, title in (
        Position.objects.filter(end__isnull=True)
        .order_by("-start", "pk")
        .values_list("person_id", "organisation__name", "title")
    ):
        positions[pid].append((org, title))
    dues: dict[int, dict[int, tuple[Decimal | None, str]]] = defaultdict(dict)
    for pid, year, amount, category in DuesPayment.objects.values_list(
        "person_id", "year", "amount", "category"
    ):
        dues[pid][year] = (amount, category)
    years = sorted({y for d in dues.values() for y in d})
    people = [
        ExportPerson(
            pk,
            first,
            last,
            gender,
            city,
            country,
            opt_out,
            affs.get(pk, []),
            emails.get(pk, []),
            phones.get(pk, []),
            positions.get(pk, []),
            dues.get(pk, {}),
        )
        for pk, first, last, gender, city, country, opt_out in Person.objects.order_by(
            "pk"
        ).values_list(
            "pk", "first_name", "last_name", "gender", "city", "country", "directory_opt_out"
        )
    ]
    return people, years


def export_annuaire(path: Path) -> int:
    """Write the whole directory as an annuaire CSV (UTF-8 with BOM, ``;``); rows written."""
    people, years = people_from_db()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        return write_csv(export_rows(people, years), out)


def people_from_network(net: Any) -> tuple[list[ExportPerson], list[int]]:
    """The people of a generated demo network (:mod:`filon.core.demo.generator`), no database."""
    from collections import defaultdict

    org_names = {o.key: o.name for o in net.orgs}
    affs: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for a in sorted(net.affiliations, key=lambda a: a.year):
        affs[a.person].append((a.school, a.track, a.year))
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    for c in net.contacts:
        (emails if c.kind == "email" else phones)[c.person].append(c.value)
    positions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for p in sorted(net.positions, key=lambda p: p.start, reverse=True):
        if p.end is None:
            positions[p.person].append((org_names[p.org], p.title))
    dues: dict[int, dict[int, tuple[Decimal | None, str]]] = defaultdict(dict)
    for d in net.dues:
        dues[d.person][d.year] = (d.amount, d.category)
    years = sorted({d.year for d in net.dues})
    people = [
        ExportPerson(
            p.idx + 1,
            p.first_name,
            p.last_name,
            p.gender,
            p.city,
            p.country,
            p.directory_opt_out,
            affs.get(p.idx, []),
            emails.get(p.idx, []),
            phones.get(p.idx, []),
            positions.get(p.idx, []),
            dues.get(p.idx, {}),
        )
        for p in net.people
    ]
    return people, years


def annuaire_csv(people: list[ExportPerson], years: list[int], *, rows: int | None = None) -> str:
    """The CSV text of an export, cut after ``rows`` data rows if given."""
    out = io.StringIO()
    source: Iterable[list[str]] = export_rows(people, years)
    if rows is not None:
        import itertools

        source = itertools.islice(source, rows + 1)
    write_csv(source, out)
    return out.getvalue()
