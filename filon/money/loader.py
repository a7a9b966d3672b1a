"""Matching grant rows against Filon, then writing them in bulk.

:class:`FundingLoader` reads once what Filon holds (organisations with their identifiers and
other names, programmes, the projects the file names and their participations), then takes the
rows one by one, in memory: it finds or plans each organisation (:mod:`filon.money.matching`),
programme, project and participation, and works out what is new or changed. Nothing is written
until :meth:`FundingLoader.flush`, which inserts everything with multi-row INSERTs
(:mod:`filon.imports.bulk`) in dependency order, with the provenance of each new fact (file and
line). A dry run, or a file with one invalid row, never flushes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filon.core.money import as_strings, totals
from filon.core.text import fold
from filon.imports.base import ImportReport, ReportItem, Status
from filon.imports.bulk import insert, insert_rows
from filon.imports.models import ImportRun, Provenance
from filon.money.importers import FundingFile, GrantRow, ProgrammeFact, ProjectFact
from filon.money.matching import OrgFact, OrgIndex, Resolution, Slot
from filon.money.models import OrgMatchCandidate, Participation, Programme, Project
from filon.money.nomenclature import french_name
from filon.orgs.models import OrgAlias, Organisation, OrgIdentifier

BATCH = 2000
PROJECT_FIELDS = (
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
    "currency",
    "objective",
)
HOW = {
    "identifier": gettext_lazy("par identifiant"),
    "name": gettext_lazy("par le nom"),
    "country": gettext_lazy("par le nom, sans le pays"),
}


@dataclass
class FundingReport(ImportReport):
    """An import report, with what the grant file holds and what it made."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    matched: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    file_totals: dict[str, Decimal] = field(default_factory=dict)
    projects: int = 0
    organisations: int = 0

    def as_dict(self, *, items: bool = True) -> dict[str, Any]:
        out = super().as_dict(items=items)
        out["funding"] = {
            "projects": self.projects,
            "organisations": self.organisations,
            "total": as_strings(self.file_totals),
            "created": dict(self.created),
            "organisations_matched": dict(self.matched),
        }
        return out


@dataclass(eq=False)
class ProgrammeState:
    code: str
    pk: int | None = None
    obj: Programme | None = None
    parent: ProgrammeState | None = None
    parent_id: int | None = None
    name: str = ""
    short_name: str = ""
    funder_id: int | None = None
    depth: int = 0
    changed: set[str] = field(default_factory=set)

    def fk(self, name: str) -> dict[str, Any]:
        return {f"{name}_id": self.pk} if self.pk is not None else {name: self.obj}


@dataclass(eq=False)
class ProjectState:
    identifier: str
    pk: int | None = None
    obj: Project | None = None
    values: dict[str, Any] = field(default_factory=dict)
    programme: ProgrammeState | None = None
    programme_id: int | None = None
    funder_id: int | None = None
    line: int = 0  # the first line that describes it
    changed: dict[str, int] = field(default_factory=dict)  # field → line

    def fk(self, name: str = "project") -> dict[str, Any]:
        return {f"{name}_id": self.pk} if self.pk is not None else {name: self.obj}


class FundingLoader:
    """Match and stage the rows of one grant file; :meth:`flush` writes them."""

    def __init__(self, report: FundingReport, funding: FundingFile) -> None:
        self.report = report
        self.file = funding
        self.orgs = OrgIndex.from_db()
        self.new: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.provenance: list[tuple[models.Model, int, str, str]] = []
        self.programmes: dict[str, ProgrammeState] = {}
        self.projects: dict[str, ProjectState] = {}
        self.participations: dict[tuple[Any, Any, int | None], list[Any]] = {}
        self.updated_participations: list[Participation] = []
        self.seen_rows: dict[tuple[Any, Any, int | None], int] = {}
        self.candidates: set[tuple[int, int]] = set()
        self.funder: Slot | None = None
        self.row_orgs: set[int] = set()
        self._load()

    # -- what Filon holds ----------------------------------------------------------------

    def _load(self) -> None:
        rows = list(
            Programme.objects.values_list(
                "pk", "code", "parent_id", "name", "short_name", "funder_id"
            )
        )
        for pk, code, parent_id, name, short, funder_id in rows:
            self.programmes[code] = ProgrammeState(
                code, pk, None, None, parent_id, name, short, funder_id
            )
        identifiers = {r.project.identifier for r in self.file.rows}
        for project in Project.objects.filter(identifier__in=identifiers):
            self.projects[project.identifier] = ProjectState(
                project.identifier,
                project.pk,
                values={f: getattr(project, f) for f in PROJECT_FIELDS},
                programme_id=project.programme_id,
                funder_id=project.funder_id,
            )
        pks = [s.pk for s in self.projects.values() if s.pk is not None]
        for part in Participation.objects.filter(project_id__in=pks):
            key = (part.project_id, part.organisation_id, part.number)
            self.participations[key] = [part.pk, part.role, part.contribution, part.currency]
        self.pending_pairs = set(
            OrgMatchCandidate.objects.values_list("existing_id", "incoming_id")
        )

    # -- organisations -------------------------------------------------------------------

    def _stage(self, obj: models.Model, line: int, fieldname: str = "", key: str = "") -> None:
        self.new[type(obj)].append(obj)
        self.provenance.append((obj, line, fieldname, key))

    def organisation(self, fact: OrgFact, line: int, changes: list[str]) -> tuple[Slot, bool]:
        """The organisation ``fact`` names, planned for creation if new; and whether a possible
        duplicate went to the staff's review."""
        found: Resolution = self.orgs.resolve(fact)
        review = False
        slot = found.slot
        if found.how in ("new", "doubt"):
            obj = Organisation(
                name=fact.name,
                name_folded=fold(fact.name),
                short_name=fact.short_name,
                kind=fact.kind,
                city=fact.city,
                country=fact.country,
            )
            slot.obj, slot.line = obj, line
            self._stage(obj, line)
            self.orgs.add(slot, fact)
            for alias in fact.aliases:
                self._stage(OrgAlias(organisation=obj, name=alias, name_folded=fold(alias)), line)
            for scheme, value in fact.identifiers:
                self._stage(OrgIdentifier(organisation=obj, scheme=scheme, value=value), line)
            self.report.created["organisations"] += 1
            changes.append(_("organisation créée : %(n)s") % {"n": fact.name})
            if found.how == "doubt" and found.existing is not None:
                review = self._candidate(found.existing, slot, found, line, changes)
        else:
            self.report.matched[found.how] += 1
            for scheme, value in found.new_ids:
                self._stage(OrgIdentifier(**slot.fk(), scheme=scheme, value=value), line)
            self.orgs.attach(slot, found.new_ids)
            if found.how == "country":
                # Remember this spelling: the next file finds it at once, and so does search.
                self._stage(
                    OrgAlias(**slot.fk(), name=fact.name, name_folded=fold(fact.name)), line
                )
                self.orgs.remember_name(slot, fact.name)
            if found.how != "identifier" and fold(fact.name) != fold(slot.name):
                changes.append(
                    _("« %(a)s » reconnue comme %(b)s (%(how)s)")
                    % {"a": fact.name, "b": slot.name, "how": HOW[found.how]}
                )
        return slot, review

    def _candidate(
        self, existing: Slot, incoming: Slot, found: Resolution, line: int, changes: list[str]
    ) -> bool:
        pair = (id(existing), id(incoming))
        if pair in self.candidates:
            return False
        known = (existing.pk, incoming.pk) in self.pending_pairs
        if existing.pk is not None and incoming.pk is not None and known:
            return False
        self.candidates.add(pair)
        self._stage(
            OrgMatchCandidate(
                **existing.fk("existing"),
                **incoming.fk("incoming"),
                score=found.score,
                reason=f"{found.reason} : « {incoming.name} » / « {existing.name} »"[:200],
                line=line,
            ),
            line,
        )
        changes.append(_("doublon possible avec %(n)s, à examiner") % {"n": existing.name})
        return True

    # -- programmes and projects --------------------------------------------------------

    def programme(self, path: tuple[ProgrammeFact, ...], line: int) -> ProgrammeState | None:
        parent: ProgrammeState | None = None
        funder_id = self.funder.pk if self.funder is not None else None
        for depth, fact in enumerate(path):
            state = self.programmes.get(fact.code)
            if state is None:
                obj = Programme(
                    code=fact.code[:80],
                    name=(fact.name or fact.code)[:255],
                    name_fr=french_name(fact.code, fact.name)[:255],
                    short_name=fact.short_name[:80],
                    level=fact.level,
                    **(parent.fk("parent") if parent is not None else {}),
                    **(self.funder.fk("funder") if self.funder is not None else {}),
                )
                obj.name_folded = fold(f"{obj.short_name} {obj.name} {obj.name_fr}")[:255]
                state = ProgrammeState(
                    fact.code, None, obj, parent, None, obj.name, obj.short_name, None, depth
                )
                self.programmes[fact.code] = state
                self._stage(obj, line)
                self.report.created["programmes"] += 1
            elif state.pk is not None:
                if state.parent_id is None and parent is not None and state.parent is None:
                    state.parent = parent
                    state.changed.add("parent")
                if state.funder_id is None and funder_id is not None:
                    state.funder_id = funder_id
                    state.changed.add("funder")
                if fact.short_name and not state.short_name:
                    state.short_name = fact.short_name[:80]
                    state.changed.add("short_name")
                if fact.name and fact.name != fact.code and state.name == state.code:
                    state.name = fact.name[:255]
                    state.changed.add("name")
            parent = state
        return parent

    def project(
        self, fact: ProjectFact, programme: ProgrammeState | None, line: int, changes: list[str]
    ) -> tuple[ProjectState, bool]:
        """The project, planned for creation or update; and whether this row changed it."""
        values = {f: getattr(fact, f) for f in PROJECT_FIELDS}
        state = self.projects.get(fact.identifier)
        if state is None:
            obj = Project(
                identifier=fact.identifier,
                **values,
                **(programme.fk("programme") if programme is not None else {}),
                **(self.funder.fk("funder") if self.funder is not None else {}),
            )
            state = ProjectState(fact.identifier, None, obj, values, programme, line=line)
            self.projects[fact.identifier] = state
            self._stage(obj, line)
            self.report.created["projects"] += 1
            changes.append(_("projet créé"))
            return state, True
        if state.line:
            # Described by an earlier line already: that line wins.
            self._warn_differences(state, values, line)
            return state, False
        state.line = line
        for name, value in values.items():
            if value not in (None, "") and state.values.get(name) != value:
                state.values[name] = value
                state.changed[name] = line
        if programme is not None and (programme.pk is None or programme.pk != state.programme_id):
            state.programme = programme
            state.changed["programme"] = line
        if self.funder is not None and state.funder_id is None:
            state.changed["funder"] = line
        if state.changed:
            changes.append(_("projet mis à jour : %(f)s") % {"f": ", ".join(sorted(state.changed))})
        return state, bool(state.changed)

    def _warn_differences(self, state: ProjectState, values: dict[str, Any], line: int) -> None:
        for name in ("acronym", "title"):
            if values[name] and state.values.get(name) and values[name] != state.values[name]:
                self.report.warn(
                    line,
                    name,
                    values[name],
                    _("« %(v)s » comme à la ligne %(l)s (la première ligne du projet l'emporte)")
                    % {"v": state.values[name], "l": state.line},
                )

    # -- a row -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.file.funder is not None:
            changes: list[str] = []
            self.funder, _review = self.organisation(self.file.funder, 0, changes)

    def apply(self, row: GrantRow) -> ReportItem:
        changes: list[str] = []
        org, review = self.organisation(row.org, row.line, changes)
        self.row_orgs.add(id(org))
        programme = self.programme(row.programmes, row.line)
        project, project_changed = self.project(row.project, programme, row.line, changes)
        key = (project.pk or id(project), org.pk or id(org), row.number)
        if key in self.seen_rows:
            self.report.error(
                row.line,
                _("ligne"),
                row.label,
                _("une seule ligne par organisation et par rang dans un projet (déjà ligne %(l)s)")
                % {"l": self.seen_rows[key]},
            )
            return ReportItem(row.line, Status.REJECTED, row.label, changes=changes)
        self.seen_rows[key] = row.line
        status = Status.UNCHANGED
        existing = (
            self.participations.get((project.pk, org.pk, row.number))
            if project.pk is not None and org.pk is not None
            else None
        )
        if existing is None:
            part = Participation(
                **project.fk(),
                **org.fk(),
                role=row.role,
                number=row.number,
                contribution=row.amount,
                currency=row.currency,
                activity_type=row.activity_type,
            )
            self._stage(part, row.line, key=row.key)
            self.report.created["participations"] += 1
            status = Status.CREATED
        else:
            pk, role, amount, currency = existing
            if (role, amount, currency) != (row.role, row.amount, row.currency):
                self.updated_participations.append(
                    Participation(
                        pk=pk,
                        role=row.role,
                        contribution=row.amount,
                        currency=row.currency,
                        activity_type=row.activity_type,
                    )
                )
                self.provenance.append((Participation(pk=pk), row.line, "contribution", row.key))
                changes.append(
                    _("participation mise à jour : %(a)s → %(b)s")
                    % {"a": f"{amount} {currency}", "b": f"{row.amount} {row.currency}"}
                )
                status = Status.UPDATED
        if status == Status.UNCHANGED and project_changed:
            status = Status.UPDATED
        return ReportItem(row.line, status, row.label, changes=changes, review=review)

    def run(self) -> None:
        self.start()
        for row in self.file.rows:
            self.report.items.append(self.apply(row))
        self.report.projects = len({r.project.identifier for r in self.file.rows})
        self.report.organisations = len(self.row_orgs)
        self.report.file_totals = totals((r.amount, r.currency) for r in self.file.rows)

    # -- writing ---------------------------------------------------------------------------

    def flush(self, run: ImportRun) -> None:
        """Write everything staged, in dependency order, with one provenance row per fact."""
        for candidate in self.new.get(OrgMatchCandidate, []):
            candidate.run = run  # type: ignore[attr-defined]
        for first in (Organisation, OrgIdentifier, OrgAlias):
            insert(first, self.new.get(first, []))
        # A programme's parent must have its key before the child's row is written: one
        # statement per level of the tree.
        levels: dict[int, list[models.Model]] = defaultdict(list)
        for state in self.programmes.values():
            if state.obj is not None:
                levels[state.depth].append(state.obj)
        for depth in sorted(levels):
            insert(Programme, levels[depth])
        for later in (Project, Participation, OrgMatchCandidate):
            insert(later, self.new.get(later, []))
        self._update_programmes()
        self._update_projects()
        if self.updated_participations:
            Participation.objects.bulk_update(
                self.updated_participations,
                ["role", "contribution", "currency", "activity_type"],
                batch_size=BATCH,
            )
        types: dict[type[models.Model], int] = {}
        rows = []
        for obj, line, fieldname, key in self.provenance:
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model).pk
            rows.append((run.pk, types[model], obj.pk, None, line, fieldname, key[:200]))
        insert_rows(
            Provenance,
            ("run_id", "content_type_id", "object_id", "person_id", "line", "field", "record_key"),
            rows,
        )
        if self.new.get(Organisation):
            from filon.directory.index_signals import invalidate

            # New organisations are new places of the graph; no person's document changed.
            # (Aliases and identifiers feed neither the graph nor the search documents.)
            created = [o.pk for o in self.new[Organisation]]
            if all(pk is not None for pk in created):
                invalidate(person_ids=(), organisation_ids=created)
            else:
                invalidate()

    def _update_programmes(self) -> None:
        for state in self.programmes.values():
            if state.pk is None or not state.changed:
                continue
            values: dict[str, Any] = {}
            if "parent" in state.changed and state.parent is not None:
                values["parent_id"] = state.parent.pk or (
                    state.parent.obj.pk if state.parent.obj else None
                )
            if "funder" in state.changed:
                values["funder_id"] = state.funder_id
            if "short_name" in state.changed:
                values["short_name"] = state.short_name
            if "name" in state.changed:
                values["name"] = state.name
            programme = Programme.objects.get(pk=state.pk)
            for name, value in values.items():
                setattr(programme, name, value)
            programme.save()

    def _update_projects(self) -> None:
        updates = []
        now = timezone.now()
        for state in self.projects.values():
            if state.pk is None or not state.changed:
                continue
            project = Project(pk=state.pk, **{f: state.values[f] for f in PROJECT_FIELDS})
            if state.programme is not None:
                project.programme_id = state.programme.pk or (
                    state.programme.obj.pk if state.programme.obj else None
                )
            project.funder_id = state.funder_id or (self.funder.id if self.funder else None)
            # bulk_update skips auto_now: the topic index (filon.money.topic) watches this date.
            project.updated_at = now
            updates.append(project)
            for name, line in state.changed.items():
                self.provenance.append((Project(pk=state.pk), line, name, ""))
        if updates:
            Project.objects.bulk_update(
                updates, [*PROJECT_FIELDS, "programme", "funder", "updated_at"], batch_size=BATCH
            )


class FundingRun:
    """A grant file's rows through :func:`filon.imports.actions.import_file`: the loader the
    import framework drives (``apply`` each row, ``finish``, ``flush``)."""

    def __init__(self, report: ImportReport, funding: FundingFile) -> None:
        assert isinstance(report, FundingReport)
        self.report = report
        self.file = funding
        self.loader = FundingLoader(report, funding)
        self.loader.start()

    def apply(self, row: GrantRow) -> ReportItem:
        item = self.loader.apply(row)
        self.report.items.append(item)
        return item

    def finish(self) -> None:
        rows = self.file.rows
        self.report.projects = len({r.project.identifier for r in rows})
        self.report.organisations = len(self.loader.row_orgs)
        self.report.file_totals = totals((r.amount, r.currency) for r in rows)

    def flush(self, run: ImportRun) -> None:
        self.loader.flush(run)
