// Shows a question only while the answer that controls it asks for it.
// Markup: <div data-show-when="controller=value1|value2">. Without this script every question
// stays visible and its help text says when it applies; the server ignores answers that don't.
(function () {
  "use strict";
  const form = document.getElementById("step-form");
  if (!form) return;

  // The values a controlling question has now; a hidden question counts as unanswered.
  function currentValues(name) {
    return Array.from(form.elements)
      .filter((el) => el.name === name && !el.closest("[hidden]"))
      .filter((el) => !(el.type === "radio" || el.type === "checkbox") || el.checked)
      .map((el) => el.value);
  }

  function update() {
    form.querySelectorAll("[data-show-when]").forEach((block) => {
      const [name, wanted] = block.dataset.showWhen.split("=");
      block.hidden = !currentValues(name).some((v) => wanted.split("|").includes(v));
    });
  }

  form.addEventListener("change", update);
  update();
  // Nested conditions (type -> same donor) settle on a second pass.
  update();

  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
