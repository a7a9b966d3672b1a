"""Writes of the imports: running an import, merging two people, keeping two people apart.

Each action runs in one transaction and writes one audit row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filon.audit.actions import record
from filon.audit.models import AuditEntry
from filon.directory.models import Person
from filon.imports.base import Importer, ImportReport, format_refusal, sha256
from filon.imports.models import ImportRun, MatchCandidate, MatchStatus, Provenance, RunStatus

PROGRESS_EVERY = 250
#: Changed items a run keeps in its report (the JSON report of the command line has them all).
STORED_ITEMS = 500
TOO_DEEP = _(
    "une imbrication raisonnable attendue : valeurs imbriquées trop profondément, fichier refusé"
)
#: Fields of the dropped person that fill the kept one's when it leaves them empty.
FILLED_ON_MERGE = ("gender", "headline", "bio", "city", "country")


def import_file(
    actor: Any,
    importer: Importer,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    origin: str = "cli",
    run: ImportRun | None = None,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one file, all or nothing, and say what was (or would be) done.

    The file is read and every record matched against the directory; if any row is invalid,
    or for a dry run, nothing is written. Otherwise everything is written in one transaction,
    with an :class:`~filon.imports.models.ImportRun`, the provenance of each new fact and one
    audit row. ``run`` is the upload being confirmed (web); the command line makes its own.
    """
    started = time.perf_counter()
    report = importer.new_report(
        kind=importer.kind, filename=filename, sha256=sha256(data), dry_run=dry_run
    )
    refusal = format_refusal(data, importer.formats)
    records: list[Any] = []
    if refusal:
        # A PNG named .csv, a spreadsheet's binary, JSON given for a CSV: one line, no parsing.
        report.error(1, _("fichier"), filename, refusal)
    else:
        try:
            records = importer.parse(data, report)
        except RecursionError:
            # Values nested thousands deep (JSON arrays in arrays, XML elements in elements): no
            # source writes them, and reading them would exhaust the stack.
            records = []
            report.error(1, _("fichier"), filename, TOO_DEEP)
    tick = progress or (lambda _n: None)
    # A dry run only reads: no transaction, so that SQLite's writers are not held up meanwhile.
    with transaction.atomic() if not dry_run else nullcontext():
        loader = importer.make_loader(report)
        if on_start:
            on_start(len(records))
        for i, rec in enumerate(records, 1):
            loader.apply(rec)
            if i % PROGRESS_EVERY == 0:
                tick(PROGRESS_EVERY)
        tick(len(records) % PROGRESS_EVERY)
        loader.finish()
        report.items.sort(key=lambda item: item.line)
        report.sort_errors()
        if report.errors or dry_run:
            report.seconds = time.perf_counter() - started
            return report
        if run is None:
            run = ImportRun(
                kind=importer.kind,
                filename=filename[:255],
                sha256=report.sha256,
                origin=origin,
                options=importer.run_options(),
            )
        run.actor = actor if getattr(actor, "is_authenticated", False) else None
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.save()
        loader.flush(run)
        report.written = True
        report.run_id = run.pk
        report.seconds = time.perf_counter() - started
        run.report = stored_report(report)
        run.save(update_fields=["report"])
        record(
            importer.audit_action,
            actor=actor,
            target=run,
            kind=importer.kind,
            origin=origin,
            file=filename,
            sha256=report.sha256,
            rows=report.rows,
            **report.counts,
            **importer.audit_details(report),
        )
    return report


def stored_report(report: ImportReport) -> dict[str, Any]:
    """What a run keeps of its report: the counts, the first errors and warnings, the first
    changed items (with the status label the page shows) and the people absent."""
    out = report.as_dict(items=False)
    changed = report.changed
    out["items"] = [i.as_dict() | {"status_label": i.status_label} for i in changed[:STORED_ITEMS]]
    out["more"] = max(0, len(changed) - STORED_ITEMS)
    return out


def export_directory(actor: Any, path: Path) -> int:
    """Write the whole directory as an annuaire CSV (everyone's contact details: logged)."""
    from filon.imports.annuaire import export_annuaire

    with transaction.atomic():
        rows = export_annuaire(path)
        record("directory.export", actor=actor, file=path.name, rows=rows, format="annuaire")
    return rows


# -- merging -----------------------------------------------------------------------------------


class MergeRefused(ValueError):
    """The two people cannot be merged (the same person, or two sign-in accounts)."""


def _repoint(
    model: type[models.Model], fieldname: str, keep: Person, drop: Person
) -> tuple[int, int]:
    """Point ``model.fieldname`` from drop to keep; rows that would duplicate one of keep's
    (a unique constraint says so) are deleted. Returns (moved, deleted)."""
    manager = model._default_manager
    rows = manager.filter(**{fieldname: drop.pk})
    try:
        with transaction.atomic():
            return rows.update(**{fieldname: keep.pk}), 0
    except IntegrityError:
        pass
    moved = deleted = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                moved += manager.filter(pk=pk).update(**{fieldname: keep.pk})
        except IntegrityError:
            manager.filter(pk=pk).delete()
            deleted += 1
    return moved, deleted


def merge_people(actor: Any, keep: Person, drop: Person) -> Person:
    """Make one person of two: everything of ``drop`` moves to ``keep``, then drop is deleted.

    Positions, diplomas, contact points, theses, ties, dues, group memberships, contact reveals,
    identifiers, provenance and audit-log entries all move, whatever app they belong to (every
    relation to Person is followed). A fact keep already has (same e-mail, same dues year, same
    tie…) is kept once. Refused when both have a sign-in account.
    """
    from filon.accounts.models import User

    if keep.pk == drop.pk:
        raise MergeRefused(_("Une personne ne peut pas être fusionnée avec elle-même."))
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        drop = Person.objects.select_for_update().get(pk=drop.pk)
        if User.objects.filter(person=keep).exists() and User.objects.filter(person=drop).exists():
            raise MergeRefused(
                _(
                    "Les deux fiches ont chacune un compte : "
                    "fusion impossible sans l'administrateur."
                )
            )
        MatchCandidate.objects.filter(
            Q(existing=keep, incoming=drop) | Q(existing=drop, incoming=keep)
        ).delete()
        moved: dict[str, int] = {}
        duplicates: dict[str, int] = {}

        def note(label: str, result: tuple[int, int]) -> None:
            if result[0]:
                moved[label] = moved.get(label, 0) + result[0]
            if result[1]:
                duplicates[label] = duplicates.get(label, 0) + result[1]

        for rel in Person._meta.related_objects:
            field: Any = rel.field
            if rel.many_to_many:  # another model's ManyToManyField to Person
                through = field.remote_field.through
                moved_rows = _repoint(through, field.m2m_reverse_field_name(), keep, drop)
                note(through._meta.label_lower, moved_rows)
            else:
                model: Any = rel.related_model
                note(model._meta.label_lower, _repoint(model, field.name, keep, drop))
        for m2m in Person._meta.many_to_many:
            m2m_field: Any = m2m
            through = m2m_field.remote_field.through
            note(
                through._meta.label_lower,
                _repoint(through, m2m_field.m2m_field_name(), keep, drop),
            )
        person_type = ContentType.objects.get_for_model(Person)
        note(
            "imports.provenance",
            (
                Provenance.objects.filter(content_type=person_type, object_id=drop.pk).update(
                    object_id=keep.pk
                ),
                0,
            ),
        )
        note(
            "audit.auditentry",
            (
                AuditEntry.objects.filter(
                    target_type=Person._meta.label_lower, target_id=str(drop.pk)
                ).update(target_id=str(keep.pk)),
                0,
            ),
        )
        filled = []
        for name in FILLED_ON_MERGE:
            if not getattr(keep, name) and getattr(drop, name):
                setattr(keep, name, getattr(drop, name))
                filled.append(name)
        keep.save()
        dropped = {"id": drop.pk, "name": drop.full_name}
        drop.delete()
        record(
            "person.merge",
            actor=actor,
            target=keep,
            dropped=dropped,
            moved=moved,
            duplicates_removed=duplicates,
            filled=filled,
        )
    return keep


def decide_separate(actor: Any, candidate: Any, *, status: str, action: str) -> Any:
    """Record that the two records of a possible duplicate (people or organisations) are two.

    ``candidate`` is a pending match (it has ``status``, ``decided_by``, ``decided_at``,
    ``existing_id`` and ``incoming_id``); ``action`` names the audit-log row.
    """
    with transaction.atomic():
        candidate.status = status
        candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            action,
            actor=actor,
            target=candidate,
            existing=candidate.existing_id,
            incoming=candidate.incoming_id,
        )
    return candidate


def keep_separate(actor: Any, candidate: MatchCandidate) -> MatchCandidate:
    """Record that the two people of a possible duplicate are two people."""
    result: MatchCandidate = decide_separate(
        actor, candidate, status=MatchStatus.SEPARATE, action="person.keep_separate"
    )
    return result
