"""Read helpers for the association: dues history, dues rates, member counts, growth.

Every figure is computed by aggregate queries in the database (a handful per call, whatever
the number of members and years), never by loading the members into Python.

Definitions (the same as :func:`filon.core.demo.generator.dues_rates`):

- a person counts as a member of a track for a year in every track they hold a diploma of
  dated that year or earlier;
- a member has paid for a year when a :class:`DuesPayment` of that year exists;
- "engineers" (:data:`~filon.directory.models.ENGINEERS`) gathers the tracks of
  :data:`~filon.directory.models.ENGINEER_TRACKS`, each person counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q

from filon.association.models import DuesPayment
from filon.directory.models import ENGINEER_TRACKS, ENGINEERS, Affiliation, Person, Track

#: The first year the dashboard shows.
FIRST_DUES_YEAR = 2015

#: Display order of the figures: the engineers aggregate first, then the tracks.
FIGURE_ORDER: tuple[str, ...] = (ENGINEERS, *(t.value for t in Track))

Rates = dict[str, dict[str, Any]]


def figure_order(keys: Iterable[str]) -> list[str]:
    """``keys`` sorted in display order (unknown codes last, alphabetically)."""
    rank = {k: i for i, k in enumerate(FIGURE_ORDER)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


def dues_history(person: Person | int) -> list[DuesPayment]:
    """A person's dues payments, latest year first."""
    person_id = person if isinstance(person, int) else person.pk
    return list(DuesPayment.objects.filter(person_id=person_id).order_by("-year"))


def last_dues_year() -> int | None:
    """The latest year with at least one payment, or None when nobody ever paid."""
    year: int | None = DuesPayment.objects.aggregate(last=Max("year"))["last"]
    return year


def dues_years(first: int = FIRST_DUES_YEAR) -> list[int]:
    """The years the dashboard shows: ``first`` to the latest year with a payment."""
    last = last_dues_year()
    if last is None:
        return []
    return list(range(min(first, last), last + 1))


def _members_by_year(years: list[int]) -> dict[int, dict[str, int]]:
    """{year: {track or "engineers": members}}, in two queries."""
    counts = {f"y{y}": Count("person_id", distinct=True, filter=Q(year__lte=y)) for y in years}
    out: dict[int, dict[str, int]] = {y: {} for y in years}
    # One column per year, named at run time: too dynamic for django-stubs' typed rows.
    rows: Any = Affiliation.objects.order_by().values("track").annotate(**counts)
    for row in rows:
        for y in years:
            if row[f"y{y}"]:
                out[y][row["track"]] = row[f"y{y}"]
    engineers = Affiliation.objects.filter(track__in=ENGINEER_TRACKS).aggregate(**counts)
    for y in years:
        if engineers[f"y{y}"]:
            out[y][ENGINEERS] = engineers[f"y{y}"]
    return out


def _payers_by_year(years: list[int]) -> dict[int, dict[str, int]]:
    """{year: {track or "engineers": members who paid}}, in two queries."""
    out: dict[int, dict[str, int]] = {y: {} for y in years}
    # One filter() call: the diploma that gives the track is the one dated before the year.
    by_track = (
        DuesPayment.objects.filter(year__in=years, person__affiliations__year__lte=F("year"))
        .order_by()
        .values("year", "person__affiliations__track")
        .annotate(paid=Count("person_id", distinct=True))
    )
    for row in by_track:
        out[row["year"]][row["person__affiliations__track"]] = row["paid"]
    engineers = (
        DuesPayment.objects.filter(
            year__in=years,
            person__affiliations__track__in=ENGINEER_TRACKS,
            person__affiliations__year__lte=F("year"),
        )
        .order_by()
        .values("year")
        .annotate(paid=Count("person_id", distinct=True))
    )
    for year, paid in engineers.values_list("year", "paid"):
        out[year][ENGINEERS] = paid
    return out


def dues_rates_by_year(years: Iterable[int]) -> dict[int, Rates]:
    """:func:`dues_rates` for several years at once, in four queries."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    members = _members_by_year(wanted)
    payers = _payers_by_year(wanted)
    out: dict[int, Rates] = {}
    for y in wanted:
        rates: Rates = {}
        tracks = sorted(k for k in members[y] if k != ENGINEERS)
        for key in [*tracks, ENGINEERS] if ENGINEERS in members[y] else tracks:
            n = members[y][key]
            k = payers[y].get(key, 0)
            rates[key] = {"members": n, "paid": k, "rate": round(k / n, 4) if n else 0.0}
        out[y] = rates
    return out


def dues_rates(year: int) -> Rates:
    """Members, payers and rate per track for ``year``, plus the "engineers" aggregate.

    Returns ``{track: {"members": int, "paid": int, "rate": float}}`` with the rate rounded to
    4 decimals; only the tracks with at least one member that year appear.
    """
    return dues_rates_by_year([year])[year]


def paying_growth(years: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Paying members per year: ``{year: {"total": n, "change": n - previous, "tracks": {…}}}``.

    ``tracks`` holds the payers per track (and "engineers") as in :func:`dues_rates`;
    ``change`` is None for the first year asked.
    """
    wanted = sorted(set(years))
    if not wanted:
        return {}
    totals = dict(
        DuesPayment.objects.filter(year__in=wanted)
        .order_by()
        .values_list("year")
        .annotate(n=Count("person_id", distinct=True))
    )
    payers = _payers_by_year(wanted)
    out: dict[int, dict[str, Any]] = {}
    previous: int | None = None
    for y in wanted:
        total = totals.get(y, 0)
        out[y] = {
            "total": total,
            "change": None if previous is None else total - previous,
            "tracks": {k: payers[y][k] for k in figure_order(payers[y])},
        }
        previous = total
    return out


def member_counts() -> dict[str, Any]:
    """How many members, by school, by track, and by decade of their first diploma.

    ``{"total": n, "by_school": {code: n}, "by_track": {code: n}, "by_decade": {"1950": n}}``;
    a person with diplomas of two schools (or two tracks) counts in each; ``total`` counts
    every person of the directory once.
    """
    by_school = dict(
        Affiliation.objects.order_by()
        .values_list("school__code")
        .annotate(n=Count("person_id", distinct=True))
    )
    by_track = dict(
        Affiliation.objects.order_by()
        .values_list("track")
        .annotate(n=Count("person_id", distinct=True))
    )
    # A person's first diploma: no diploma of theirs is older.
    older = Affiliation.objects.filter(person_id=OuterRef("person_id"), year__lt=OuterRef("year"))
    first_years = (
        Affiliation.objects.filter(~Exists(older))
        .order_by()
        .values_list("year")
        .annotate(n=Count("person_id", distinct=True))
    )
    by_decade: dict[str, int] = {}
    for year, n in sorted(first_years):
        decade = str(year // 10 * 10)
        by_decade[decade] = by_decade.get(decade, 0) + n
    return {
        "total": Person.objects.count(),
        "by_school": dict(sorted(by_school.items())),
        "by_track": {k: by_track[k] for k in figure_order(by_track)},
        "by_decade": by_decade,
    }
