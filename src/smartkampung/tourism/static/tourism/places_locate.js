// "Use my location" on the place forms: fills latitude and longitude from the phone's position.
// Shown only where the browser offers geolocation; without it the numbers are typed.
(function () {
  "use strict";
  function setUp() {
    var button = document.querySelector("[data-locate]");
    if (!button || !("geolocation" in navigator)) return;
    var status = document.getElementById("locate-status");
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = status.dataset.reading;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          status.textContent = "";
        },
        function () {
          status.textContent = status.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
