// Warns before leaving a page whose form holds typed changes that are not saved yet: a form
// marked data-warn-unsaved, compared with what it held when the page loaded. A page shown again
// with errors (data-warn-unsaved="unsaved") holds what was typed but not saved, so it warns too.
(function () {
  "use strict";
  const forms = Array.from(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) return;
  const snapshot = (form) => new URLSearchParams(new FormData(form)).toString();
  const loaded = new Map(forms.map((form) => [form, snapshot(form)]));
  let saving = false;

  document.addEventListener("submit", (event) => {
    if (forms.includes(event.target)) saving = true;
  });
  // Coming back with the browser's Back button restores the page as it was left.
  window.addEventListener("pageshow", () => { saving = false; });

  function unsaved() {
    return forms.some((form) => form.dataset.warnUnsaved === "unsaved" || snapshot(form) !== loaded.get(form));
  }

  window.addEventListener("beforeunload", (event) => {
    if (saving || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show their own warning only when this is set
  });
})();
