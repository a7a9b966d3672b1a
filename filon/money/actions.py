"""Writes of the money app: importing a grant file, merging two organisations, keeping two apart.

Each action runs in one transaction and writes one audit row.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filon.audit.actions import record
from filon.audit.models import AuditEntry
from filon.imports.actions import decide_separate, import_file
from filon.money.importers import FundingImporter
from filon.money.loader import FundingReport
from filon.money.models import OrgMatchCandidate, OrgMatchStatus
from filon.orgs.models import OrgAlias, Organisation

#: What ImportRun.kind says of a grant file.
RUN_KIND = "funding"


def import_funding(
    actor: Any,
    importer: FundingImporter,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    origin: str = "cli",
) -> FundingReport:
    """Import one grant file, all or nothing, and say what was (or would be) done.

    The file is read and every row matched against Filon (organisations, programmes, projects,
    participations); if any row is invalid, or for a dry run, nothing is written. Otherwise
    everything is written in one transaction, with an :class:`~filon.imports.models.ImportRun`,
    the provenance (file and line) of each new fact and one audit row.
    """
    report = import_file(actor, importer, data, filename, dry_run=dry_run, origin=origin)
    assert isinstance(report, FundingReport)
    return report


# -- merging organisations --------------------------------------------------------------------


class MergeRefused(ValueError):
    """The two organisations cannot be merged."""


def _repoint(model: type[models.Model], fieldname: str, keep_pk: int, drop_pk: int) -> int:
    """Point ``model.fieldname`` from drop to keep; rows that would then duplicate one of
    keep's (a unique constraint says so) are deleted. Returns how many rows moved."""
    manager = model._default_manager
    rows = manager.filter(**{fieldname: drop_pk})
    try:
        with transaction.atomic():
            return rows.update(**{fieldname: keep_pk})
    except IntegrityError:
        pass
    moved = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                moved += manager.filter(pk=pk).update(**{fieldname: keep_pk})
        except IntegrityError:
            manager.filter(pk=pk).delete()
    return moved


def merge_organisations(actor: Any, keep: Organisation, drop: Organisation) -> Organisation:
    """Make one organisation of two: everything pointing to ``drop`` moves to ``keep``.

    Positions, theses, thesis fundings, participations, programmes, identifiers, other names,
    units, groups… every relation to Organisation is followed, whatever its app. ``drop``'s
    name becomes another name of ``keep``. Refused when both are a school's organisation.
    """
    if keep.pk == drop.pk:
        raise MergeRefused(_("Une organisation ne peut pas être fusionnée avec elle-même."))
    with transaction.atomic():
        keep = Organisation.objects.select_for_update().get(pk=keep.pk)
        drop = Organisation.objects.select_for_update().get(pk=drop.pk)
        if hasattr(keep, "school") and hasattr(drop, "school"):
            raise MergeRefused(_("Les deux organisations sont chacune une école du réseau."))
        OrgMatchCandidate.objects.filter(
            Q(existing=keep, incoming=drop) | Q(existing=drop, incoming=keep)
        ).delete()
        moved: dict[str, int] = {}
        for rel in Organisation._meta.related_objects:
            field: Any = rel.field
            if rel.many_to_many:
                through = field.remote_field.through
                n = _repoint(through, field.m2m_reverse_field_name(), keep.pk, drop.pk)
                label = through._meta.label_lower
            else:
                model: Any = rel.related_model
                n = _repoint(model, field.name, keep.pk, drop.pk)
                label = model._meta.label_lower
            if n:
                moved[label] = moved.get(label, 0) + n
        AuditEntry.objects.filter(
            target_type=Organisation._meta.label_lower, target_id=str(drop.pk)
        ).update(target_id=str(keep.pk))
        names = {a.casefold() for a in keep.aliases.values_list("name", flat=True)}
        if drop.name.casefold() != keep.name.casefold() and drop.name.casefold() not in names:
            OrgAlias.objects.create(organisation=keep, name=drop.name)
        if keep.parent_id == drop.pk:
            keep.parent_id = drop.parent_id if drop.parent_id != keep.pk else None
        for name in ("short_name", "city", "country", "website", "sector_id"):
            if not getattr(keep, name) and getattr(drop, name):
                setattr(keep, name, getattr(drop, name))
        keep.save()
        dropped = {"id": drop.pk, "name": drop.name}
        drop.delete()
        record("organisation.merge", actor=actor, target=keep, dropped=dropped, moved=moved)
        from filon.directory.index_signals import invalidate
        from filon.directory.models import Position, Thesis

        # Positions and theses now name the kept organisation: those people's documents change.
        people = set(Position.objects.filter(organisation=keep).values_list("person_id", flat=True))
        people |= set(Thesis.objects.filter(lab=keep).values_list("person_id", flat=True))
        invalidate(person_ids=people)
    return keep


def keep_organisations_separate(actor: Any, candidate: OrgMatchCandidate) -> OrgMatchCandidate:
    """Record that the two organisations of a possible duplicate are two organisations."""
    result: OrgMatchCandidate = decide_separate(
        actor, candidate, status=OrgMatchStatus.SEPARATE, action="organisation.keep_separate"
    )
    return result
