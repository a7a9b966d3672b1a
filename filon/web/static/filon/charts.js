// Draws the page's plotly figures from their JSON data blocks (filon.core.plotly_embed), so
// that no inline script is needed: the Content-Security-Policy lets only files from the site run.
// In a container marked data-plotly-opens-links, clicking a point opens the URL in its
// customdata (the network maps: a person's or an organisation's page).
(function () {
  "use strict";

  function openLinkOnClick(div) {
    div.on("plotly_click", function (event) {
      var url = event.points.length && event.points[0].customdata;
      if (typeof url === "string" && url.charAt(0) === "/") {
        window.location.href = url;
      }
    });
  }

  function draw(div) {
    if (div.dataset.plotlyDrawn) {
      return;
    }
    var block = document.getElementById(div.dataset.plotlyFigure);
    if (!block || typeof Plotly === "undefined") {
      return;
    }
    div.dataset.plotlyDrawn = "1";
    var spec = JSON.parse(block.textContent);
    var fig = spec.figure;
    Plotly.newPlot(div, {
      data: fig.data || [],
      layout: fig.layout || {},
      frames: fig.frames,
      config: spec.config || {},
    }).then(function () {
      if (div.closest("[data-plotly-opens-links]")) {
        openLinkOnClick(div);
      }
    });
  }

  function drawIn(root) {
    root.querySelectorAll("div[data-plotly-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawIn(document);
    });
  } else {
    drawIn(document);
  }
  // Figures that arrive in a fragment swapped in by htmx.
  document.addEventListener("htmx:load", function (event) {
    drawIn(event.target);
  });
})();
