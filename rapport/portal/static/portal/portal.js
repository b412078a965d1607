/* Rapport contact page: send the customer's own time zone, so "10:00" means their 10:00. */
(function () {
  "use strict";
  var field = document.getElementById("id_timezone");
  if (field) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
})();

/* "Opens Tue 08:00": the next opening on the visitor's own clock, where the browser can tell. */
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false
  });
  document.querySelectorAll("time.local-time").forEach(function (node) {
    var at = new Date(node.getAttribute("datetime"));
    if (!isNaN(at)) node.textContent = format.format(at) + " (your time, " + zone + ")";
  });
})();
