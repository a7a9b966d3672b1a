"""Matching records against the directory, then writing them in bulk.

:class:`Loader` reads what the directory holds once (a handful of queries), then takes the
records one by one, in memory: it finds the person each one describes, or decides to create
them, and works out which facts are new. Nothing is written until :meth:`Loader.flush`, which
inserts everything with multi-row INSERTs (:mod:`filon.imports.bulk`) in dependency order and
records the provenance of each new fact. A dry run, or a file with one invalid row, simply never
flushes.

People are matched, surest first:

1. an identifier in another system (ORCID, IdRef, LinkedIn profile, vCard UID), or the NNT of
   their thesis;
2. the same record imported before (its ``record_key``);
3. an e-mail address, then a phone number, when the names agree (same first or last name,
   or close): a shared address with another name is only a possible match;
4. the same name (accents folded, word order ignored), school and year: the same person,
   unless both sides have e-mails (or phones) and none in common;
5. a close name in the same school and year, or the same name where the source has no school
   (vCard, LinkedIn…): uncertain. The record becomes a new person and the pair goes to the
   staff's merge review (:class:`~filon.imports.models.MatchCandidate`).

A person created by an earlier line of the same file is found the same way: the later line is
*merged* into it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from rapidfuzz import fuzz, process

from filon.association.models import DuesPayment
from filon.core.text import fold
from filon.directory.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    Person,
    Position,
    School,
    Thesis,
    ThesisAdvisor,
    track_label,
)
from filon.imports.base import (
    Importer,
    ImportReport,
    OrgRef,
    PersonRecord,
    ReportItem,
    Status,
)
from filon.imports.bulk import insert, insert_rows
from filon.imports.matching import DOUBT_SCORE, name_score, org_key
from filon.imports.models import (
    IdScheme,
    ImportRun,
    MatchCandidate,
    PersonFunding,
    PersonIdentifier,
    Provenance,
)
from filon.network.models import Tie
from filon.orgs.models import OrgAlias, Organisation, OrgIdentifier

BATCH = 2000
PERSON_FIELDS = ("gender", "city", "country", "headline", "directory_opt_out")
#: How the « what changes » table names each field of a person.
FIELD_LABELS = {
    "gender": "civilité",
    "city": "ville",
    "country": "pays",
    "headline": "titre",
    "directory_opt_out": "hors annuaire",
}


def _shown(value: Any) -> str:
    if value is True:
        return "oui"
    if value in (None, False):
        return ""
    return str(value)


OrgHandle = int | Organisation


@dataclass(eq=False)
class Handle:
    """A person this run has looked at: an existing one (``pid``) or a new one (``obj``)."""

    pid: int | None
    first_name: str
    last_name: str
    fields: dict[str, Any]
    obj: Person | None = None
    created_line: int | None = None
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    affiliations: set[tuple[int, str, int]] = field(default_factory=set)
    positions: list[list[Any]] = field(default_factory=list)  # [org, folded title, end, obj/pk]
    dues: set[int] = field(default_factory=set)
    theses: set[str] = field(default_factory=set)  # folded titles
    fundings: dict[tuple[Any, str], list[Any]] = field(default_factory=dict)  # → [pk/obj, amount]
    touched: set[str] = field(default_factory=set)  # fields this run already set
    changed_fields: dict[str, int] = field(default_factory=dict)  # field → line that set it

    folded: str = ""

    def __post_init__(self) -> None:
        self.folded = fold(f"{self.first_name} {self.last_name}")

    def fk(self, name: str = "person") -> dict[str, Any]:
        return {name: self.obj} if self.pid is None else {f"{name}_id": self.pid}

    @property
    def person_id(self) -> int | None:
        return self.pid if self.pid is not None else (self.obj.pk if self.obj else None)


def _org_fk(org: OrgHandle, name: str = "organisation") -> dict[str, Any]:
    return {f"{name}_id": org} if isinstance(org, int) else {name: org}


class Loader:
    """Match and stage records; :meth:`flush` writes them."""

    def __init__(self, importer: Importer, report: ImportReport) -> None:
        self.importer = importer
        self.kind = importer.kind
        self.report = report
        self.handles: dict[int, Handle] = {}
        self.new: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.provenance: list[tuple[models.Model, Handle | None, int, str, str]] = []
        self.updated_positions: list[Position] = []
        self.updated_fundings: list[PersonFunding] = []
        self.advisors_by_idref: list[tuple[ThesisAdvisor, str]] = []
        self._diffs: list[tuple[str, str, str]] = []
        self._load()

    # -- what the directory holds --------------------------------------------------------

    def _load(self) -> None:
        self.schools = {s.code: s.pk for s in School.objects.all()}
        self.school_orgs = {
            oid: code
            for code, oid in School.objects.exclude(organisation=None).values_list(
                "code", "organisation_id"
            )
        }
        school_code = {pk: code for code, pk in self.schools.items()}
        self.people: dict[int, list[Any]] = {
            pk: list(rest)
            for pk, *rest in Person.objects.values_list(
                "pk", "first_name", "last_name", *PERSON_FIELDS
            ).iterator(chunk_size=BATCH)
        }
        self.emails: dict[str, int | Handle] = {}
        self.phones: dict[str, int | Handle] = {}
        self.contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for pid, kind, value in ContactPoint.objects.values_list(
            "person_id", "kind", "value"
        ).iterator(chunk_size=BATCH):
            self.contacts[pid].append((kind, value))
            index = self.emails if kind == ContactKind.EMAIL else self.phones
            index.setdefault(value.lower() if kind == ContactKind.EMAIL else value, pid)
        self.affiliations: dict[int, set[tuple[int, str, int]]] = defaultdict(set)
        self.cohorts: dict[tuple[str, int], tuple[list[str], list[int | Handle], set[int]]] = {}
        for pid, school_id, track, year in Affiliation.objects.values_list(
            "person_id", "school_id", "track", "year"
        ).iterator(chunk_size=BATCH):
            self.affiliations[pid].add((school_id, track, year))
            first, last = self.people[pid][0], self.people[pid][1]
            self._add_cohort(school_code[school_id], year, fold(f"{first} {last}"), pid)
        self.last_names: dict[str, list[tuple[str, int | Handle]]] = defaultdict(list)
        for pid, row in self.people.items():
            self.last_names[fold(row[1])].append((fold(row[0]), pid))
        self.external: dict[tuple[str, str], int | Handle] = {
            (scheme, value): pid
            for pid, scheme, value in PersonIdentifier.objects.values_list(
                "person_id", "scheme", "value"
            )
        }
        person_type = ContentType.objects.get_for_model(Person)
        self.keys: dict[str, int | Handle] = {
            key: pid
            for key, pid in Provenance.objects.filter(content_type=person_type)
            .exclude(record_key="")
            .values_list("record_key", "object_id")
            if pid in self.people
        }
        self.nnts: dict[str, int | Handle] = {
            nnt: pid for nnt, pid in Thesis.objects.exclude(nnt="").values_list("nnt", "person_id")
        }
        self.pairs = set(MatchCandidate.objects.values_list("existing_id", "incoming_id"))
        self._lazy: dict[str, Any] = {}
        self.orgs = OrgResolver(self)

    def _add_cohort(self, school: str, year: int, folded: str, ref: int | Handle) -> None:
        names, refs, members = self.cohorts.setdefault((school, year), ([], [], set()))
        key = ref if isinstance(ref, int) else -id(ref)
        if key in members or (isinstance(ref, Handle) and ref.pid in members):
            return
        members.add(key)
        names.append(folded)
        refs.append(ref)

    def _facts(self, name: str) -> Any:
        """Facts read only when a source needs them (positions, dues, theses, ties…)."""
        if name not in self._lazy:
            if name == "positions":
                data: Any = defaultdict(list)
                for pk, pid, org, title, end in Position.objects.values_list(
                    "pk", "person_id", "organisation_id", "title", "end"
                ).iterator(chunk_size=BATCH):
                    data[pid].append([org, fold(title), end, pk, title])
            elif name == "dues":
                data = defaultdict(set)
                for pid, year in DuesPayment.objects.values_list("person_id", "year"):
                    data[pid].add(year)
            elif name == "theses":
                data = defaultdict(set)
                for pid, title in Thesis.objects.values_list("person_id", "title"):
                    data[pid].add(fold(title))
            elif name == "fundings":
                data = defaultdict(dict)
                for pk, pid, org, title, amount in PersonFunding.objects.values_list(
                    "pk", "person_id", "funder_id", "title", "amount"
                ):
                    data[pid][(org, fold(title))] = [pk, amount]
            elif name == "ties":
                data = set(Tie.objects.values_list("source_person_id", "target_person_id", "kind"))
            self._lazy[name] = data
        return self._lazy[name]

    # -- people --------------------------------------------------------------------------

    def handle(self, ref: int | Handle) -> Handle:
        if isinstance(ref, Handle):
            return ref
        if ref in self.handles:
            return self.handles[ref]
        row = self.people[ref]
        h = Handle(ref, row[0], row[1], dict(zip(PERSON_FIELDS, row[2:], strict=True)))
        for kind, value in self.contacts.get(ref, ()):
            (h.emails if kind == ContactKind.EMAIL else h.phones).add(
                value.lower() if kind == ContactKind.EMAIL else value
            )
        h.affiliations = set(self.affiliations.get(ref, ()))
        self.handles[ref] = h
        return h

    def _load_facts(self, h: Handle, rec: PersonRecord) -> None:
        if h.pid is None or "facts" in h.touched:
            return
        h.touched.add("facts")
        if rec.positions or rec.theses:
            h.positions = [list(p) for p in self._facts("positions").get(h.pid, ())]
        if rec.dues:
            h.dues = set(self._facts("dues").get(h.pid, ()))
        if rec.theses:
            h.theses = set(self._facts("theses").get(h.pid, ()))
        if rec.fundings:
            h.fundings = {k: list(v) for k, v in self._facts("fundings").get(h.pid, {}).items()}

    def match(
        self, rec: PersonRecord
    ) -> tuple[int | Handle | None, list[tuple[int | Handle, float, str]]]:
        """The person the record describes, if sure, and the possible ones otherwise."""
        if rec.existing_person_id is not None:
            return rec.existing_person_id, []
        for ident in rec.external_ids:
            if ident in self.external:
                return self.external[ident], []
        for thesis in rec.theses:
            if thesis.nnt and thesis.nnt in self.nnts:
                return self.nnts[thesis.nnt], []
        if rec.key and f"{self.kind}:{rec.key}" in self.keys:
            return self.keys[f"{self.kind}:{rec.key}"], []
        folded = fold(f"{rec.first_name} {rec.last_name}")
        doubts: dict[int, tuple[int | Handle, float, str]] = {}
        shared = [(self.emails.get(e), "même e-mail, nom différent") for e in rec.emails]
        shared += [(self.phones.get(p), "même téléphone, nom différent") for p, _l in rec.phones]
        for ref, reason in shared:
            if ref is None:
                continue
            if self._same_name(ref, rec):
                return ref, []
            doubts.setdefault(id(ref), (ref, name_score(folded, self._folded(ref)), reason))
        if rec.affiliations:
            for school, _track, year in rec.affiliations:
                names, refs, _members = self.cohorts.get((school, year), ([], [], set()))
                if not names:
                    continue
                found = process.extract(
                    folded, names, scorer=fuzz.token_sort_ratio, score_cutoff=DOUBT_SCORE, limit=5
                )
                for _name, score, i in found:
                    ref = refs[i]
                    if score >= 100 and not self._conflicts(ref, rec):
                        return ref, []
                    reason = (
                        "même nom, même promo, coordonnées différentes"
                        if score >= 100
                        else "nom proche, même promo"
                    )
                    doubts.setdefault(id(ref), (ref, float(score), reason))
        else:
            first = fold(rec.first_name)
            for other_first, ref in self.last_names.get(fold(rec.last_name), ()):
                score = name_score(first, other_first)
                if score >= 90:
                    reason = "même nom" if score >= 100 else "nom proche"
                    doubts.setdefault(id(ref), (ref, name_score(folded, self._folded(ref)), reason))
        return None, sorted(doubts.values(), key=lambda d: -d[1])[:3]

    def _same_name(self, ref: int | Handle, rec: PersonRecord) -> bool:
        """Names compatible enough for a shared e-mail or phone to mean the same person
        (the first or the last name may change: marriage, a nickname…)."""
        if isinstance(ref, Handle):
            first, last = ref.first_name, ref.last_name
        else:
            first, last = self.people[ref][0], self.people[ref][1]
        return (
            fold(first) == fold(rec.first_name)
            or fold(last) == fold(rec.last_name)
            or name_score(fold(f"{first} {last}"), fold(rec.label)) >= 75
        )

    def _folded(self, ref: int | Handle) -> str:
        if isinstance(ref, Handle):
            return ref.folded
        row = self.people[ref]
        return fold(f"{row[0]} {row[1]}")

    def _conflicts(self, ref: int | Handle, rec: PersonRecord) -> bool:
        """Both sides have e-mails (or phones) and none in common: perhaps two people."""
        h = self.handle(ref)
        emails = set(rec.emails)
        phones = {p for p, _l in rec.phones}
        return bool(
            (emails and h.emails and not emails & h.emails)
            or (phones and h.phones and not phones & h.phones)
        )

    def _create(self, rec: PersonRecord) -> Handle:
        fields = {
            "gender": rec.gender,
            "city": rec.city,
            "country": rec.country,
            "headline": rec.headline,
            "directory_opt_out": bool(rec.opt_out),
        }
        obj = Person(
            first_name=rec.first_name,
            last_name=rec.last_name,
            name_folded=fold(rec.label),
            **fields,
        )
        h = Handle(None, rec.first_name, rec.last_name, fields, obj=obj, created_line=rec.line)
        h.touched.update(PERSON_FIELDS)
        self.new[Person].append(obj)
        self.provenance.append((obj, h, rec.line, "", f"{self.kind}:{rec.key}" if rec.key else ""))
        return h

    def _index(self, h: Handle, rec: PersonRecord) -> None:
        for email in h.emails:
            self.emails.setdefault(email, h)
        for phone in h.phones:
            self.phones.setdefault(phone, h)
        for ident in rec.external_ids:
            self.external.setdefault(ident, h)
        for thesis in rec.theses:
            if thesis.nnt:
                self.nnts.setdefault(thesis.nnt, h)
        if rec.key:
            self.keys.setdefault(f"{self.kind}:{rec.key}", h)
        if h.pid is None and "indexed" not in h.touched:
            h.touched.add("indexed")
            self.last_names[fold(h.last_name)].append((fold(h.first_name), h))
        for school, _track, year in rec.affiliations:
            self._add_cohort(school, year, h.folded, h)

    # -- one record ----------------------------------------------------------------------

    def apply(self, rec: PersonRecord) -> ReportItem:
        ref, doubts = self.match(rec)
        review = False
        if ref is None:
            h = self._create(rec)
            status = Status.CREATED
            note = ""
            for other, score, reason in doubts:
                if self._candidate(other, h, score, reason, rec.line):
                    review = True
            if review:
                note = "doublon possible à examiner"
        else:
            h = self.handle(ref)
            status = Status.MERGED if h.created_line is not None else ""
            note = (
                f"même personne que la ligne {h.created_line}" if h.created_line is not None else ""
            )
        self._load_facts(h, rec)
        self._diffs = []
        changes = self._attach(h, rec)
        if not status:
            status = Status.UPDATED if changes else Status.UNCHANGED
        self._index(h, rec)
        item = ReportItem(rec.line, status, rec.label, h.pid, changes, note, review)
        if h.pid is not None:
            item.diffs = self._diffs
        self.report.items.append(item)
        return item

    def finish(self) -> None:
        """After the last record: the people an earlier import of this source brought that
        this file leaves out (an authoritative source only; an import never deletes them)."""
        if not self.importer.authoritative:
            return
        seen = {h.pid for h in self.handles.values() if h.pid is not None}
        prefix = f"{self.kind}:"
        absent = {
            ref
            for key, ref in self.keys.items()
            if key.startswith(prefix) and isinstance(ref, int) and ref not in seen
        }
        rows = sorted((fold(f"{self.people[pid][1]} {self.people[pid][0]}"), pid) for pid in absent)
        self.report.absent = [
            {"person_id": pid, "label": f"{self.people[pid][0]} {self.people[pid][1]}".strip()}
            for _key, pid in rows
        ]

    def _candidate(
        self, other: int | Handle, h: Handle, score: float, reason: str, line: int
    ) -> bool:
        o = self.handle(other)
        if o.pid is not None and (o.pid, h.pid) in self.pairs:
            return False
        self.new[MatchCandidate].append(
            MatchCandidate(
                **o.fk("existing"), **h.fk("incoming"), score=score, reason=reason, line=line
            )
        )
        return True

    def _stage(self, obj: models.Model, h: Handle | None, line: int, fieldname: str = "") -> None:
        self.new[type(obj)].append(obj)
        self.provenance.append((obj, h, line, fieldname, ""))

    def _attach(self, h: Handle, rec: PersonRecord) -> list[str]:
        changes: list[str] = []
        line = rec.line
        if h.pid is not None:
            values = {
                "gender": rec.gender,
                "city": rec.city,
                "country": rec.country,
                "headline": rec.headline,
                "directory_opt_out": rec.opt_out,
            }
            for name, value in values.items():
                if value in ("", None) or name in h.touched:
                    continue
                current = h.fields[name]
                if value == current:
                    continue
                if current not in ("", None, False) and not self.importer.authoritative:
                    continue
                if name == "directory_opt_out" and not self.importer.authoritative:
                    continue
                h.fields[name] = value
                h.touched.add(name)
                h.changed_fields[name] = line
                changes.append(f"{name} : {value}")
                self._diffs.append((FIELD_LABELS[name], _shown(current), _shown(value)))
        for email in rec.emails:
            if email not in h.emails:
                cp = ContactPoint(
                    **h.fk(), kind=ContactKind.EMAIL, value=email, is_primary=not h.emails
                )
                h.emails.add(email)
                self._stage(cp, h, line)
                changes.append(f"e-mail {email}")
                self._diffs.append(("e-mail", "", email))
        for phone, label in rec.phones:
            if phone not in h.phones:
                cp = ContactPoint(
                    **h.fk(),
                    kind=ContactKind.PHONE,
                    value=phone,
                    label=label[:40],
                    is_primary=not h.phones,
                )
                h.phones.add(phone)
                self._stage(cp, h, line)
                changes.append(f"téléphone {phone}")
                self._diffs.append(("téléphone", "", phone))
        for school, track, year in rec.affiliations:
            key = (self.schools[school], track, year)
            if key not in h.affiliations:
                h.affiliations.add(key)
                self._stage(
                    Affiliation(**h.fk(), school_id=key[0], track=track, year=year), h, line
                )
                changes.append(f"diplôme {school}{year % 100:02d} {track_label(track)}")
                self._diffs.append(
                    ("diplôme", "", f"{school}{year % 100:02d} {track_label(track)}")
                )
        for pos in rec.positions:
            changes += self._position(h, pos.org, pos.title, pos.kind, pos.start, pos.end, line)
        for thesis in rec.theses:
            changes += self._thesis(h, thesis, line)
        for dues in rec.dues:
            if dues.year not in h.dues:
                h.dues.add(dues.year)
                self._stage(
                    DuesPayment(
                        **h.fk(),
                        year=dues.year,
                        amount=dues.amount,
                        category=dues.category,
                        paid_on=dues.paid_on,
                    ),
                    h,
                    line,
                )
                shown = "montant inconnu" if dues.amount is None else f"{dues.amount} €"
                changes.append(f"cotisation {dues.year} : {shown}")
                self._diffs.append((f"cotisation {dues.year}", "", shown))
        for funding in rec.fundings:
            org = self.orgs.resolve(funding.funder, line)
            key2 = (org if isinstance(org, int) else id(org), fold(funding.title))
            known = h.fundings.get(key2)
            if known is not None and known[1] is None and funding.amount is not None:
                # A full funding record gives the amount its summary left out.
                known[1] = funding.amount
                if isinstance(known[0], int):
                    obj = PersonFunding(
                        pk=known[0], amount=funding.amount, currency=funding.currency
                    )
                    self.updated_fundings.append(obj)
                    self.provenance.append((obj, h, line, "amount", ""))
                else:
                    known[0].amount, known[0].currency = funding.amount, funding.currency
                changes.append(f"montant {funding.amount} {funding.currency}")
            elif known is None:
                obj = PersonFunding(
                    **h.fk(),
                    **_org_fk(org, "funder"),
                    title=funding.title[:500],
                    kind=funding.kind,
                    grant_number=funding.grant_number[:100],
                    amount=funding.amount,
                    currency=funding.currency,
                    start=funding.start,
                    end=funding.end,
                )
                h.fundings[key2] = [obj, funding.amount]
                self._stage(obj, h, line)
                changes.append(f"financement {funding.title}")
        for tie in rec.ties:
            if h.pid == tie.source_person_id:
                continue
            ties = self._facts("ties")
            key3 = (tie.source_person_id, h.pid if h.pid is not None else id(h), tie.kind)
            if key3 not in ties:
                ties.add(key3)
                self._stage(
                    Tie(
                        source_person_id=tie.source_person_id,
                        **h.fk("target_person"),
                        kind=tie.kind,
                        strength=tie.strength,
                        since=tie.since,
                        source=tie.origin[:120],
                    ),
                    h,
                    line,
                )
                changes.append(f"relation {tie.kind}")
        for scheme, value in rec.external_ids:
            owner = self.external.get((scheme, value))
            if owner is None:
                self.external[(scheme, value)] = h
                self._stage(PersonIdentifier(**h.fk(), scheme=scheme, value=value), h, line)
                changes.append(f"identifiant {scheme} {value}")
            elif self.handle(owner) is not h:
                self.report.warn(
                    line,
                    IdScheme(scheme).label,
                    value,
                    "identifiant déjà porté par une autre fiche : non rattaché",
                )
        return changes

    def _position(
        self,
        h: Handle,
        org_ref: OrgRef,
        title: str,
        kind: str,
        start: date | None,
        end: date | None,
        line: int,
    ) -> list[str]:
        org = self.orgs.resolve(org_ref, line)
        folded = fold(title)
        for pos in h.positions:
            if pos[0] is org or pos[0] == org:
                if pos[1] == folded:
                    return []
                if self.importer.authoritative and end is None and pos[2] is None:
                    # The association's directory says what the current job is called now.
                    if isinstance(pos[3], int):
                        self.updated_positions.append(Position(pk=pos[3], title=title[:200]))
                        self.provenance.append((Position(pk=pos[3]), h, line, "title", ""))
                    else:
                        pos[3].title = title[:200]
                    old = pos[4] if len(pos) > 4 else ""
                    pos[1] = folded
                    if len(pos) > 4:
                        pos[4] = title
                    self._diffs.append(("fonction", str(old), title))
                    return [f"fonction {title}"]
        obj = Position(**h.fk(), **_org_fk(org), title=title[:200], kind=kind, start=start, end=end)
        if start and end and end < start:
            obj.end = None
        h.positions.append([org, folded, end, obj, title])
        self._stage(obj, h, line)
        self._diffs.append(("poste", "", f"{title} — {org_ref.name}".strip(" —")))
        return [f"poste {title} — {org_ref.name}"]

    def _thesis(self, h: Handle, thesis: Any, line: int) -> list[str]:
        folded = fold(thesis.title)
        if folded in h.theses:
            return []
        h.theses.add(folded)
        lab = self.orgs.resolve(thesis.lab, line) if thesis.lab else None
        institution = self.orgs.resolve(thesis.institution, line) if thesis.institution else None
        obj = Thesis(
            **h.fk(),
            title=thesis.title[:500],
            discipline=thesis.discipline[:200],
            defence_year=thesis.defence_year,
            nnt=thesis.nnt[:20],
            doctoral_school=thesis.doctoral_school[:200],
            abstract=thesis.abstract,
            **(_org_fk(lab, "lab") if lab is not None else {}),
            **(_org_fk(institution, "institution") if institution is not None else {}),
        )
        self._stage(obj, h, line)
        for adv in thesis.advisors:
            advisor = ThesisAdvisor(thesis=obj, name=adv.name[:200])
            self._stage(advisor, h, line)
            if adv.idref:
                self.advisors_by_idref.append((advisor, adv.idref))
        changes = [f"thèse {thesis.title}"]
        if lab is not None:
            changes += self._position(
                h,
                thesis.lab,
                "Doctorant" if h.fields.get("gender") != "f" else "Doctorante",
                "phd",
                None,
                thesis.defended_on,
                line,
            )
        if isinstance(institution, int) and institution in self.school_orgs:
            code = self.school_orgs[institution]
            key = (self.schools[code], "docteur", thesis.defence_year)
            if key not in h.affiliations:
                h.affiliations.add(key)
                self._stage(
                    Affiliation(**h.fk(), school_id=key[0], track="docteur", year=key[2]),
                    h,
                    line,
                )
                changes.append(
                    f"diplôme {code}{thesis.defence_year % 100:02d} {track_label('docteur')}"
                )
        return changes

    # -- writing -------------------------------------------------------------------------

    def flush(self, run: ImportRun) -> None:
        """Write everything staged, in dependency order, with one provenance row per fact."""
        for advisor, idref in self.advisors_by_idref:
            ref = self.external.get((IdScheme.IDREF, idref))
            if ref is not None:
                h = self.handle(ref)
                if h.pid is not None:
                    advisor.person_id = h.pid
                else:
                    advisor.person = h.obj
        order: Iterable[type[models.Model]] = (
            Organisation,
            OrgIdentifier,
            OrgAlias,
            Person,
            PersonIdentifier,
            ContactPoint,
            Affiliation,
            Position,
            Thesis,
            ThesisAdvisor,
            DuesPayment,
            PersonFunding,
            Tie,
            MatchCandidate,
        )
        for model in order:
            insert(model, self.new.get(model, []))
        updates = [Person(pk=h.pid, **h.fields) for h in self.handles.values() if h.changed_fields]
        if updates:
            Person.objects.bulk_update(updates, list(PERSON_FIELDS), batch_size=BATCH)
            for h in self.handles.values():
                for name, line in sorted(h.changed_fields.items()):
                    self.provenance.append((Person(pk=h.pid), h, line, name, ""))
        if self.updated_positions:
            Position.objects.bulk_update(self.updated_positions, ["title"], batch_size=BATCH)
        if self.updated_fundings:
            PersonFunding.objects.bulk_update(self.updated_fundings, ["amount", "currency"])
        types: dict[type[models.Model], int] = {}
        rows = []
        for obj, owner, line, fieldname, key in self.provenance:
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model).pk
            rows.append(
                (
                    run.pk,
                    types[model],
                    obj.pk,
                    owner.person_id if owner is not None else None,
                    line,
                    fieldname,
                    key[:200],
                )
            )
        insert_rows(
            Provenance,
            ("run_id", "content_type_id", "object_id", "person_id", "line", "field", "record_key"),
            rows,
        )
        if any(self.new.values()) or updates or self.updated_positions:
            from filon.directory.index_signals import invalidate

            # The people this file wrote about: their search documents and graph nodes only.
            touched = {row[3] for row in rows if row[3] is not None}
            touched |= {h.pid for h in self.handles.values() if h.pid is not None}
            touched |= {p.pk for p in self.new.get(Person, []) if p.pk is not None}
            invalidate(person_ids=touched)


class OrgResolver:
    """Organisations by identifier, then by :func:`~filon.imports.matching.org_key`."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.by_id: dict[tuple[str, str], OrgHandle] = {
            (scheme, value): oid
            for oid, scheme, value in OrgIdentifier.objects.values_list(
                "organisation_id", "scheme", "value"
            )
        }
        self.by_key: dict[str, OrgHandle] = {}
        orgs = list(Organisation.objects.values_list("pk", "name", "short_name"))
        for oid, name, _short in orgs:
            self.by_key.setdefault(org_key(name), oid)
        for oid, _name, short in orgs:
            if short:
                self.by_key.setdefault(org_key(short), oid)
        for oid, name in OrgAlias.objects.values_list("organisation_id", "name"):
            self.by_key.setdefault(org_key(name), oid)

    def resolve(self, ref: OrgRef, line: int) -> OrgHandle:
        found: OrgHandle | None = None
        for ident in ref.identifiers:
            if ident in self.by_id:
                found = self.by_id[ident]
                break
        key = org_key(ref.name)
        if found is None:
            found = self.by_key.get(key)
        if found is None:
            found = Organisation(
                name=ref.name[:255],
                name_folded=fold(ref.name[:255]),
                kind=ref.kind,
                city=ref.city[:120],
                country=ref.country[:2],
            )
            self.loader._stage(found, None, line)
            self.by_key[key] = found
        for ident in ref.identifiers:
            if ident not in self.by_id:
                self.by_id[ident] = found
                self.loader._stage(
                    OrgIdentifier(**_org_fk(found), scheme=ident[0], value=ident[1][:64]),
                    None,
                    line,
                )
        return found
