/* Rapport contact page. Without script every time is shown in the site's own zone, named;
   with it, the visitor's zone is sent with the forms and times are shown on their clock. */

/* Send the customer's own time zone, so "10:00" means their 10:00. */
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll("input[data-visitor-zone]").forEach(function (field) {
    field.value = zone;
  });
})();

/* "Opens Tue 08:00" and "next in on …": the moment on the visitor's own clock. */
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

/* A site's next seven days of hours on the visitor's clock, when their zone is another. */
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  var day = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
  var dateKey = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });
  document.querySelectorAll(".your-clock[data-site-zone]").forEach(function (node) {
    if (node.getAttribute("data-site-zone") === zone) return;
    var spans = [];
    node.querySelectorAll("time[datetime][data-until]").forEach(function (time) {
      var opens = new Date(time.getAttribute("datetime"));
      var closes = new Date(time.getAttribute("data-until"));
      if (isNaN(opens) || isNaN(closes)) return;
      var sameDay = dateKey.format(opens) === dateKey.format(new Date(closes - 1));
      spans.push(day.format(opens) + " " + clock.format(opens) + " to " +
        (sameDay ? "" : day.format(closes) + " ") + clock.format(closes));
    });
    if (!spans.length) return;
    var line = document.createElement("span");
    line.className = "your-clock-line";
    line.textContent = "On your clock (" + zone + "), the next 7 days: " + spans.join(" · ");
    node.textContent = "";
    node.appendChild(line);
    node.hidden = false;
  });
})();
