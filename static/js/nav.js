// Folds the main navigation behind a Menu button on a narrow screen. Without this script the
// links stay shown at every width (base.html renders them unfolded and the button hidden).
(function () {
  "use strict";
  const nav = document.getElementById("main-nav");
  const toggler = document.querySelector("[data-bs-target='#main-nav']");
  if (!nav || !toggler || !window.bootstrap) return;
  nav.classList.add("collapse");
  toggler.hidden = false;
})();
