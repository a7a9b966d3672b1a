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
})();
