"""Organisation resolution across grant files and the directory: identifiers, then names."""

from __future__ import annotations

import doctest

import pytest

from filon.money import importers, matching, nomenclature
from filon.money.matching import OrgFact, OrgIndex


def _index() -> OrgIndex:
    return OrgIndex(
        orgs=[
            (1, "Thales Alenia Space", "TAS"),
            (2, "SINTEF AS", ""),
            (3, "Airbus Defence and Space", ""),
            (4, "Centre national d'études spatiales", "CNES"),
            (5, "Université Côte d'Azur - Campus SophiaTech", ""),
            (6, "Kongsberg Satellite Services", ""),
        ],
        identifiers=[(2, "orgnr", "919303808")],
        aliases=[(3, "Airbus DS")],
    )


@pytest.mark.parametrize(
    ("fact", "pk", "how"),
    [
        (OrgFact("SINTEF", identifiers=(("orgnr", "919303808"),)), 2, "identifier"),
        (OrgFact("THALES ALENIA SPACE SAS"), 1, "name"),
        (OrgFact("AIRBUS DEFENCE AND SPACE GMBH"), 3, "name"),
        (OrgFact("AIRBUS DS"), 3, "name"),
        (OrgFact("CENTRE NATIONAL D'ETUDES SPATIALES"), 4, "name"),
        (OrgFact("THALES ALENIA SPACE FRANCE SAS", identifiers=(("pic", "999"),)), 1, "country"),
        (OrgFact("Thales Alenia Space Italia SpA"), 1, "country"),
    ],
)
def test_it_finds_the_same_organisation(fact: OrgFact, pk: int, how: str) -> None:
    found = _index().resolve(fact)
    assert (found.slot.pk, found.how) == (pk, how)


def test_a_known_organisation_gets_the_files_identifier() -> None:
    found = _index().resolve(
        OrgFact("THALES ALENIA SPACE FRANCE SAS", identifiers=(("pic", "999000001"),))
    )
    assert found.new_ids == [("pic", "999000001")]


def test_different_numbers_in_one_scheme_are_two_organisations() -> None:
    index = _index()
    ocean = index.resolve(OrgFact("SINTEF AS", identifiers=(("orgnr", "937357370"),)))
    assert ocean.how == "new"
    index.add(ocean.slot, OrgFact("SINTEF AS", identifiers=(("orgnr", "937357370"),)))
    # The same file's next line finds the one it made, by number.
    again = index.resolve(OrgFact("SINTEF AS", identifiers=(("orgnr", "937357370"),)))
    assert again.slot is ocean.slot and again.how == "identifier"


@pytest.mark.parametrize(
    ("name", "existing"),
    [
        ("UNIVERSITE COTE D'AZUR", 5),  # the known name contains this one
        ("Kongsberg Satelite Services", 6),  # a typo
    ],
)
def test_look_alikes_are_only_doubts(name: str, existing: int) -> None:
    found = _index().resolve(OrgFact(name))
    assert found.how == "doubt"
    assert found.slot.pk is None  # a new organisation, until the staff decide
    assert found.existing is not None and found.existing.pk == existing


def test_one_word_in_common_is_no_doubt() -> None:
    assert _index().resolve(OrgFact("SINTEF OCEAN AS")).how == "new"
    assert _index().resolve(OrgFact("Airbus")).how == "new"


@pytest.mark.parametrize("module", [matching, nomenclature, importers])
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
