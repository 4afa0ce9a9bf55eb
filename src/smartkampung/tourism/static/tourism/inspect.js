/* The inspector's phone form: each finding is saved on its own (POST to its item's URL, answered with the item's
   fragment as htmx would be), and nothing entered is lost on a weak connection. Every value is kept in
   localStorage (the photo downscaled, as a data URL) until the server confirms it; a failed upload is retried when
   the connection returns (the "online" event) or with the item's retry button. Each item says "saved" or
   "not saved yet — will retry". Without this script the forms post normally, one item at a time. */
(function () {
  "use strict";
  var MAX_SIDE = 1600; // the photo is scaled down before it is sent or kept: the server takes at most 2 MB
  var QUALITY = 0.8;
  var PREFIX = "smartkampung.inspect.";

  function keyOf(form) {
    return PREFIX + form.dataset.inspection + "." + form.dataset.item;
  }

  function stateOf(form, which) {
    var span = form.querySelector(".save-state");
    if (span) span.textContent = span.dataset[which] || which;
    form.dataset.state = which;
    // The retry button exists only while something waits to be sent (made here: the page's CSS shows buttons
    // whatever their `hidden` attribute says).
    var retry = form.querySelector(".retry");
    if (which === "pending" && !retry && span) {
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "secondary retry";
      retry.textContent = span.dataset.retry || "Retry";
      retry.addEventListener("click", function () {
        var entry = load(form);
        if (entry) send(form, entry);
      });
      span.parentNode.appendChild(retry);
    } else if (which !== "pending" && retry) {
      retry.remove();
    }
  }

  function load(form) {
    try {
      return JSON.parse(localStorage.getItem(keyOf(form)) || "null");
    } catch (e) {
      return null;
    }
  }

  function keep(form, entry) {
    try {
      localStorage.setItem(keyOf(form), JSON.stringify(entry));
    } catch (e) {
      // Full storage: keep at least the result and the note.
      try {
        localStorage.setItem(keyOf(form), JSON.stringify({ result: entry.result, note: entry.note }));
      } catch (ignored) { /* nothing more we can keep */ }
    }
  }

  function forget(form) {
    try { localStorage.removeItem(keyOf(form)); } catch (e) { /* private mode */ }
  }

  function downscale(file) {
    return new Promise(function (resolve) {
      if (!file || !window.createImageBitmap) { resolve(null); return; }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        resolve(canvas.toDataURL("image/jpeg", QUALITY));
      }).catch(function () { resolve(null); });
    });
  }

  function dataUrlToBlob(url) {
    var parts = url.split(",");
    var bytes = atob(parts[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    return new Blob([buffer], { type: "image/jpeg" });
  }

  function entryOf(form) {
    var checked = form.querySelector("input[name=result]:checked");
    var note = form.querySelector("input[name=note]");
    var photo = form.querySelector("input[name=photo]");
    var file = photo && photo.files && photo.files[0];
    var entry = { result: checked ? checked.value : "", note: note ? note.value : "" };
    if (!file) return Promise.resolve(entry);
    return downscale(file).then(function (dataUrl) {
      if (dataUrl) entry.photo = dataUrl;
      else entry.rawPhoto = true; // the browser cannot scale it: sent as taken, while the page stays open
      return entry;
    });
  }

  function send(form, entry) {
    if (!entry.result) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("result", entry.result);
    body.append("note", entry.note || "");
    if (entry.photo) {
      body.append("photo", dataUrlToBlob(entry.photo), "photo.jpg");
    } else if (entry.rawPhoto) {
      var input = form.querySelector("input[name=photo]");
      if (input && input.files[0]) body.append("photo", input.files[0]);
    }
    stateOf(form, "saving");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      if (response.status === 200 || response.status === 422) {
        return response.text().then(function (html) {
          forget(form); // the server has it, or refused it in words: either way not ours to resend
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("form.finding");
          if (fresh) {
            form.replaceWith(fresh);
            wire(fresh);
            if (response.status === 422) stateOf(fresh, "refused");
          }
        });
      }
      if (response.status >= 500 || response.status === 429 || response.status === 0) {
        stateOf(form, "pending");
        return null;
      }
      // 403/404/409 and the like: signed out, or the inspection closed meanwhile; the page says why on reload.
      forget(form);
      stateOf(form, "refused");
      return null;
    }).catch(function () {
      stateOf(form, "pending"); // no connection: kept, sent again when it returns
    });
  }

  function save(form) {
    entryOf(form).then(function (entry) {
      if (!entry.result) return;
      keep(form, entry);
      if (navigator.onLine === false) { stateOf(form, "pending"); return; }
      send(form, entry);
    });
  }

  function retryAll() {
    document.querySelectorAll("form.finding").forEach(function (form) {
      var entry = load(form);
      if (entry && form.dataset.state !== "saving") send(form, entry);
    });
  }

  function restore(form) {
    var entry = load(form);
    if (!entry) return;
    var radio = form.querySelector("input[name=result][value='" + entry.result + "']");
    if (radio) radio.checked = true;
    var note = form.querySelector("input[name=note]");
    if (note) note.value = entry.note || "";
    stateOf(form, "pending");
  }

  function wire(form) {
    if (form.dataset.wired) return;
    form.dataset.wired = "1";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(form);
    });
    form.querySelectorAll("input[name=result]").forEach(function (radio) {
      radio.addEventListener("change", function () { save(form); });
    });
    restore(form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.finding").forEach(wire);
    window.addEventListener("online", retryAll);
    if (navigator.onLine !== false) retryAll();
  });
})();
