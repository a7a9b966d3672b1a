"""The money pictures (plotly): the money trail as a Sankey diagram, and money over the years.

Each figure becomes an HTML fragment without plotly's JavaScript nor any inline script
(:mod:`filon.core.plotly_embed`): the page loads plotly itself
from ``{% static 'plotly/plotly.min.js' %}`` (served from the installed package, no CDN).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from filon.core.money import format_amount
from filon.core.plotly_embed import figure_markup

CONFIG = {"displaylogo": False, "responsive": True, "locale": "fr"}
COLOURS = {
    "funder": "#2a9d8f",
    "programme": "#c89b2c",
    "project": "#f4a261",
    "organisation": "#457b9d",
}
LINK_COLOURS = {
    "funder": "rgba(42,157,143,0.35)",
    "programme": "rgba(200,155,44,0.35)",
    "project": "rgba(244,162,97,0.35)",
}


def _html(fig: go.Figure, div_id: str) -> str:
    return figure_markup(fig, div_id, CONFIG)


def _short(label: str, width: int = 42) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def sankey_html(data: dict[str, Any], div_id: str = "money-trail", *, height: int = 0) -> str:
    """The trail of :func:`filon.money.queries.trail` as a Sankey diagram ("" when empty)."""
    nodes, links = data["nodes"], data["links"]
    if not links:
        return ""
    currency = data["currency"]
    kinds = [n["kind"] for n in nodes]
    incoming: list[Decimal] = [Decimal(0)] * len(nodes)
    outgoing: list[Decimal] = [Decimal(0)] * len(nodes)
    for link in links:
        outgoing[link["source"]] += link["value"]
        incoming[link["target"]] += link["value"]
    kind_labels = {
        "funder": _("Financeur"),
        "programme": _("Programme"),
        "project": _("Projet"),
        "organisation": _("Organisation"),
    }
    widths = {"funder": 40, "programme": 34, "project": 18, "organisation": 30}
    hover = [
        f"{kind_labels[k]} : {n['label']}<br>"
        f"{format_amount(max(incoming[i], outgoing[i]), currency)}"
        for i, (n, k) in enumerate(zip(nodes, kinds, strict=True))
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.2f",
            valuesuffix=f" {currency}",
            node={
                "label": [_short(n["label"], widths[k]) for n, k in zip(nodes, kinds, strict=True)],
                "color": [COLOURS[k] for k in kinds],
                "pad": 12,
                "thickness": 16,
                "customdata": hover,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={
                "source": [link["source"] for link in links],
                "target": [link["target"] for link in links],
                # plotly draws floats; the exact decimals are in the tables next to the chart.
                "value": [float(link["value"]) for link in links],
                "color": [LINK_COLOURS.get(kinds[link["source"]], "#ccc") for link in links],
            },
        )
    )
    organisations = sum(1 for k in kinds if k == "organisation")
    fig.update_layout(
        height=height or max(420, min(1600, 30 * organisations + 120)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"size": 12, "family": "system-ui, sans-serif"},
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return _html(fig, div_id)


def years_html(by_year: list[dict[str, Any]], key: str, div_id: str) -> str:
    """Money per year, one bar series per currency ("" when there is nothing to draw)."""
    rows = [r for r in by_year if r["year"] is not None and r[key]]
    if len(rows) < 2:
        return ""
    currencies = sorted({c for r in rows for c in r[key]})
    fig = go.Figure()
    for currency in currencies:
        fig.add_bar(
            x=[r["year"] for r in rows],
            y=[float(r[key].get(currency, 0)) for r in rows],
            name=currency,
            hovertemplate="%{x} : %{y:,.2f} " + currency + "<extra></extra>",
        )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        barmode="group",
        showlegend=len(currencies) > 1,
        yaxis={"title": " / ".join(currencies), "separatethousands": True},
        xaxis={"dtick": 1},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        separators=", ",
    )
    return _html(fig, div_id)
