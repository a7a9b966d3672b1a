"""The association's dashboard and its CSV downloads: staff only, the same numbers everywhere."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client

from filon.association.figures import TABLE_SLUGS, fmt_rate
from filon.association.queries import dues_rates, dues_years, member_counts, paying_growth
from filon.core.demo import generator
from filon.demo.load import generate_and_load
from filon.directory.models import ENGINEERS, School, track_label

URL = "/association/tableau-de-bord/"


def _csv(response: Any) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def test_it_shows_the_figures_and_charts_to_staff(staff_client: Client, demo: Any) -> None:
    response = staff_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tableau de bord de l'association" in html
    assert '<script src="/static/plotly/plotly.min.js"></script>' in html
    # Nothing from the internet: every script and stylesheet is served by Filon itself.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    for slug in TABLE_SLUGS:
        assert f'id="chart-{slug}"' in html
        assert f'href="/association/tableau-de-bord/{slug}.csv"' in html
    assert html.count("Télécharger en CSV") == len(TABLE_SLUGS)
    rates = dues_rates(2020)
    headline = (
        f"En 2020, <strong>{fmt_rate(rates[ENGINEERS]['rate'])}</strong> des ingénieurs ont "
        f"payé leur cotisation, contre <strong>{fmt_rate(rates['docteur']['rate'])}</strong> "
        "des docteurs."
    )
    assert headline in html
    assert track_label(ENGINEERS) in html
    for school in School.objects.all():
        assert school.name in html


def test_the_demo_network_shows_21_percent_against_2_5(staff_client: Client, db: None) -> None:
    """The federation's own figures of 2020, on a 3,000-member network (the 30,000-member
    calibration is checked on the generator's records by the core tests)."""
    generate_and_load(3000, 1)
    rates = dues_rates(2020)
    assert rates[ENGINEERS]["rate"] == pytest.approx(0.21, abs=0.01)
    assert rates["docteur"]["rate"] == pytest.approx(0.025, abs=0.01)
    html = staff_client.get(URL).content.decode()
    assert f"<strong>{fmt_rate(rates[ENGINEERS]['rate'])}</strong> des ingénieurs" in html
    assert fmt_rate(rates[ENGINEERS]["rate"]) in ("20,9 %", "21,0 %", "21,1 %")
    assert fmt_rate(rates["docteur"]["rate"]) in ("2,4 %", "2,5 %", "2,6 %")


def test_it_forbids_members(member_client: Client) -> None:
    assert member_client.get(URL).status_code == 403
    assert member_client.get(URL + "cotisations.csv").status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client, db: None) -> None:
    for url in (URL, URL + "cotisations.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url}"


def test_it_shows_an_empty_dashboard_before_any_payment(staff_client: Client) -> None:
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert "Aucune cotisation enregistrée pour l'instant." in response.content.decode()


def test_staff_see_the_link_in_the_navigation(staff_client: Client, member_client: Client) -> None:
    link = f'<a href="{URL}">Tableau de bord</a>'
    assert link in staff_client.get("/").content.decode()
    assert link not in member_client.get("/").content.decode()


def test_it_runs_in_a_bounded_number_of_queries(
    staff_client: Client, demo: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(16):
        assert staff_client.get(URL).status_code == 200
    for slug in TABLE_SLUGS:
        with django_assert_max_num_queries(8):
            assert staff_client.get(f"{URL}{slug}.csv").status_code == 200


def test_unknown_tables_are_not_found(staff_client: Client) -> None:
    assert staff_client.get(URL + "salaires.csv").status_code == 404


def test_the_rates_csv_parses_back_to_the_same_numbers(staff_client: Client, demo: Any) -> None:
    response = staff_client.get(URL + "cotisations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="filon-cotisations.csv"' in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[0] == "Année"
    assert header[1] == f"{track_label(ENGINEERS)} (%)"
    labels = {track_label(k): k for k in (ENGINEERS, *generator.dues_rates(demo.net, 2020))}
    keys = [labels[h.removesuffix(" (%)")] for h in header[1:]]
    assert [int(r[0]) for r in rows] == dues_years() == list(range(2015, 2026))
    for row in rows:
        year = int(row[0])
        expected = generator.dues_rates(demo.net, year)
        for key, cell in zip(keys, row[1:], strict=True):
            if key not in expected:
                assert cell == ""
                continue
            assert round(_number(cell) / 100, 4) == expected[key]["rate"], (year, key)


def test_the_other_csv_tables_parse_back_to_the_same_numbers(
    staff_client: Client, demo: Any
) -> None:
    counts = member_counts()
    header, *rows = _csv(staff_client.get(URL + "ecoles.csv"))
    assert header == ["École", "Lettre", "Membres"]
    assert {r[1]: int(r[2]) for r in rows} == counts["by_school"]

    header, *rows = _csv(staff_client.get(URL + "filieres.csv"))
    assert header == ["Filière", "Code", "Membres", "Part des membres (%)"]
    assert {r[1]: int(r[2]) for r in rows} == counts["by_track"]
    for r in rows:
        assert _number(r[3]) == pytest.approx(100 * int(r[2]) / counts["total"], abs=0.005)

    header, *rows = _csv(staff_client.get(URL + "decennies.csv"))
    assert {r[0][:4]: int(r[1]) for r in rows} == counts["by_decade"]

    growth = paying_growth(dues_years())
    header, *rows = _csv(staff_client.get(URL + "croissance.csv"))
    assert header[:3] == ["Année", "Cotisants", "Évolution"]
    for r in rows:
        g = growth[int(r[0])]
        assert int(r[1]) == g["total"]
        assert r[2] == ("" if g["change"] is None else str(g["change"]))
        by_label = dict(zip(header[3:], r[3:], strict=True))
        assert int(by_label[track_label(ENGINEERS)]) == g["tracks"][ENGINEERS]
        assert int(by_label["Docteur"]) == g["tracks"]["docteur"]
