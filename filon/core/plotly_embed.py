"""A plotly figure as page markup without any inline script, for a strict Content-Security-Policy.

plotly's own ``fig.to_html()`` writes an inline ``<script>`` that draws the figure: the policy
would have to let inline scripts run. Here a figure becomes an empty ``<div>`` and a JSON data
block (``<script type="application/json">``, which no browser runs); the static
``filon/charts.js`` finds each such pair and draws it with the page's local plotly.

>>> class Fig:
...     def to_json(self) -> str:
...         return '{"data": [{"name": "</script>"}]}'
>>> markup = figure_markup(Fig(), "chart-x", {})
>>> print(markup.splitlines()[0])
<div id="chart-x" class="plotly-graph-div" data-plotly-figure="chart-x-figure"></div>
>>> print(markup.splitlines()[1][:62])
<script type="application/json" id="chart-x-figure">{"figure":
>>> markup.count("</script>"), "\\u003c/script\\u003e" in markup
(1, True)
"""

from __future__ import annotations

import html
import json
from typing import Any, Protocol

# What keeps JSON from closing the <script> element or opening a comment in it.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class Figure(Protocol):
    def to_json(self) -> str: ...


def figure_markup(fig: Figure, div_id: str, config: dict[str, Any]) -> str:
    """The ``<div>`` the figure is drawn in, then the figure and its config as JSON data."""
    data = '{"figure": ' + fig.to_json() + ', "config": ' + json.dumps(config) + "}"
    ident = html.escape(div_id)
    return (
        f'<div id="{ident}" class="plotly-graph-div" data-plotly-figure="{ident}-figure"></div>\n'
        f'<script type="application/json" id="{ident}-figure">'
        f"{data.translate(_JSON_ESCAPES)}</script>"
    )
