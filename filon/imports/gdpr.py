"""The imports part of a person's personal data (GDPR), for :mod:`filon.directory.gdpr`: where
each imported fact about them came from, their identifiers in other systems (ORCID, IdRef,
LinkedIn, vCard UID: enough to recognise them again), the fundings their ORCID record declared
and the merge proposals that name them. Erasure deletes all of these, and scrubs their names
and addresses from the reports of the import runs (which quote rows of the files)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from filon.directory.gdpr import Part, Subject, iso, needles, register, scrub
from filon.imports.models import (
    ImportRun,
    MatchCandidate,
    PersonFunding,
    PersonIdentifier,
    Provenance,
)


def export(subject: Subject) -> dict[str, Any]:
    data: dict[str, Any] = {"identifiers": [], "sources": [], "declared_fundings": []}
    person = subject.person
    if person is not None:
        data["identifiers"] = [
            {"scheme": i.scheme, "value": i.value}
            for i in PersonIdentifier.objects.filter(person=person).order_by("pk")
        ]
        data["sources"] = [
            {
                "file": p.run.filename,
                "imported_at": iso(p.run.created_at),
                "line": p.line,
                "field": p.field,
            }
            for p in Provenance.objects.filter(person=person).select_related("run")
        ]
        data["declared_fundings"] = [
            {
                "funder": f.funder.name,
                "title": f.title,
                "kind": f.kind,
                "grant_number": f.grant_number,
                "amount": str(f.amount) if f.amount is not None else None,
                "currency": f.currency,
                "start": iso(f.start),
                "end": iso(f.end),
            }
            for f in PersonFunding.objects.filter(person=person).select_related("funder")
        ]
        data["merge_proposals"] = MatchCandidate.objects.filter(
            Q(existing=person) | Q(incoming=person)
        ).count()
    if subject.account is not None:
        data["imports_run"] = [
            {"file": r.filename, "kind": r.kind, "at": iso(r.created_at), "status": r.status}
            for r in ImportRun.objects.filter(actor=subject.account).order_by("created_at")
        ]
    return data


def erase(subject: Subject) -> dict[str, int]:
    done: dict[str, int] = {}
    person = subject.person
    if person is not None:
        done["sources"] = Provenance.objects.filter(person=person).delete()[0]
        done["identifiers"] = PersonIdentifier.objects.filter(person=person).delete()[0]
        done["declared_fundings"] = PersonFunding.objects.filter(person=person).delete()[0]
        done["merge_proposals"] = MatchCandidate.objects.filter(
            Q(existing=person) | Q(incoming=person)
        ).delete()[0]
    done["reports_scrubbed"] = 0
    if subject.strings:
        match = Q()
        for needle in needles(subject.strings):
            match |= Q(report_text__icontains=needle) | Q(filename__icontains=needle)
        runs = ImportRun.objects.annotate(report_text=Cast("report", TextField())).filter(match)
        for run in runs:
            ImportRun.objects.filter(pk=run.pk).update(
                report=scrub(run.report, subject.strings),
                filename=scrub(run.filename, subject.strings),
            )
            done["reports_scrubbed"] += 1
    return done


register(
    Part(
        key="imports",
        models=(
            "imports.ImportRun",
            "imports.Provenance",
            "imports.PersonIdentifier",
            "imports.MatchCandidate",
            "imports.PersonFunding",
        ),
        export=export,
        erase=erase,
        kept=(
            "Les imports eux-mêmes (fichier, date, nombre de lignes), sans son nom ni ses adresses."
        ),
    )
)
