// Filon's small page behaviours, in a static file: the Content-Security-Policy runs no inline
// script and no inline event handler (onclick=, hx-on:…), only files served by the site.
(function () {
  "use strict";

  // A 429 (a used-up budget) answered to htmx inside [data-htmx-show-429] is shown like any
  // answer, in place of the results, instead of being dropped as an error.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.target;
    if (
      event.detail.xhr.status === 429 &&
      target instanceof Element &&
      target.closest("[data-htmx-show-429]")
    ) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // <button data-print>: prints the page.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });

  // Buttons that fold and unfold a part of the page on a phone (filon.css, "Phones"):
  // [data-menu-toggle] the header's menu, [data-filters-toggle] the directory's filters. The
  // class goes on an element htmx does not replace, so the choice survives a new search.
  var TOGGLES = [
    ["[data-menu-toggle]", ".topbar", "menu-open"],
    ["[data-filters-toggle]", ".search", "filters-open"],
  ];
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    TOGGLES.forEach(function (toggle) {
      var button = target.closest(toggle[0]);
      var holder = button && button.closest(toggle[1]);
      if (holder) {
        var open = holder.classList.toggle(toggle[2]);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
    });
  });

  // On a phone, tables become cards (filon.css): each cell is labelled with its column's
  // heading, taken from the table's <thead>.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = table.querySelectorAll("thead tr:last-child th");
      if (!heads.length) {
        return;
      }
      table.classList.add("labelled");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var head = heads[i];
          var label = head ? head.textContent.trim() : "";
          if (label && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelCells(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target instanceof Element) {
      labelCells(event.target.parentElement || event.target);
    }
  });
})();
