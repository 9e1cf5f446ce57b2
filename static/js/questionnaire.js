// Shows a question only while the answers that control it ask for it.
// Markup: <div data-show-when='[["controller", ["value1", "value2"]], ...]'>, every pair to hold
// (written by lib/questions.show_when). Without this script every question stays visible and its
// help text says when it applies; the server ignores answers that don't.
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

  const blocks = Array.from(form.querySelectorAll("[data-show-when]")).map((block) => ({
    block: block,
    conditions: JSON.parse(block.dataset.showWhen),
  }));

  // Whether a question holds an answer (a choice checked or something typed).
  function answered(block) {
    return Array.from(block.querySelectorAll("input, textarea, select")).some((el) =>
      el.type === "radio" || el.type === "checkbox" ? el.checked : el.value.trim() !== ""
    );
  }

  // A question that stops applying while it holds an answer leaves a line in its place: the
  // server clears that answer on saving (and says so), and the reviewer should know before.
  function noteClearing(block) {
    let note = block.nextElementSibling;
    if (!(note && note.classList.contains("clearing-note"))) note = null;
    const needed = block.hidden && answered(block);
    if (needed && !note) {
      note = document.createElement("p");
      note.className = "clearing-note form-text";
      note.setAttribute("role", "status");
      note.textContent = `“${block.dataset.questionLabel}” no longer applies: its answer will be cleared when you save.`;
      block.after(note);
    } else if (!needed && note) {
      note.remove();
    }
  }

  function update() {
    // Nested conditions (had a transplant -> type -> same donor) settle in as many passes as deep.
    for (let pass = 0; pass <= blocks.length; pass++) {
      let changed = false;
      blocks.forEach(({ block, conditions }) => {
        const hidden = !conditions.every(([name, wanted]) => currentValues(name).some((v) => wanted.includes(v)));
        if (block.hidden !== hidden) {
          block.hidden = hidden;
          changed = true;
        }
      });
      if (!changed) break;
    }
    blocks.forEach(({ block }) => noteClearing(block));
  }

  form.addEventListener("change", update);
  update();

})();
