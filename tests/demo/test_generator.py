"""The demo network generator on its own (plain records, no database), at full size."""

from __future__ import annotations

import pytest

from filon.core.demo.generator import Network, dues_rates, generate_network


@pytest.fixture(scope="module")
def net() -> Network:
    """The full-size network, generated once for the module (about two seconds)."""
    return generate_network(30_000, seed=1)


def _docteurs(net: Network) -> set[int]:
    return {a.person for a in net.affiliations if a.track == "docteur"}


def test_network_has_the_requested_size(net: Network) -> None:
    assert len(net.people) == 30_000
    assert [p.idx for p in net.people] == list(range(30_000))


def test_docteur_share(net: Network) -> None:
    assert 0.14 <= len(_docteurs(net)) / len(net.people) <= 0.16


def test_dues_rates_for_2020_match_the_associations_figures(net: Network) -> None:
    rates = dues_rates(net, 2020)
    for track in ("engineers", "ingenieur_civil", "corps_des_mines"):
        assert 0.20 <= rates[track]["rate"] <= 0.22, track
    assert 0.015 <= rates["docteur"]["rate"] <= 0.035
    # The rates are measured on real members and payers, not read from the targets.
    assert rates["engineers"]["members"] > 10_000
    assert rates["docteur"]["paid"] > 0


def test_dues_rates_count_only_members_graduated_by_that_year(net: Network) -> None:
    rates = dues_rates(net, 2020)
    graduated = {a.person for a in net.affiliations if a.track == "docteur" and a.year <= 2020}
    assert rates["docteur"]["members"] == len(graduated) < len(_docteurs(net))


def test_vintages_span_1950_to_2025(net: Network) -> None:
    years = {a.year for a in net.affiliations}
    assert min(years) == 1950
    assert max(years) == 2025
    assert {a.school for a in net.affiliations} == {"P", "E", "N"}


def test_same_seed_same_fingerprint_other_seed_other_fingerprint() -> None:
    first = generate_network(500, seed=1).fingerprint()
    assert generate_network(500, seed=1).fingerprint() == first
    assert generate_network(500, seed=2).fingerprint() != first


def test_claire_the_docteure_persona(net: Network) -> None:
    persona = next(p for p in net.personas if p.role == "docteur")
    assert persona.person is not None
    person = net.people[persona.person]
    assert (person.first_name, person.last_name) == ("Claire", "Dumas")
    affiliations = [a for a in net.affiliations if a.person == persona.person]
    assert [(a.school, a.track, a.year) for a in affiliations] == [("P", "docteur", 2019)]
    (thesis,) = [t for t in net.theses if t.person == persona.person]
    assert thesis.lab == "oie"
    assert thesis.year == 2019
    assert {("cifre", "tas"), ("agency", "cnes")} <= set(thesis.fundings)


def test_bernard_the_engineer_persona(net: Network) -> None:
    persona = next(p for p in net.personas if p.role == "ingenieur")
    assert persona.person is not None
    person = net.people[persona.person]
    assert (person.first_name, person.last_name) == ("Bernard", "Vasseur")
    affiliations = [a for a in net.affiliations if a.person == persona.person]
    assert [(a.school, a.track, a.year) for a in affiliations] == [("P", "ingenieur_civil", 1958)]
    founders = [m for m in net.memberships if m.role == "founder"]
    assert [(m.group, m.person) for m in founders] == [("x.mines.auteurs", persona.person)]
    assert "x.mines.auteurs" in {g.key for g in net.groups}


def test_staff_persona_has_no_directory_entry(net: Network) -> None:
    assert [(p.role, p.person is None) for p in net.personas] == [
        ("docteur", False),
        ("ingenieur", False),
        ("staff", True),
    ]


def test_no_tie_is_a_self_tie(net: Network) -> None:
    assert net.ties
    assert [t for t in net.ties if t.source == t.target] == []


def test_positions_end_after_they_start(net: Network) -> None:
    assert [p for p in net.positions if p.end is not None and p.end < p.start] == []
    assert any(p.end is None for p in net.positions)
