"""The network pictures (plotly): the ego map and an organisation's neighbours.

Nodes sit on rings around the centre (1 hop, then 2), each second-ring node near the node that
brought it; colours say the kind of node, hovering a node or the middle of a link tells who or
why, and clicking a person or an organisation opens its page (the URL rides in ``customdata``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from filon.core.graph import NodeKind
from filon.core.plotly_embed import figure_markup
from filon.network.queries import NODE_KIND_LABELS, TIE_FILTERS

COLOURS = {
    "viewer": "#c89b2c",
    "person": "#1d3557",
    "organisation": "#457b9d",
    "lab": "#6a994e",
    "cohort": "#e76f51",
    "group": "#9b5de5",
    "project": "#f4a261",
    "funder": "#2a9d8f",
}
EDGE_COLOURS = {
    "tie": "#1d3557",
    "advisor": "#c89b2c",
    "lab": "#6a994e",
    "colleague": "#457b9d",
    "cohort": "#e76f51",
    "group": "#9b5de5",
    "project": "#f4a261",
    "works_at": "#8ab0cf",
    "funded": "#2a9d8f",
}
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def radial_layout(nodes: list[dict[str, Any]]) -> dict[int, tuple[float, float]]:
    """Positions on rings around the centre; each first-ring node gets a sector of the circle
    as wide as the number of second-ring nodes it brings, and those fan out in it.

    >>> pos = radial_layout([{"node": 0, "ring": 0, "parent": None, "kind": "person", "name": "A"},
    ...                      {"node": 1, "ring": 1, "parent": 0, "kind": "person", "name": "B"}])
    >>> pos[0], round(math.hypot(*pos[1]), 2)
    ((0.0, 0.0), 1.0)
    """
    pos: dict[int, tuple[float, float]] = {}
    children: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for n in nodes:
        if n["ring"] >= 2:
            children[n["parent"]].append(n)
        elif n["ring"] == 0:
            pos[n["node"]] = (0.0, 0.0)
    ring1 = sorted((n for n in nodes if n["ring"] == 1), key=lambda n: (n["kind"], n["name"]))
    weights = [max(4, 1 + len(children.get(n["node"], ()))) for n in ring1]
    total = sum(weights) or 1
    start = math.pi / 2
    for n, weight in zip(ring1, weights, strict=True):
        width = 2 * math.pi * weight / total
        middle = start - width / 2
        pos[n["node"]] = (math.cos(middle), math.sin(middle))
        kids = sorted(children.get(n["node"], ()), key=lambda k: k["name"])
        for j, kid in enumerate(kids):
            a = start - width * (j + 0.5) / len(kids)
            r = 2.0 + 0.25 * (j % 2)
            pos[kid["node"]] = (r * math.cos(a), r * math.sin(a))
        start -= width
    for _parent, kids in children.items():  # second-ring nodes whose parent is not drawn
        for j, kid in enumerate(kids):
            if kid["node"] not in pos:
                a = 2 * math.pi * j / len(kids)
                pos[kid["node"]] = (2.6 * math.cos(a), 2.6 * math.sin(a))
    return pos


def _kind_of(node: dict[str, Any], center: int) -> str:
    return "viewer" if node["node"] == center else node["kind"]


def network_figure(data: dict[str, Any], *, height: int = 640) -> go.Figure:
    """The figure of :func:`filon.network.queries.ego_map` data (or any nodes/edges alike)."""
    nodes = data["nodes"]
    center = data["center"]
    pos = radial_layout(nodes)
    fig = go.Figure()
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in data["edges"]:
        if e["a"] in pos and e["b"] in pos:
            by_kind[e["kind"]].append(e)
    hover_x, hover_y, hover_text = [], [], []
    for kind, edges in by_kind.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for e in edges:
            (x0, y0), (x1, y1) = pos[e["a"]], pos[e["b"]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            hover_x.append((x0 + x1) / 2)
            hover_y.append((y0 + y1) / 2)
            hover_text.append(f"{e['from']['name']} — {e['to']['name']}<br>{e['reason']}")
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"width": 1.2, "color": EDGE_COLOURS.get(kind, "#9aa1ad")},
                opacity=0.55,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            hoverinfo="text",
            hovertext=hover_text,
            marker={"size": 9, "color": "rgba(0,0,0,0)"},
            showlegend=False,
            name="",
        )
    )
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in nodes:
        groups[_kind_of(n, center)].append(n)
    labels = {"viewer": _("Vous")} | {k.name.lower(): str(NODE_KIND_LABELS[k]) for k in NodeKind}
    for kind in COLOURS:
        members = groups.get(kind)
        if not members:
            continue
        fig.add_trace(
            go.Scatter(
                x=[pos[n["node"]][0] for n in members],
                y=[pos[n["node"]][1] for n in members],
                mode="markers+text",
                name=labels.get(kind, kind),
                text=[n["name"] if n["ring"] <= 1 else "" for n in members],
                textposition=["bottom center" if n["ring"] == 0 else "top center" for n in members],
                textfont={"size": 11},
                hovertext=[f"{n['name']}<br>{n['kind_label']}" for n in members],
                hoverinfo="text",
                customdata=[n.get("url") or "" for n in members],
                marker={
                    "size": [
                        22 if n["ring"] == 0 else 14 if n["ring"] == 1 else 10 for n in members
                    ],
                    "color": COLOURS[kind],
                    "symbol": "circle" if kind in ("person", "viewer") else "diamond",
                    "line": {"width": 1, "color": "#ffffff"},
                },
            )
        )
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"},
        hovermode="closest",
        hoverlabel={"namelength": -1},
        dragmode="pan",
    )
    fig.update_xaxes(visible=False, scaleanchor="y", scaleratio=1)
    fig.update_yaxes(visible=False)
    return fig


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML fragment without inline script; the page loads plotly, locally."""
    return figure_markup(fig, div_id, CONFIG)


def organisation_picture(who: dict[str, Any], org_url: str) -> dict[str, Any]:
    """An organisation's neighbours as ego-map data: its people now, before, and funded."""
    nodes = [
        {
            "node": 0,
            "ring": 0,
            "parent": None,
            "kind": "organisation",
            "kind_label": who["organisation"]["kind_label"],
            "name": who["organisation"]["name"],
            "url": org_url,
        }
    ]
    edges = []
    kinds = {"current": "works_at", "former": "works_at", "funded": "funded"}
    reason = {
        "current": _("y travaille"),
        "former": _("y a travaillé"),
        "funded": _("thèse financée"),
    }
    next_id = 1
    for group in ("current", "former", "funded"):
        for row in who[group][:40]:
            node = next_id
            next_id += 1
            nodes.append(
                {
                    "node": node,
                    "ring": 1 if group == "current" else 2,
                    "parent": 0,
                    "kind": "person",
                    "kind_label": str(reason[group]),
                    "name": row["person"]["name"],
                    "url": row["person"]["url"],
                }
            )
            edges.append(
                {
                    "a": 0,
                    "b": node,
                    "kind": kinds[group],
                    "from": {"name": who["organisation"]["name"]},
                    "to": {"name": row["person"]["name"]},
                    "reason": str(reason[group]),
                }
            )
    return {"center": -1, "nodes": nodes, "edges": edges}


__all__ = ["TIE_FILTERS", "figure_html", "network_figure", "organisation_picture", "radial_layout"]
