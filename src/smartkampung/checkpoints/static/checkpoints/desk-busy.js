// The server answered a registration "503 busy, Retry-After: N": it took nothing (core.admission), so the desk
// sends the same form again after N seconds, by itself, and tells the officer meanwhile. After a few tries it
// stops and asks the officer to press the button again.
(function () {
  "use strict";
  var MAX_TRIES = 5;
  var tries = 0;

  function note() {
    return document.getElementById("desk-busy");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("htmx:responseError", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var form = event.detail && event.detail.elt;
      var box = note();
      if (!xhr || xhr.status !== 503 || !form || !form.matches || !form.matches("form.desk-form") || !box) return;
      var seconds = parseInt(xhr.getResponseHeader("Retry-After") || "2", 10);
      if (!(seconds > 0 && seconds < 120)) seconds = 2;
      tries += 1;
      if (tries > MAX_TRIES) {
        tries = 0;
        box.textContent = box.dataset.givenUp;
        box.hidden = false;
        return;
      }
      box.textContent = box.dataset.waiting.replace("%(seconds)s", String(seconds));
      box.hidden = false;
      window.setTimeout(function () {
        // The desk may have been swapped meanwhile: send the form that is there now, if it is still there.
        var current = document.querySelector("#desk form.desk-form");
        if (current) window.htmx.trigger(current, "submit");
      }, seconds * 1000);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var box = note();
      if (box && event.detail && event.detail.target && event.detail.target.id === "desk") {
        tries = 0;
        box.hidden = true;
      }
    });
  });
})();
