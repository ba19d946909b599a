// The main menu folds behind its "Menu" button on narrow screens (app.css, max-width 800px), and
// so do side panels marked <details data-fold-narrow open> (the search filters): closed on a
// narrow screen, so that the results come first, open on a wide one.
// Loaded from a file because the CSP forbids inline scripts; without JavaScript the menu and the
// panels stay open.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 800px)");
  var panels = document.querySelectorAll("details[data-fold-narrow]");
  function fit() {
    for (var i = 0; i < panels.length; i += 1) {
      panels[i].open = !narrow.matches;
    }
  }
  if (panels.length) {
    fit();
    narrow.addEventListener("change", fit);
  }
})();
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var links = document.getElementById("nav-links");
  if (!toggle || !links) {
    return;
  }
  var nav = toggle.closest("nav");
  nav.classList.add("collapsible");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      toggle.setAttribute("aria-expanded", "false");
      nav.classList.remove("open");
      toggle.focus();
    }
  });
})();
