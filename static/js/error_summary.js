// The error summary at the top of a form: focused when the page loads, so a screen reader reads
// it first; each of its links moves focus to its field (a link to an id only scrolls there), with
// the field's question scrolled into view above it.
(function () {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const block = document.getElementById(link.getAttribute("href").slice(1));
    const field = block && block.querySelector("input:not([type=hidden]), select, textarea");
    if (!field) return;
    event.preventDefault();
    block.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
