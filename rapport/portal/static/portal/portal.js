/* Rapport contact page: send the customer's own time zone, so "10:00" means their 10:00. */
(function () {
  "use strict";
  var field = document.getElementById("id_timezone");
  if (field) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
})();
