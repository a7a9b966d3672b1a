"""Reads of the imports: runs, provenance of a person's facts, possible duplicates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet

from filon.directory.models import Affiliation, ContactKind, ContactPoint, Person, Position
from filon.imports.models import ImportRun, MatchCandidate, MatchStatus, Provenance


def member_by_email(email: str) -> Person | None:
    """The person with this e-mail: their account's, else one of their contact points."""
    from filon.accounts.models import User

    address = email.strip().lower()
    user = User.objects.filter(email=address, person__isnull=False).first()
    if user is not None:
        return user.person
    contact = (
        ContactPoint.objects.filter(kind=ContactKind.EMAIL, value__iexact=address)
        .select_related("person")
        .first()
    )
    return contact.person if contact else None


def recent_runs(limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("actor").order_by("-created_at")[:limit]


@dataclass
class SourceLine:
    """One imported fact of a person and where it came from."""

    what: str
    fact: str
    filename: str
    line: int
    at: Any
    kind: str
    run_id: int


def provenance_of(person: Person) -> list[SourceLine]:
    """The facts of ``person`` that imports wrote, each with its file, line and date."""
    rows = list(
        Provenance.objects.filter(person=person)
        .select_related("run", "content_type")
        .order_by("-run__created_at", "line", "pk")[:500]
    )
    by_type: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        by_type[row.content_type_id].add(row.object_id)
    objects: dict[tuple[int, int], Any] = {}  # (content type, pk) → the fact
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for found in model._default_manager.filter(pk__in=ids):
            objects[(type_id, found.pk)] = found
    out = []
    for row in rows:
        obj = objects.get((row.content_type_id, row.object_id))
        if obj is None:
            continue  # the fact was deleted since
        what = str(row.content_type.model_class()._meta.verbose_name)  # type: ignore[union-attr]
        fact = str(obj)
        if row.field:
            fact = f"{row.field} : {getattr(obj, row.field, '')}"
        out.append(
            SourceLine(
                what.capitalize(),
                fact,
                row.run.filename,
                row.line,
                row.run.finished_at or row.run.created_at,
                row.run.get_kind_display(),
                row.run_id,
            )
        )
    return out


@dataclass
class Side:
    """One person of a possible duplicate, as the merge page shows them."""

    person: Person
    promos: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    has_account: bool = False


def _side(person: Person) -> Side:
    side = Side(person)
    side.promos = [f"{a.promo} {a.get_track_display()}" for a in person.affiliations.all()]
    for c in person.contact_points.all():
        (side.emails if c.kind == ContactKind.EMAIL else side.phones).append(c.display)
    side.positions = [
        f"{p.title} — {p.organisation}" + ("" if p.end is None else f" ({p.end.year})")
        for p in person.positions.all()
    ]
    side.sources = sorted(
        {f"{p.run.filename}:{p.line}" for p in person.provenance.all() if not p.field}
    )[:5]
    side.has_account = hasattr(person, "account")
    return side


def pending_candidates(limit: int = 50) -> list[tuple[MatchCandidate, Side, Side]]:
    """Possible duplicates awaiting a decision, most alike first, each with both sides."""
    people = Person.objects.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("school")),
        "contact_points",
        Prefetch("positions", queryset=Position.objects.select_related("organisation")),
        Prefetch("provenance", queryset=Provenance.objects.select_related("run")),
    ).select_related("account")
    candidates = list(
        MatchCandidate.objects.filter(status=MatchStatus.PENDING)
        .select_related("run")
        .prefetch_related(
            Prefetch("existing", queryset=people), Prefetch("incoming", queryset=people)
        )
        .order_by("-score", "pk")[:limit]
    )
    return [(c, _side(c.existing), _side(c.incoming)) for c in candidates]


def pending_count() -> int:
    return MatchCandidate.objects.filter(status=MatchStatus.PENDING).count()
