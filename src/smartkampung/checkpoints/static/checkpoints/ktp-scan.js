// The KTP scan (checkpoints/_ktp_scan.html): a photo of the card, taken with the phone's rear camera, is read by
// the server (POST multipart `image`; the reading: /api/v1/ktp/read) and fills the form. Fields read with low
// confidence, or named by a failed check, are marked for the person to compare with the card, in words. At the
// desk the NIK lookup (htmx) then runs as if the NIK had been typed; what the card said (and what was typed before)
// is put back where the lookup leaves a field empty, and the register's differing value is shown beside it.
// The desk also scans a pre-registration QR code: the browser's BarcodeDetector where there is one (the camera's
// stream, or the photo), otherwise the photo is decoded by the server (/api/v1/ktp/qr).
// Every word shown comes from the panel's data-* (the page's language); no inline script (CSP).
(function () {
  "use strict";
  var panel = document.querySelector("[data-ktp-scan]");
  if (!panel) return;
  var data = panel.dataset;
  var LOW = parseFloat(data.low || "0.85");
  var FIELDS = ["nik", "name", "sex", "birth_date"]; // the card's fields a form may hold
  var MAX_SIDE = 2560; // a larger photo is scaled down before it is sent: quicker on a slow line, still sharp
  var MAX_SEND = 3 * 1024 * 1024;
  var photo = document.getElementById("ktp-photo");
  var thumb = document.getElementById("ktp-thumb");
  var status = document.getElementById("ktp-status");
  var readList = document.getElementById("ktp-read");
  var checkList = document.getElementById("ktp-checks");
  var reading = null; // the last reading, applied again after htmx swaps the desk
  var typed = null; // the desk form's values before the lookup, put back where it leaves a field empty
  var lookingUp = false;
  var scanned = false; // the desk's next swap comes from a scan (not from typing)
  var busy = false;

  // ------------------------------------------------------------------ small helpers

  function form() {
    return document.querySelector(data.target);
  }

  function say(text, kind) {
    status.textContent = text || "";
    status.className = "ktp-status" + (kind ? " " + kind : "");
  }

  function csrfToken() {
    var input = panel.querySelector("[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function dayOf(iso) {
    // The reading's YYYY-MM-DD as the forms take a day: DD-MM-YYYY.
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "-" + m[2] + "-" + m[1] : "";
  }

  function valueFor(field, r) {
    var value = r[field];
    if (value === null || value === undefined) return "";
    return field === "birth_date" ? dayOf(value) : String(value);
  }

  function same(a, b) {
    return String(a || "").replace(/\s+/g, " ").trim().toUpperCase() === String(b || "").replace(/\s+/g, " ").trim().toUpperCase();
  }

  function shown(element, value) {
    // How a field's value reads to a person: a select's option text, else the value.
    if (element && element.tagName === "SELECT") {
      for (var i = 0; i < element.options.length; i++) {
        if (element.options[i].value === value) return element.options[i].text;
      }
    }
    return value;
  }

  function setValue(element, value) {
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function errorWords(status, body) {
    var detail = body && typeof body.detail === "string" ? body.detail : "";
    if (status === 429) return detail || data.msgThrottled;
    if (status === 401 || status === 403) return detail || data.msgSignin;
    if (status === 413) return detail || data.msgTooBig;
    if (status === 415) return detail || data.msgNotImage;
    if (status === 422 || status === 400) return detail || data.msgUnreadable;
    if (status === 0) return data.msgNetwork;
    return detail || data.msgFailed;
  }

  // ------------------------------------------------------------------ the photo

  function decode(file) {
    // The photo upright (EXIF) as a bitmap, or null where the browser cannot (the server will say why).
    if (!window.createImageBitmap) return Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
      return createImageBitmap(file).catch(function () {
        return null;
      });
    });
  }

  function drawn(bitmap, side) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  function prepare(file) {
    // {blob, bitmap}: the thumbnail shown at once (a data: URL: the CSP allows no blob: images), and what is sent.
    return decode(file).then(function (bitmap) {
      if (!bitmap) {
        thumb.hidden = true;
        return { blob: file, bitmap: null };
      }
      thumb.src = drawn(bitmap, 320).toDataURL("image/jpeg", 0.8);
      thumb.hidden = false;
      var big = Math.max(bitmap.width, bitmap.height) > MAX_SIDE || file.size > MAX_SEND;
      if (!big) return { blob: file, bitmap: bitmap };
      return new Promise(function (resolve) {
        drawn(bitmap, MAX_SIDE).toBlob(
          function (blob) {
            resolve({ blob: blob || file, bitmap: bitmap });
          },
          "image/jpeg",
          0.92
        );
      });
    });
  }

  function send(url, blob) {
    var body = new FormData();
    body.append("image", blob, blob.name || "photo.jpg");
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(
      function (response) {
        return response.json().then(
          function (json) {
            return { status: response.status, body: json };
          },
          function () {
            return { status: response.status, body: null };
          }
        );
      },
      function () {
        return { status: 0, body: null };
      }
    );
  }

  // ------------------------------------------------------------------ the reading on the page

  function flagsOf(field, r) {
    // Why a field must be compared with the card, in words (none: it reads well).
    var words = [];
    if (r[field] === null || r[field] === undefined) return [data.msgMissing];
    var confidence = (r.confidence || {})[field];
    if (typeof confidence === "number" && confidence < LOW) words.push(data.msgLow);
    (r.checks || []).forEach(function (check) {
      if (check && check.ok === false && check.field === field && check.text) words.push(check.text);
    });
    return words;
  }

  function clearMarks() {
    var f = form();
    if (!f) return;
    f.querySelectorAll(".ktp-note").forEach(function (note) {
      var input = note.ktpFor;
      if (input) {
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== note.id;
        });
        if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
        else input.removeAttribute("aria-describedby");
      }
      note.remove();
    });
    f.querySelectorAll(".ktp-flag, .ktp-filled").forEach(function (box) {
      box.classList.remove("ktp-flag", "ktp-filled");
    });
  }

  function note(element, field, kind, words) {
    // A marker with words under the field (not colour alone), tied to the input for screen readers.
    var box = element.closest(".field") || element.parentNode;
    var p = document.createElement("p");
    p.className = "ktp-note " + kind;
    p.id = "ktp-note-" + field + "-" + kind;
    p.textContent = words;
    p.ktpFor = element;
    box.appendChild(p);
    var described = element.getAttribute("aria-describedby");
    element.setAttribute("aria-describedby", (described ? described + " " : "") + p.id);
    return box;
  }

  function mark(r, register) {
    // The form's card fields marked: filled from the card, to be checked (why), the register's differing value.
    var f = form();
    if (!f) return 0;
    clearMarks();
    var flagged = 0;
    FIELDS.forEach(function (field) {
      var element = f.elements[field];
      if (!element || element.type === "hidden") return;
      var box = element.closest(".field") || element.parentNode;
      var words = flagsOf(field, r);
      if (words.length) {
        flagged += 1;
        note(element, field, "check", "⚠ " + words.join(" "));
        box.classList.add("ktp-flag");
      } else {
        box.classList.add("ktp-filled");
      }
      (r.checks || []).forEach(function (check, i) {
        // A value the checks settled (a digit corrected, a date taken from the NIK): said under the field.
        if (check && check.ok !== false && check.field === field && /corrected|from_/.test(check.code || "")) {
          note(element, field + "-" + i, "info", "✓ " + check.text);
        }
      });
      if (register && register[field]) {
        note(element, field, "register", data.msgRegister + " " + register[field]);
      }
    });
    return flagged;
  }

  function fill(r) {
    var f = form();
    if (!f) return;
    FIELDS.forEach(function (field) {
      var element = f.elements[field];
      var value = valueFor(field, r);
      if (element && element.type !== "hidden" && value) setValue(element, value);
    });
  }

  function summary(r) {
    // What was read, as on the card (the public form has no birth date or sex: they are shown here).
    readList.textContent = "";
    var rows = [
      [data.labelNik, r.nik],
      [data.labelName, r.name],
      [data.labelBirth, [r.birth_place, dayOf(r.birth_date)].filter(Boolean).join(", ")],
      [data.labelSex, r.sex === "male" ? data.sexMale : r.sex === "female" ? data.sexFemale : ""],
      [data.labelAddress, [r.address, r.rt_rw, r.village, r.district].filter(Boolean).join(", ")],
    ];
    rows.forEach(function (row) {
      if (!row[1]) return;
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = row[0];
      dd.textContent = row[1];
      readList.appendChild(dt);
      readList.appendChild(dd);
    });
    readList.hidden = !readList.childElementCount;
    checkList.textContent = "";
    (r.checks || []).forEach(function (check) {
      if (!check || !check.text) return;
      var li = document.createElement("li");
      li.className = check.ok === false ? "bad" : "ok";
      li.textContent = (check.ok === false ? "⚠ " : "✓ ") + check.text;
      checkList.appendChild(li);
    });
    checkList.hidden = !checkList.childElementCount;
  }

  function reset() {
    reading = null;
    typed = null;
    thumb.hidden = true;
    thumb.removeAttribute("src");
    readList.hidden = checkList.hidden = true;
    readList.textContent = checkList.textContent = "";
  }

  function applied(r) {
    var flagged = mark(r, null);
    say(flagged ? data.msgFlagged : data.msgFilled, flagged ? "warn" : "ok");
  }

  // ------------------------------------------------------------------ the desk's lookup (htmx)

  function snapshot(last) {
    // The desk form's typed values (text and selects), to put back where the lookup's form leaves them empty;
    // without what the `last` card put there.
    var f = form();
    var values = {};
    if (!f) return values;
    Array.prototype.forEach.call(f.elements, function (element) {
      if (!element.name || element.type === "hidden" || element.type === "checkbox" || element.type === "radio") return;
      if (element.tagName === "BUTTON" || element.type === "submit" || element.type === "file") return;
      if (!element.value || (last && FIELDS.indexOf(element.name) >= 0 && element.value === valueFor(element.name, last))) {
        return;
      }
      values[element.name] = element.value;
    });
    return values;
  }

  function lookUp(nik, code, before, formerNik) {
    // `before`: the desk form's values before the card filled it, kept when they were for this traveller (the
    // form had no NIK yet, or this one: `formerNik`), never another traveller's left over.
    var lookup = document.querySelector("#desk form.lookup");
    if (!lookup || !lookup.requestSubmit) return false;
    lookup.elements.nik.value = nik || "";
    if (lookup.elements.code) lookup.elements.code.value = code || "";
    typed = nik && before && (!formerNik || formerNik === nik) ? before : null;
    lookingUp = Boolean(nik);
    scanned = true;
    lookup.requestSubmit();
    return true;
  }

  function afterLookup(r) {
    // The lookup's form is on the page: the card's values win, typed values fill what it left empty, and where
    // the register said something else it is shown beside the field.
    var f = form();
    if (!f) return;
    var register = {};
    FIELDS.forEach(function (field) {
      var element = f.elements[field];
      var card = valueFor(field, r);
      if (element && card && element.value && !same(element.value, card)) {
        register[field] = shown(element, element.value);
      }
    });
    Object.keys(typed || {}).forEach(function (name) {
      var element = f.elements[name];
      if (element && element.value === "" && element.type !== "hidden") setValue(element, typed[name]);
    });
    fill(r);
    var flagged = mark(r, register);
    say(flagged ? data.msgFlagged : data.msgFilled, flagged ? "warn" : "ok");
    panel.dataset.state = "filled";
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "desk") return;
    if (target.querySelector("#outcome")) {
      // Registered: the next traveller starts with an empty form and an empty panel.
      if (reading) {
        say(data.msgRegistered, "ok");
        panel.dataset.state = "registered";
      }
      reset();
      lookingUp = false;
      return;
    }
    if (!reading) return;
    if (lookingUp) {
      lookingUp = false;
      afterLookup(reading);
    } else {
      // The form came back with errors (the registration refused): the card's marks stay on the fields.
      var nik = form() && form().elements.nik;
      if (nik && nik.value === reading.nik) mark(reading, null);
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    // The swapped desk focuses the NIK box (autofocus), which on a phone opens the keyboard over the form the
    // scan has just filled: after a scan, the focus is left where the officer put it.
    var target = event.detail && event.detail.target;
    if (!scanned || !target || target.id !== "desk") return;
    scanned = false;
    var focused = document.activeElement;
    if (focused && focused.id === "lookup-nik") focused.blur();
  });

  function lookupFailed() {
    // The lookup got no answer (the network, the server): the card's values are still in the form.
    scanned = false;
    if (!lookingUp) return;
    lookingUp = false;
    if (reading) panel.dataset.state = "filled";
  }
  document.body.addEventListener("htmx:sendError", lookupFailed);
  document.body.addEventListener("htmx:responseError", lookupFailed);

  // ------------------------------------------------------------------ Scan KTP

  function unfill(r) {
    // A new card replaces the last one: what the last card put in the form (and nobody changed) goes.
    var f = form();
    if (!f || !r) return;
    FIELDS.forEach(function (field) {
      var element = f.elements[field];
      if (element && element.type !== "hidden" && valueFor(field, r) && element.value === valueFor(field, r)) {
        setValue(element, "");
      }
    });
  }

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file || busy) return;
    busy = true;
    var before = data.desk ? snapshot(reading) : null;
    var formerNik = form() && form().elements.nik ? form().elements.nik.value : "";
    var last = reading; // its values leave the form once the new card is read (kept if it cannot be)
    panel.setAttribute("aria-busy", "true");
    panel.dataset.state = "reading";
    reset();
    clearMarks();
    say(data.msgReading, "busy");
    prepare(file)
      .then(function (prepared) {
        return send(data.readUrl, prepared.blob);
      })
      .then(function (answer) {
        if (answer.status !== 200 || !answer.body) {
          panel.dataset.state = "error";
          say(errorWords(answer.status, answer.body), "error");
          return;
        }
        unfill(last);
        reading = answer.body;
        summary(reading);
        fill(reading);
        applied(reading);
        // At the desk the lookup runs next (state "filled" once its form is back), elsewhere this is all.
        panel.dataset.state = data.desk && reading.nik && lookUp(reading.nik, "", before, formerNik) ? "read" : "filled";
      })
      .catch(function () {
        panel.dataset.state = "error";
        say(data.msgFailed, "error");
      })
      .then(function () {
        busy = false;
        panel.removeAttribute("aria-busy");
        photo.value = ""; // the same card photographed again is a new choice
      });
  });

  // ------------------------------------------------------------------ Scan a pre-registration QR (desk)

  var qrButton = document.getElementById("qr-scan-button");
  if (!qrButton) return;
  var qrPhoto = document.getElementById("qr-photo");
  var camera = document.getElementById("qr-camera");
  var video = document.getElementById("qr-video");
  var stopCamera = function () {};

  function detector() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(
      function (formats) {
        return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      },
      function () {
        return null;
      }
    );
  }

  function codeOf(text) {
    // A pre-registration QR holds its code alone (8 letters and digits, as core.codes draws them); any other
    // QR code is not one.
    var code = String(text || "").replace(/\s+/g, "").toUpperCase();
    return /^[A-HJ-NP-Z2-9]{8}$/.test(code) ? code : "";
  }

  function found(code) {
    reset();
    clearMarks();
    say(data.msgQrFound, "ok");
    lookUp("", code);
  }

  function liveScan(detect) {
    // The camera's stream in the page, each frame looked at until a QR code shows (needs https).
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(
      function (stream) {
        var timer = null;
        var stopped = false;
        stopCamera = function () {
          stopped = true;
          clearTimeout(timer);
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
          video.srcObject = null;
          camera.hidden = true;
          stopCamera = function () {};
        };
        video.srcObject = stream;
        camera.hidden = false;
        say(data.msgQrCamera, "busy");
        video.play();
        var look = function () {
          if (stopped) return;
          var next = function () {
            timer = setTimeout(look, 250);
          };
          if (video.readyState < 2) return next();
          detect.detect(video).then(function (codes) {
            var code = codes.length ? codeOf(codes[0].rawValue) : "";
            if (code) {
              stopCamera();
              found(code);
            } else next();
          }, next);
        };
        look();
      }
    );
  }

  qrButton.addEventListener("click", function () {
    detector().then(function (detect) {
      var live = detect && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.isSecureContext;
      if (!live) return qrPhoto.click();
      liveScan(detect).catch(function () {
        qrPhoto.click(); // no camera allowed: a photo does it too
      });
    });
  });
  document.getElementById("qr-close").addEventListener("click", function () {
    stopCamera();
    say("", "");
  });
  document.getElementById("qr-photo-instead").addEventListener("click", function () {
    stopCamera();
    qrPhoto.click();
  });

  qrPhoto.addEventListener("change", function () {
    var file = qrPhoto.files && qrPhoto.files[0];
    if (!file || busy) return;
    busy = true;
    say(data.msgQrReading, "busy");
    Promise.all([detector(), prepare(file)])
      .then(function (both) {
        var detect = both[0];
        var prepared = both[1];
        var local = detect && prepared.bitmap ? detect.detect(prepared.bitmap).catch(function () { return []; }) : Promise.resolve([]);
        return local.then(function (codes) {
          var code = codes.length ? codeOf(codes[0].rawValue) : "";
          if (code) return code;
          return send(data.qrUrl, prepared.blob).then(function (answer) {
            if (answer.status === 200 && answer.body) return answer.body.code || "";
            var detail = answer.body && typeof answer.body.detail === "string" ? answer.body.detail : "";
            if (answer.status === 422) throw new Error(detail || data.msgQrNone);
            throw new Error(errorWords(answer.status, answer.body));
          });
        });
      })
      .then(function (code) {
        thumb.hidden = true;
        if (code) found(code);
        else say(data.msgQrNone, "error");
      })
      .catch(function (error) {
        thumb.hidden = true;
        say((error && error.message) || data.msgFailed, "error");
      })
      .then(function () {
        busy = false;
        qrPhoto.value = "";
      });
  });
})();
