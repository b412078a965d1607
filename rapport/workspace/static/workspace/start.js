/* The new-case form: picking a customer the duplicate check found, instead of creating one.
   Without script the match is a link that reloads the form with that customer picked. */
(function () {
  "use strict";

  function show(picked, name) {
    var form = document.getElementById("start-form");
    document.getElementById("start-customer").value = picked || "";
    document.getElementById("start-picked-name").textContent = name || "";
    document.getElementById("start-picked").hidden = !picked;
    document.getElementById("new-customer").hidden = !!picked;
    document.getElementById("matches").hidden = !!picked;
    form.dataset.picked = picked ? "1" : "";
  }

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-start-pick]");
    if (pick) {
      event.preventDefault();
      show(pick.dataset.startPick, pick.dataset.name);
      document.getElementById("start-subject").focus();
      return;
    }
    if (event.target.closest("[data-start-unpick]")) {
      event.preventDefault();
      show("", "");
      document.getElementById("start-name").focus();
    }
  });
})();
