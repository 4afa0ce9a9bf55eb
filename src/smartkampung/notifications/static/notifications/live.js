/* smartkampung: the live notification list. Our own code, no libraries: EventSource for the stream,
   server-rendered items, a highlight and a short beep for each new one. */
(function () {
  "use strict";
  var root = document.getElementById("notifications-live");
  if (!root || !window.EventSource) { return; }
  var list = root.querySelector(".nt-list");
  var state = root.querySelector(".nt-state");
  var label = root.querySelector(".nt-label");
  var empty = root.querySelector(".nt-empty");
  var announce = root.querySelector(".nt-announce");
  var soundButton = root.querySelector(".nt-sound");
  var texts = root.querySelector(".nt-texts").dataset;
  var audio = null;
  var soundOn = true;

  // Browsers let a page make sound only after the user has touched it: start the audio then.
  function unlock() {
    if (!audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context) { audio = new Context(); }
    }
    if (audio && audio.state === "suspended") { audio.resume(); }
    soundButton.setAttribute("aria-pressed", soundOn && audio ? "true" : "false");
  }
  document.addEventListener("pointerdown", unlock, { capture: true });
  document.addEventListener("keydown", unlock, { capture: true });
  soundButton.addEventListener("click", function () {
    soundOn = soundButton.getAttribute("aria-pressed") !== "true";
    unlock();
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    if (soundOn) { beep(); }
  });

  function beep() {
    if (!soundOn || !audio || audio.state !== "running") { return; }
    var now = audio.currentTime;
    [0, 0.22].forEach(function (offset) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.18);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(now + offset);
      tone.stop(now + offset + 0.2);
    });
  }

  function setState(name) {
    state.setAttribute("data-state", name);
    label.textContent = texts[name] || name;
  }

  // Whatever else on the page follows the notifications (the dashboard's tiles, hx-trigger
  // "notifications-changed from:body") hears once per burst: every change within half a second makes one event.
  var changeTimer = null;
  function changed() {
    if (changeTimer) { return; }
    changeTimer = window.setTimeout(function () {
      changeTimer = null;
      document.body.dispatchEvent(new CustomEvent("notifications-changed", { bubbles: true }));
    }, 500);
  }
  // Followed up from this page: the item's form posts by htmx and its answer replaces the item (beforeSwap fires
  // on the item, the form's hx-target), once the change is saved.
  root.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail || {};
    var xhr = detail.xhr;
    var posted = detail.requestConfig && String(detail.requestConfig.verb).toLowerCase() === "post";
    if (posted && event.target.classList.contains("nt-item") && xhr && xhr.status >= 200 && xhr.status < 300) {
      changed();
    }
  });

  function show(data) {
    // Exactly once on the page: a notification already shown (page load, or before a reconnection) is skipped.
    if (!data.html || document.getElementById("notification-" + data.id)) { return; }
    var holder = document.createElement("template");
    holder.innerHTML = data.html.trim();
    var item = holder.content.firstElementChild;
    if (!item) { return; }
    item.classList.add("nt-new");
    list.insertBefore(item, list.firstChild);
    if (window.htmx) { window.htmx.process(item); }
    empty.hidden = true;
    announce.textContent = texts.new + ": " + (item.querySelector(".nt-head") || item).textContent.replace(/\s+/g, " ").trim();
    item.addEventListener("mouseenter", function () { item.classList.remove("nt-new"); }, { once: true });
    beep();
    changed();
  }

  var source = new EventSource(root.getAttribute("data-stream") + "?after=" + encodeURIComponent(root.getAttribute("data-after") || "0"));
  source.addEventListener("open", function () { setState("live"); });
  source.addEventListener("error", function () {
    // EventSource reconnects by itself, sending the last event's id; it gives up only on an HTTP error
    // (signed out, for instance).
    setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  });
  source.addEventListener("notification", function (event) {
    try { show(JSON.parse(event.data)); } catch (error) { /* a broken event must not stop the others */ }
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
