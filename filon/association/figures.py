"""The dashboard's tables: built once from the query helpers, shown as HTML and sent as CSV.

A :class:`Table` holds raw values (counts, rates between 0 and 1, labels); the page formats them
the French way ("21,0 %", "18 005") and the CSV writes them for Excel in French (``;``, decimal
comma, rates in percent with two decimals, that is the exact rate rounded to four decimals).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from filon.association.queries import (
    Rates,
    dues_rates_by_year,
    dues_years,
    figure_order,
    member_counts,
    paying_growth,
)
from filon.core.spreadsheet import escape_row
from filon.directory.models import School, track_label

INT, RATE, TEXT, CHANGE = "int", "rate", "text", "change"


def fmt_int(n: int | None) -> str:
    """A count, grouped the way of the active language ("18 005" in French)."""
    if n is None:
        return "—"
    return number_format(n, decimal_pos=0, force_grouping=True)


def fmt_rate(rate: float | None, decimals: int = 1) -> str:
    """A rate between 0 and 1 as a percentage: "21,0 %" in French."""
    if rate is None:
        return "—"
    value = number_format(round(rate * 100, decimals), decimal_pos=decimals)
    return _gettext("%(value)s %%") % {"value": value}


def fmt_change(n: int | None) -> str:
    if n is None:
        return "—"
    # A true minus sign, as French typography (and every spreadsheet) writes it.
    return ("+" if n > 0 else "−" if n < 0 else "") + fmt_int(abs(n))


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT


@dataclass
class Table:
    """One table of the dashboard; ``slug`` names its CSV download."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    #: The series (track codes, "engineers") of the value columns, when there are some.
    keys: list[str] = field(default_factory=list)

    def formatted_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell as (text, kind): what the page shows."""
        fmt: dict[str, Callable[[Any], str]] = {
            INT: fmt_int,
            RATE: fmt_rate,
            CHANGE: fmt_change,
            TEXT: str,
        }
        return [
            [(fmt[c.kind](v), c.kind) for c, v in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]

    def csv_header(self) -> list[str]:
        return [f"{c.label} (%)" if c.kind == RATE else c.label for c in self.columns]

    def csv_rows(self) -> list[list[str]]:
        def cell(kind: str, v: Any) -> str:
            if v is None:
                return ""
            if kind == RATE:
                return f"{v * 100:.2f}".replace(".", ",")
            return str(v)

        return [
            [cell(c.kind, v) for c, v in zip(self.columns, row, strict=True)] for row in self.rows
        ]

    def to_csv(self) -> str:
        """UTF-8 text with a BOM, ``;`` separated: what Excel in French opens as a table.

        Labels (school and organisation names) are spreadsheet-safe cells: see
        :mod:`filon.core.spreadsheet`.
        """
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(escape_row(self.csv_header()))
        writer.writerows(escape_row(row) for row in self.csv_rows())
        return out.getvalue()


def school_table(by_school: dict[str, int], schools: dict[str, str] | None = None) -> Table:
    names = schools if schools is not None else dict(School.objects.values_list("code", "name"))
    table = Table(
        "ecoles",
        str(_("Membres par école")),
        [Column(str(_("École")), TEXT), Column(str(_("Lettre")), TEXT), Column(str(_("Membres")))],
    )
    table.rows = [[names.get(code, code), code, n] for code, n in by_school.items()]
    table.note = str(_("Un membre diplômé de deux écoles compte dans chacune."))
    return table


def track_table(by_track: dict[str, int], total: int) -> Table:
    table = Table(
        "filieres",
        str(_("Membres par filière")),
        [
            Column(str(_("Filière")), TEXT),
            Column(str(_("Code")), TEXT),
            Column(str(_("Membres"))),
            Column(str(_("Part des membres")), RATE),
        ],
    )
    table.rows = [
        [track_label(k), k, n, round(n / total, 4) if total else None] for k, n in by_track.items()
    ]
    table.note = str(_("Un docteur déjà ingénieur de l'école compte dans les deux filières."))
    return table


def decade_table(by_decade: dict[str, int]) -> Table:
    table = Table(
        "decennies",
        str(_("Membres par décennie de diplôme")),
        [Column(str(_("Décennie")), TEXT), Column(str(_("Membres")))],
    )
    table.rows = [[f"{decade}–{int(decade) + 9}", n] for decade, n in by_decade.items()]
    table.note = str(_("Année du premier diplôme obtenu dans l'une des écoles."))
    return table


def rates_keys(rates_by_year: dict[int, Rates]) -> list[str]:
    return figure_order({k for rates in rates_by_year.values() for k in rates})


def rates_table(rates_by_year: dict[int, Rates]) -> Table:
    keys = rates_keys(rates_by_year)
    table = Table(
        "cotisations",
        str(_("Taux de cotisation par année et par filière")),
        [Column(str(_("Année")), TEXT), *(Column(track_label(k), RATE) for k in keys)],
        keys=keys,
    )
    for year, rates in sorted(rates_by_year.items()):
        table.rows.append([str(year), *(rates[k]["rate"] if k in rates else None for k in keys)])
    table.note = str(
        _(
            "Part des membres de la filière (diplômés cette année-là ou avant) qui ont payé "
            "la cotisation de l'année. « Ensemble des ingénieurs » réunit ingénieurs civils "
            "et corps des mines, chaque personne comptée une fois."
        )
    )
    return table


def growth_table(growth: dict[int, dict[str, Any]]) -> Table:
    keys = figure_order({k for g in growth.values() for k in g["tracks"]})
    table = Table(
        "croissance",
        str(_("Membres cotisants par année")),
        [
            Column(str(_("Année")), TEXT),
            Column(str(_("Cotisants"))),
            Column(str(_("Évolution")), CHANGE),
            *(Column(track_label(k)) for k in keys),
        ],
        keys=keys,
    )
    for year, g in sorted(growth.items()):
        table.rows.append(
            [str(year), g["total"], g["change"], *(g["tracks"].get(k, 0) for k in keys)]
        )
    return table


#: The tables of the dashboard, in page order.
TABLE_SLUGS = ("ecoles", "filieres", "decennies", "cotisations", "croissance")


def build_tables(slugs: tuple[str, ...] = TABLE_SLUGS) -> dict[str, Table]:
    """The tables asked for, running only the queries they need (a bounded number)."""
    tables: dict[str, Table] = {}
    if {"ecoles", "filieres", "decennies"} & set(slugs):
        counts = member_counts()
        if "ecoles" in slugs:
            tables["ecoles"] = school_table(counts["by_school"])
        if "filieres" in slugs:
            tables["filieres"] = track_table(counts["by_track"], counts["total"])
        if "decennies" in slugs:
            tables["decennies"] = decade_table(counts["by_decade"])
    if {"cotisations", "croissance"} & set(slugs):
        years = dues_years()
        if "cotisations" in slugs:
            tables["cotisations"] = rates_table(dues_rates_by_year(years))
        if "croissance" in slugs:
            tables["croissance"] = growth_table(paying_growth(years))
    return {slug: tables[slug] for slug in slugs}
