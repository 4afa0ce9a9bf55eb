// The phone menu is a <details> and works without this file; this only closes it as people expect:
// with Escape (focus back on its button) and with a tap or click anywhere outside it.
(function () {
  "use strict";
  var menu = document.querySelector("details[data-menu]");
  if (!menu) return;
  var summary = menu.querySelector("summary");

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      if (summary) summary.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
