// The issued letter or notice shown in a frame: the frame grows to the letter's height (no
// scroll inside a scroll), and Print prints the letter alone, not the app around it.
(function () {
  "use strict";
  const frame = document.getElementById("issued-frame");
  const print = document.getElementById("print-issued");
  if (!frame) return;
  function fit() {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) frame.style.height = doc.documentElement.scrollHeight + 24 + "px";
  }
  frame.addEventListener("load", fit);
  window.addEventListener("resize", fit);
  fit();
  if (print) {
    print.hidden = false;
    print.addEventListener("click", () => frame.contentWindow.print());
  }
  // "Print the letter" on the review's page opens this page with ?print=1.
  if (new URLSearchParams(window.location.search).get("print") === "1") {
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") frame.contentWindow.print();
    else frame.addEventListener("load", () => frame.contentWindow.print(), { once: true });
  }
})();
