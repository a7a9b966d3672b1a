"""The association's figures computed in the database match the generator's own records."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filon.association.models import DuesPayment
from filon.association.queries import (
    dues_history,
    dues_rates,
    dues_rates_by_year,
    dues_years,
    member_counts,
    paying_growth,
)
from filon.core.demo import generator
from filon.core.demo.generator import Network
from filon.demo.load import generate_and_load
from filon.directory.models import ENGINEERS, Affiliation, School, track_label


@pytest.fixture
def net(db: None) -> Network:
    network, _logins = generate_and_load(400, 2)
    return network


def test_it_reproduces_the_generators_dues_rates_for_every_year(net: Network) -> None:
    for year in (2015, 2018, 2020, 2023, 2025):
        assert dues_rates(year) == generator.dues_rates(net, year), year


def test_it_computes_all_years_in_four_queries(net: Network) -> None:
    years = list(range(2015, 2026))
    with CaptureQueriesContext(connection) as ctx:
        rates = dues_rates_by_year(years)
    assert len(ctx.captured_queries) == 4
    assert rates == {y: generator.dues_rates(net, y) for y in years}


def test_it_counts_an_engineer_of_two_tracks_once(make_person: Any) -> None:
    person = make_person(track="ingenieur_civil", year=2000, thesis=None)
    Affiliation.objects.create(
        person=person, school=School.objects.get(code="E"), track="corps_des_mines", year=2003
    )
    other = make_person(track="ingenieur_civil", year=2010, thesis=None)
    DuesPayment.objects.create(person=person, year=2020, amount=120, paid_on=date(2020, 3, 1))
    rates = dues_rates(2020)
    assert rates["ingenieur_civil"] == {"members": 2, "paid": 1, "rate": 0.5}
    assert rates["corps_des_mines"] == {"members": 1, "paid": 1, "rate": 1.0}
    assert rates[ENGINEERS] == {"members": 2, "paid": 1, "rate": 0.5}
    # Before the second diploma, the corps des mines has no member: the track is absent.
    assert "corps_des_mines" not in dues_rates(2001)
    assert other.pk


def test_a_member_counts_only_from_the_year_of_the_diploma(make_person: Any) -> None:
    person = make_person(track="docteur", year=2021)
    DuesPayment.objects.create(person=person, year=2020, amount=30, paid_on=date(2020, 3, 1))
    assert dues_rates(2020) == {}
    assert dues_rates(2021) == {"docteur": {"members": 1, "paid": 0, "rate": 0.0}}


def test_member_counts_match_the_records(net: Network) -> None:
    counts = member_counts()
    assert counts["total"] == len(net.people)
    schools: dict[str, set[int]] = defaultdict(set)
    tracks: dict[str, set[int]] = defaultdict(set)
    first: dict[int, int] = {}
    for a in net.affiliations:
        schools[a.school].add(a.person)
        tracks[a.track].add(a.person)
        first[a.person] = min(first.get(a.person, 9999), a.year)
    assert counts["by_school"] == {k: len(v) for k, v in sorted(schools.items())}
    assert counts["by_track"] == {k: len(v) for k, v in tracks.items()}
    assert list(counts["by_track"])[:3] == ["ingenieur_civil", "corps_des_mines", "docteur"]
    decades = Counter(str(y // 10 * 10) for y in first.values())
    assert counts["by_decade"] == dict(sorted(decades.items()))
    assert sum(counts["by_decade"].values()) == len(first)


def test_paying_growth_counts_the_payers_of_each_year(net: Network) -> None:
    years = dues_years()
    assert years == list(range(2015, 2026))
    growth = paying_growth(years)
    per_year = Counter(d.year for d in net.dues)
    assert {y: g["total"] for y, g in growth.items()} == {y: per_year[y] for y in years}
    assert growth[2015]["change"] is None
    assert growth[2016]["change"] == per_year[2016] - per_year[2015]
    for y in (2016, 2020):
        expected = generator.dues_rates(net, y)
        assert growth[y]["tracks"] == {k: v["paid"] for k, v in expected.items() if v["paid"]}


def test_dues_history_is_latest_first(make_person: Any) -> None:
    person = make_person()
    for year in (2019, 2021, 2020):
        DuesPayment.objects.create(
            person=person, year=year, amount=Decimal("30"), paid_on=date(year, 2, 1)
        )
    assert [d.year for d in dues_history(person)] == [2021, 2020, 2019]
    assert [d.year for d in dues_history(person.pk)] == [2021, 2020, 2019]


def test_dues_years_is_empty_without_payments(db: None) -> None:
    assert dues_years() == []
    assert paying_growth([]) == {}
    assert dues_rates_by_year([]) == {}


def test_track_labels_live_in_one_place() -> None:
    assert track_label("docteur") == "Docteur"
    assert track_label(ENGINEERS) == "Ensemble des ingénieurs"
    assert track_label("docteur", feminine=True) == "Docteure"
    assert track_label("inconnu") == "inconnu"
