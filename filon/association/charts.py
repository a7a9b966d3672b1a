"""The dashboard's plotly charts, built from the same tables the page shows and the CSV sends.

Each figure becomes an HTML fragment without inline script (:mod:`filon.core.plotly_embed`);
the page loads plotly's JavaScript once, from the installed package, never from a CDN.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from filon.association.figures import Table
from filon.core.plotly_embed import figure_markup
from filon.directory.models import ENGINEERS, track_label

ACCENT = "#1d3557"
GOLD = "#c89b2c"
PALETTE = {
    ENGINEERS: ACCENT,
    "ingenieur_civil": "#457b9d",
    "corps_des_mines": "#8ab0cf",
    "docteur": GOLD,
    "mastere_specialise": "#6a994e",
    "master": "#a7c957",
    "autre": "#9aa1ad",
}
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}


def _layout(fig: go.Figure, *, y_title: str, percent: bool = False, height: int = 340) -> None:
    french = (get_language() or "fr").startswith("fr")
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        # Decimal comma and a space between thousands in French.
        separators=", " if french else ".,",
        # The legend beside the plot, where it never covers a line or an axis label.
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
        showlegend=len(fig.data) > 1,
        hoverlabel={"namelength": -1},
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", ticksuffix=" %" if percent else "")


def _html(fig: go.Figure, slug: str) -> str:
    return figure_markup(fig, f"chart-{slug}", CONFIG)


def bar_chart(table: Table, *, label_col: int, value_col: int, horizontal: bool = False) -> str:
    labels = [row[label_col] for row in table.rows]
    values = [row[value_col] for row in table.rows]
    members = _("Membres")
    if horizontal:
        bar = go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker_color=ACCENT,
            hovertemplate="%{y} : %{x:,d}<extra></extra>",
            name=members,
        )
    else:
        bar = go.Bar(
            x=labels,
            y=values,
            marker_color=ACCENT,
            hovertemplate="%{x} : %{y:,d}<extra></extra>",
            name=members,
        )
    fig = go.Figure(bar)
    _layout(fig, y_title="" if horizontal else members)
    if horizontal:
        fig.update_yaxes(autorange="reversed", ticksuffix="  ")
        fig.update_xaxes(title_text=members)
    return _html(fig, table.slug)


def rates_chart(table: Table) -> str:
    keys = table.keys
    years = [row[0] for row in table.rows]
    fig = go.Figure()
    for i, key in enumerate(keys, start=1):
        values = [None if row[i] is None else round(row[i] * 100, 2) for row in table.rows]
        strong = key in (ENGINEERS, "docteur")
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                name=track_label(key),
                mode="lines+markers",
                line={
                    "color": PALETTE.get(key, "#777"),
                    "width": 4 if strong else 1.5,
                    "dash": "solid" if strong else "dot",
                },
                marker={"size": 7 if strong else 4},
                hovertemplate="%{x} : %{y:.1f} %<extra>" + track_label(key) + "</extra>",
            )
        )
    _layout(fig, y_title=_("Taux de cotisation"), percent=True, height=400)
    fig.update_xaxes(type="category")
    return _html(fig, table.slug)


def growth_chart(table: Table) -> str:
    keys = table.keys
    years = [row[0] for row in table.rows]
    fig = go.Figure(
        go.Bar(
            x=years,
            y=[row[1] for row in table.rows],
            name=_("Tous les cotisants"),
            marker_color="#c9d3e3",
            hovertemplate="%{x} : %{y:,d}<extra>" + _("Tous les cotisants") + "</extra>",
        )
    )
    for key in (ENGINEERS, "docteur"):
        if key not in keys:
            continue
        col = 3 + keys.index(key)
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[row[col] for row in table.rows],
                name=track_label(key),
                mode="lines+markers",
                line={"color": PALETTE[key], "width": 3},
                hovertemplate="%{x} : %{y:,d}<extra>" + track_label(key) + "</extra>",
            )
        )
    _layout(fig, y_title=_("Membres cotisants"), height=380)
    fig.update_xaxes(type="category")
    return _html(fig, table.slug)


def charts_for(tables: dict[str, Table]) -> dict[str, str]:
    """The HTML fragment of the chart of every table, by table slug."""
    builders: dict[str, Any] = {
        "ecoles": lambda t: bar_chart(t, label_col=0, value_col=2),
        "filieres": lambda t: bar_chart(t, label_col=0, value_col=2, horizontal=True),
        "decennies": lambda t: bar_chart(t, label_col=0, value_col=1),
        "cotisations": rates_chart,
        "croissance": growth_chart,
    }
    return {slug: builders[slug](table) for slug, table in tables.items() if slug in builders}
