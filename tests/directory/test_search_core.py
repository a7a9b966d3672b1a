"""The pure search index (filon.core.search): folding, typos, stemming, facets, pages."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from filon.core.search import Doc, SearchIndex


def person(pk: int, name: str, sort_key: str = "", **fields: str) -> Doc:
    return Doc(pk, {"name": name, **fields}, sort_key or name.lower())


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex(
        [
            person(1, "Claire Dumas", "dumas claire", thesis="Télédétection des forêts"),
            person(2, "Étienne Roux", "roux etienne", organisations="Saint-Gobain"),
            person(3, "Lucie Marchal", "marchal lucie", city="Saint-Étienne"),
            person(4, "Bernard Vasseur", "vasseur bernard", titles="Alliages d'aluminium"),
            person(5, "Ann Smith", "smith ann", thesis="Fatigue of aluminium alloys"),
            person(6, "Martine Léon", "leon martine", city="Lyon", skills="Python"),
            person(7, "Paul Martin", "martin paul", skills="Python · Apprentissage profond"),
        ]
    )


def ids(index: SearchIndex, query: str, **kwargs: object) -> list[int]:
    return [hit.id for hit in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


# -- folding --------------------------------------------------------------------------------


def test_it_finds_accented_names_without_accents(index: SearchIndex) -> None:
    assert set(ids(index, "etienne")) == {2, 3}
    assert ids(index, "ÉTIENNE ROUX") == [2]


def test_it_finds_saint_etienne_and_ranks_the_phrase_first(index: SearchIndex) -> None:
    # Lucie lives in Saint-Étienne (the phrase); Étienne works at Saint-Gobain (two words).
    assert ids(index, "saint etienne") == [3, 2]
    assert ids(index, "Saint-Étienne")[0] == 3


# -- typos ----------------------------------------------------------------------------------


def test_it_tolerates_one_typo_in_a_name(index: SearchIndex) -> None:
    assert ids(index, "dumaz") == [1]
    assert ids(index, "claire dumaz") == [1]
    assert ids(index, "vaseur") == [4]  # one letter missing


def test_it_does_not_stretch_typos_beyond_one_edit(index: SearchIndex) -> None:
    assert ids(index, "dumzz") == []


def test_a_word_found_elsewhere_is_not_read_as_a_misspelt_name(index: SearchIndex) -> None:
    # "lyon" is a city: it must not also bring the people named Léon.
    assert ids(index, "lyon") == [6]
    assert index.search("lyon").hits[0].matches[0].field == "city"


def test_an_existing_name_is_not_expanded_to_its_neighbours() -> None:
    index = SearchIndex([person(1, "Jean Dumas"), person(2, "Jean Dumat")])
    assert ids(index, "dumas") == [1]
    assert set(ids(index, "dumaz")) == {1, 2}
    exact, typo = index.search("dumas").hits[0], index.search("dumaz").hits[0]
    assert typo.score < exact.score


# -- stemming -------------------------------------------------------------------------------


def test_it_stems_french(index: SearchIndex) -> None:
    assert ids(index, "télédétections") == [1]
    assert ids(index, "teledetection") == [1]
    assert ids(index, "alliage") == [4]


def test_it_stems_english(index: SearchIndex) -> None:
    assert ids(index, "alloy") == [5]
    assert ids(index, "alloys") == [5]
    assert set(ids(index, "aluminium")) == {4, 5}


def test_it_does_not_stem_names(index: SearchIndex) -> None:
    # Martin and Martine share a French stem; a name is matched as written.
    assert ids(index, "martin") == [7]
    assert ids(index, "martine") == [6]


def test_every_query_word_must_match(index: SearchIndex) -> None:
    assert ids(index, "python martin") == [7]
    assert ids(index, "python dumas") == []


def test_the_last_word_is_a_prefix_while_typing(index: SearchIndex) -> None:
    assert ids(index, "dum") == [1]
    assert ids(index, "télédét") == [1]
    assert ids(index, "dum ") == []  # a finished word is taken as it is


# -- explanations ---------------------------------------------------------------------------


def test_each_hit_says_which_fields_and_words_matched(index: SearchIndex) -> None:
    hit = index.search("claire teledetection").hits[0]
    assert [(m.field, m.words) for m in hit.matches] == [
        ("name", ("Claire",)),
        ("thesis", ("Télédétection",)),
    ]
    thesis = hit.matches[1]
    assert thesis.segments == (("Télédétection", True), (" des forêts", False))


def test_long_texts_are_cropped_around_the_match() -> None:
    text = "Un " * 150 + "alliage remarquable " + "et " * 100
    hit = SearchIndex([person(1, "A B", thesis=text)]).search("alliage").hits[0]
    segments = hit.matches[0].segments
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert ("alliage", True) in segments
    assert sum(len(t) for t, _m in segments) < 260


# -- facets and filters ---------------------------------------------------------------------


def _random_docs(n: int, seed: int = 3) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        schools = rng.sample("PEN", rng.choice((1, 1, 1, 2)))
        docs.append(
            Doc(
                i,
                {"name": f"Personne{i} Nom{i % 17}", "skills": rng.choice(["Python", "Fatigue"])},
                f"nom{i % 17} personne{i}",
                {
                    "school": schools,
                    "track": [rng.choice(["docteur", "ingenieur_civil", "master"])],
                    "organisation": rng.sample(["EDF", "Thales", "Safran", "Orano"], 1),
                },
                [rng.randrange(1950, 2025) for _ in schools],
            )
        )
    return docs


def test_facet_counts_equal_a_plain_count_over_the_matched_set() -> None:
    docs = _random_docs(400)
    index = SearchIndex(docs)
    result = index.search("python", filters={"school": ["P", "E"]}, per_page=1000)
    kept = [
        d for d in docs if d.fields["skills"] == "Python" and {"P", "E"} & set(d.facets["school"])
    ]
    assert result.total == len(kept) == len(result.hits)
    assert {h.id for h in result.hits} == {d.id for d in kept}
    for facet in ("school", "track", "organisation"):
        expected = Counter(v for d in kept for v in set(d.facets[facet]))
        assert {v.value: v.count for v in result.facets[facet]} == dict(expected)
    decades = Counter(v for d in kept for v in {str(y // 10 * 10) for y in d.years})
    assert {v.value: v.count for v in result.facets["decade"]} == dict(decades)


def test_filters_are_or_within_a_facet_and_across_facets_and(index: SearchIndex) -> None:
    docs = _random_docs(200)
    index = SearchIndex(docs)
    result = index.search(
        "", filters={"track": ["docteur", "master"], "organisation": ["EDF"]}, per_page=500
    )
    expected = {
        d.id
        for d in docs
        if set(d.facets["track"]) & {"docteur", "master"} and "EDF" in d.facets["organisation"]
    }
    assert {h.id for h in result.hits} == expected
    assert {v.value for v in result.facets["organisation"]} == {"EDF"}
    assert [v.selected for v in result.facets["organisation"]] == [True]


def test_the_vintage_range_keeps_people_with_a_diploma_inside_it() -> None:
    docs = _random_docs(200)
    index = SearchIndex(docs)
    result = index.search("", vintage=(1980, 1989), per_page=500)
    assert {h.id for h in result.hits} == {
        d.id for d in docs if any(1980 <= y <= 1989 for y in d.years)
    }
    assert "1980" in {v.value for v in result.facets["decade"]}
    open_ended = index.search("", vintage=(2020, None), per_page=500)
    assert {h.id for h in open_ended.hits} == {d.id for d in docs if max(d.years) >= 2020}


def test_an_unknown_value_matches_nobody_but_stays_listed_to_be_unselected() -> None:
    index = SearchIndex(_random_docs(50))
    result = index.search("", filters={"organisation": ["Nulle part"]})
    assert result.total == 0
    assert [(v.value, v.count, v.selected) for v in result.facets["organisation"]] == [
        ("Nulle part", 0, True)
    ]


def test_facets_are_cut_to_their_top_values_and_ordered_facets_by_value() -> None:
    index = SearchIndex(_random_docs(300), facet_limits={"organisation": 2})
    result = index.search("")
    orgs = result.facets["organisation"]
    assert len(orgs) == 2 and orgs[0].count >= orgs[1].count
    decades = [v.value for v in result.facets["decade"]]
    assert decades == sorted(decades)


def test_an_empty_query_lists_everyone_matching_the_filters_by_name() -> None:
    docs = _random_docs(120)
    index = SearchIndex(docs)
    result = index.search("", filters={"school": ["N"]}, per_page=1000)
    expected = sorted((d for d in docs if "N" in d.facets["school"]), key=lambda d: d.sort_key)
    assert [h.id for h in result.hits] == [d.id for d in expected]
    assert all(h.matches == () for h in result.hits)


# -- pages ----------------------------------------------------------------------------------


def test_results_come_in_pages() -> None:
    index = SearchIndex(_random_docs(45))
    first, second, last = (index.search("", page=p, per_page=20) for p in (1, 2, 3))
    assert (first.total, first.pages) == (45, 3)
    assert len(first.hits) == 20 and len(second.hits) == 20 and len(last.hits) == 5
    seen = [h.id for r in (first, second, last) for h in r.hits]
    assert len(set(seen)) == 45
    beyond = index.search("", page=99, per_page=20)
    assert beyond.page == 3 and [h.id for h in beyond.hits] == [h.id for h in last.hits]


def test_an_empty_index_answers_with_nothing() -> None:
    result = SearchIndex([]).search("dumas")
    assert (result.total, result.pages, result.hits) == (0, 1, ())


def test_a_word_found_in_two_fields_ranks_above_one_found_in_a_list() -> None:
    index = SearchIndex(
        [
            person(1, "A Un", skills="Python · Télédétection"),
            person(
                2,
                "B Deux",
                thesis="Détection de changements dans les séries d'images · Télédétection",
                skills="Apprentissage profond · Python · Traitement d'images · Télédétection",
            ),
            person(3, "C Trois", skills="Télédétection"),
        ]
    )
    assert ids(index, "télédétection")[0] == 2
