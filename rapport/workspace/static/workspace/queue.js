/* Rapport workspace: working a queue. The inbox's selection bar (a count of the ticked cases,
   only the field the chosen action needs), j/k through the inbox and from case to case, x to
   tick, m to assign to me, and the status keys on the case page. Every key is listed in the
   `?` help; without JavaScript the bar and the buttons work as plain forms. */
(function () {
  "use strict";

  var ORDER_KEY = "rapport.inbox.order";
  var STATUS_KEYS = { o: "open", w: "waiting_customer", u: "waiting_us", e: "resolved" };

  var isTyping = window.rapportIsTyping;

  function say(text, kind) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var p = document.createElement("p");
    p.className = "alert " + (kind || "info");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = text;
    flash.replaceChildren(p);
  }

  /* The selection bar */
  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("input.pick"));
  }

  /* The most cases one change takes (the server refuses more, in the same words). */
  function bulkMax() {
    var form = document.getElementById("bulk-form");
    return form ? parseInt(form.dataset.bulkMax, 10) || Infinity : Infinity;
  }

  function tooMany(ticked) {
    return "Select at most " + bulkMax() + " cases at once (" + ticked + " are selected).";
  }

  function tickedCount() {
    return picks().filter(function (box) { return box.checked; }).length;
  }

  function updateBar() {
    var count = document.querySelector("[data-bulk-count]");
    if (!count) return;
    var all = picks();
    var ticked = tickedCount();
    var over = ticked > bulkMax();
    count.textContent = !ticked ? "Select cases"
      : over ? ticked + " selected: at most " + bulkMax() + " at once" : ticked + " selected";
    count.classList.toggle("over", over);
    var pickAll = document.querySelector("[data-pick-all]");
    if (pickAll) {
      pickAll.checked = all.length > 0 && ticked === all.length;
      pickAll.indeterminate = ticked > 0 && ticked < all.length;
    }
    all.forEach(function (box) {
      var row = box.closest(".case-row");
      if (row) row.classList.toggle("picked", box.checked);
    });
  }

  function showField() {
    var action = document.querySelector("[data-bulk-action]");
    if (!action) return;
    document.querySelectorAll("[data-bulk-field]").forEach(function (field) {
      field.hidden = field.dataset.bulkField !== action.value;
    });
  }

  document.addEventListener("change", function (e) {
    var target = e.target;
    if (target.matches("[data-pick-all]")) {
      picks().forEach(function (box) { box.checked = target.checked; });
      updateBar();
    } else if (target.matches("input.pick")) {
      updateBar();
    } else if (target.matches("[data-bulk-action]")) {
      showField();
    }
  });

  document.addEventListener("submit", function (e) {
    // The filters may have changed the list without a reload: come back to what is shown.
    var form = e.target;
    if (form.id === "bulk-form" && tickedCount() > bulkMax()) {
      // Nothing is sent and nothing reloads: the ticks stay for the agent to narrow down.
      e.preventDefault();
      say(tooMany(tickedCount()), "error");
      return;
    }
    var next = form.querySelector("input[name=next]");
    if (next && (form.id === "bulk-form" || form.id === "save-view" || form.classList.contains("claim"))) {
      next.value = window.location.pathname + window.location.search;
    }
    var query = form.querySelector("[data-current-query]");
    if (query) query.value = window.location.search.replace(/^\?/, "");
  });

  /* j/k: the inbox's rows, and from case to case on the case page */
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#case-list .case-row"));
  }

  function rememberOrder() {
    var links = rows().map(function (row) {
      var link = row.querySelector(".case-link");
      return link ? link.getAttribute("href") : null;
    }).filter(Boolean);
    if (!links.length) return;
    try {
      window.sessionStorage.setItem(ORDER_KEY, JSON.stringify(links));
    } catch (err) { /* private mode: j/k stay on the inbox */ }
  }

  function currentRow() {
    return document.querySelector("#case-list .case-row.current");
  }

  function moveInInbox(step) {
    var all = rows();
    if (!all.length) return false;
    var at = all.indexOf(currentRow());
    var next = all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    all.forEach(function (row) { row.classList.toggle("current", row === next); });
    var link = next.querySelector(".case-link");
    if (link) link.focus();
    next.scrollIntoView({ block: "nearest" });
    return true;
  }

  function moveFromCase(step) {
    var order;
    try {
      order = JSON.parse(window.sessionStorage.getItem(ORDER_KEY) || "[]");
    } catch (err) {
      order = [];
    }
    var at = order.indexOf(window.location.pathname);
    if (at < 0) return false;
    var target = order[at + step];
    if (!target) {
      say(step > 0 ? "That was the last case of the list." : "That was the first case of the list.");
      return true;
    }
    window.location.href = target;
    return true;
  }

  function submit(form) {
    if (!form) return false;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
    return true;
  }

  function setStatus(value) {
    var select = document.getElementById("status-select");
    if (!select) return false;
    var option = select.querySelector('option[value="' + value + '"]');
    if (!option) {
      say("This case cannot move to that status from here.");
      return true;
    }
    select.value = value;
    return submit(document.getElementById("status-form"));
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    var help = document.getElementById("shortcuts-help");
    if (help && !help.hidden) return;
    var inInbox = !!document.getElementById("case-list");
    var onCase = !!document.getElementById("case-header");
    var handled = false;
    if (e.key === "j" || e.key === "k") {
      var step = e.key === "j" ? 1 : -1;
      handled = inInbox ? moveInInbox(step) : onCase && moveFromCase(step);
    } else if (inInbox && e.key === "x") {
      var row = currentRow();
      var box = row && row.querySelector("input.pick");
      if (box) { box.checked = !box.checked; updateBar(); handled = true; }
    } else if (e.key === "m") {
      var scope = inInbox ? currentRow() : document.getElementById("case-header");
      handled = submit(scope && scope.querySelector("form.claim"));
      if (!handled && scope) { say("This case is yours already."); handled = true; }
    } else if (onCase && STATUS_KEYS[e.key]) {
      handled = setStatus(STATUS_KEYS[e.key]);
    }
    if (handled) e.preventDefault();
  });

  document.addEventListener("htmx:afterSwap", function () {
    updateBar();
    rememberOrder();
  });
  showField();
  updateBar();
  rememberOrder();
})();
