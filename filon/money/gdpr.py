"""The money part of personal data (GDPR), for :mod:`filon.directory.gdpr`: the staff's
decisions on look-alike organisations name the staff account that took them, nothing else."""

from __future__ import annotations

from typing import Any

from filon.directory.gdpr import Part, Subject, iso, register
from filon.money.models import OrgMatchCandidate


def export(subject: Subject) -> list[dict[str, Any]]:
    if subject.account is None:
        return []
    return [
        {"status": c.status, "decided_at": iso(c.decided_at)}
        for c in OrgMatchCandidate.objects.filter(decided_by=subject.account)
    ]


def erase(subject: Subject) -> dict[str, int]:
    """The decisions stay, pointing to the account, which erasure anonymises."""
    return {}


register(
    Part(
        key="organisation_merges",
        models=("money.OrgMatchCandidate",),
        export=export,
        erase=erase,
        kept="Les décisions de fusion d'organisations, liées au compte anonymisé.",
    )
)
