/* smartkampung: the public list of isolation houses. The map (Leaflet) and the houses are fetched only
   when the map is opened; "Use my location" fills the form from the browser's position. */
(function () {
  "use strict";
  // Leaflet and the houses are fetched only when the map is opened: most visitors need just the list.
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var button = document.getElementById("map-toggle"), box = document.getElementById("map"), field = document.getElementById("id_map");
  var map = null, loading = false;
  function fmt(text, values) { return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; }); }
  function load(url, isStyle) {
    return new Promise(function (done, fail) {
      var el = document.createElement(isStyle ? "link" : "script");
      if (isStyle) { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
      el.onload = done; el.onerror = fail; document.head.appendChild(el);
    });
  }
  function line(parent, text, tag) { var el = document.createElement(tag || "p"); el.textContent = text; parent.appendChild(el); return el; }
  function popup(h) {
    // Built from text nodes: house names and addresses are typed by staff.
    var div = document.createElement("div"), title = document.createElement("a");
    div.className = "map-popup";
    title.href = cfg.reserve.replace("/0/", "/" + h.id + "/"); title.textContent = h.name;
    line(div, "", "strong").appendChild(title);
    line(div, (h.central ? cfg.text.central : (h.village_name || "")) + (h.address ? " · " + h.address : ""));
    line(div, h.separated ? fmt(cfg.text.beds_split, {m: h.free_male, f: h.free_female}) : fmt(cfg.text.beds, {n: h.free_any}));
    if (h.distance_km !== null) { line(div, fmt(cfg.text.km, {km: h.distance_km.toFixed(1)})); }
    var reserve = document.createElement("a");
    reserve.className = "button"; reserve.href = title.href; reserve.textContent = cfg.text.reserve;
    line(div, "").appendChild(reserve);
    return div;
  }
  function draw(houses) {
    box.textContent = ""; box.classList.remove("failed");
    map = L.map(box, {scrollWheelZoom: false});
    if (cfg.tiles) { L.tileLayer(cfg.tiles, {maxZoom: 18, attribution: cfg.attribution}).addTo(map); }
    var points = houses.map(function (h, i) {
      L.circleMarker([h.latitude, h.longitude], {
        radius: i < 5 && cfg.here ? 10 : 6, weight: 2, color: "#14532d",
        fillColor: h.central ? "#1d4ed8" : "#16a34a", fillOpacity: 0.85
      }).bindPopup(popup(h)).addTo(map);
      return [h.latitude, h.longitude];
    });
    if (cfg.here) {
      L.circleMarker(cfg.here, {radius: 8, weight: 3, color: "#7f1d1d", fillColor: "#ef4444", fillOpacity: 1})
        .bindTooltip(cfg.text.here).addTo(map);
      map.fitBounds([cfg.here].concat(points.slice(0, 5)), {padding: [24, 24], maxZoom: 14});
    } else if (points.length) {
      map.fitBounds(points, {padding: [16, 16]});
    } else {
      map.setView(cfg.centre, 10);
    }
  }
  function show(open) {
    box.hidden = !open; field.value = open ? "1" : "";
    button.textContent = open ? cfg.text.hide : cfg.text.show; button.setAttribute("aria-expanded", String(open));
    if (!open || loading) { return; }
    if (map) { map.invalidateSize(); return; }
    loading = true;
    Promise.all([
      load(cfg.css, true), load(cfg.js, false),
      fetch(cfg.houses, {headers: {Accept: "application/json"}}).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    ]).then(function (got) { draw(got[2]); })
      .catch(function () { box.textContent = cfg.text.failed; box.classList.add("failed"); })
      .then(function () { loading = false; });
  }
  button.hidden = false;
  button.addEventListener("click", function () { show(box.hidden); });
  if (field.value === "1") { show(true); }
  document.getElementById("locate").addEventListener("click", function () {
    var state = document.getElementById("locate-state");
    if (!navigator.geolocation) { state.textContent = state.dataset.unsupported; return; }
    state.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(5);
      document.getElementById("id_village").value = "";
      document.getElementById("where").submit();
    }, function () { state.textContent = state.dataset.refused; }, { timeout: 10000 });
  });
})();
