/* smartkampung: the public list of certified tourism places. The map (Leaflet, served by the app as
   isolation's map) and the places are fetched from the public API only when the map is opened, filtered as
   the list; the list itself needs no script. */
(function () {
  "use strict";
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
  function popup(p) {
    // Built from text nodes: place names are typed by their owners.
    var div = document.createElement("div"), title = document.createElement("a");
    div.className = "map-popup";
    title.href = cfg.page.replace("/0/", "/" + p.id + "/"); title.textContent = p.name;
    line(div, "", "strong").appendChild(title);
    line(div, p.kind_label + " · " + p.village_name + ", " + p.district_name);
    line(div, fmt(cfg.text.inside, {n: p.occupancy, max: p.capacity}) + (p.has_room ? "" : " · " + cfg.text.full));
    var open = document.createElement("a");
    open.className = "button"; open.href = title.href; open.textContent = cfg.text.open;
    line(div, "").appendChild(open);
    return div;
  }
  function draw(answer) {
    box.textContent = ""; box.classList.remove("failed");
    map = L.map(box, {scrollWheelZoom: false});
    if (cfg.tiles) { L.tileLayer(cfg.tiles, {maxZoom: 18, attribution: cfg.attribution}).addTo(map); }
    var points = answer.items.map(function (p) {
      L.circleMarker([p.latitude, p.longitude], {
        radius: 7, weight: 2, color: "#14532d", fillColor: p.has_room ? "#16a34a" : "#b91c1c", fillOpacity: 0.85
      }).bindPopup(popup(p)).addTo(map);
      return [p.latitude, p.longitude];
    });
    if (points.length) { map.fitBounds(points, {padding: [16, 16], maxZoom: 15}); } else { map.setView(cfg.centre, 10); }
  }
  function show(open) {
    box.hidden = !open; field.value = open ? "1" : "";
    button.textContent = open ? cfg.text.hide : cfg.text.show; button.setAttribute("aria-expanded", String(open));
    if (!open || loading) { return; }
    if (map) { map.invalidateSize(); return; }
    loading = true;
    Promise.all([
      load(cfg.css, true), load(cfg.js, false),
      fetch(cfg.places, {headers: {Accept: "application/json"}}).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    ]).then(function (got) { draw(got[2]); })
      .catch(function () { box.textContent = cfg.text.failed; box.classList.add("failed"); })
      .then(function () { loading = false; });
  }
  button.hidden = false;
  button.addEventListener("click", function () { show(box.hidden); });
  if (field.value === "1") { show(true); }
})();
