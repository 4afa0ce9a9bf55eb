// The server answered a registration "503 busy, Retry-After: N": it took nothing (core.admission), so the desk
// sends the same form again after N seconds, by itself, and tells the officer meanwhile. After a few tries it
// stops and asks the officer to press the button again.
(function () {
  "use strict";
  var MAX_TRIES = 5;
  var tries = 0;
  var pending = null; // the timer of the next try: one at a time, dropped when the desk changes

  function cancel() {
    if (pending !== null) window.clearTimeout(pending);
    pending = null;
  }

  function note() {
    return document.getElementById("desk-busy");
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The officer sends the form again by hand: no second send from the timer.
    document.body.addEventListener("submit", function (event) {
      if (event.isTrusted && event.target && event.target.matches && event.target.matches("form.desk-form")) cancel();
    }, true);
    document.body.addEventListener("htmx:responseError", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var form = event.detail && event.detail.elt;
      var box = note();
      if (!xhr || xhr.status !== 503 || !form || !form.matches || !form.matches("form.desk-form") || !box) return;
      // Only admission's own "busy" (nothing was done) is sent again; any other 503 is left to the officer.
      if (xhr.getResponseHeader("X-Smartkampung-Busy") !== "1") return;
      cancel();
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
      pending = window.setTimeout(function () {
        pending = null;
        // The same form, as it stands now (had the desk been swapped, the timer would be gone).
        if (document.body.contains(form)) window.htmx.trigger(form, "submit");
      }, seconds * 1000);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var box = note();
      if (box && event.detail && event.detail.target && event.detail.target.id === "desk") {
        cancel();
        tries = 0;
        box.hidden = true;
      }
    });
  });
})();
