/* Rapport workspace: composer tabs and keyboard shortcuts (r, n, c, g i, /, ?). */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // queue.js (loaded after this file) asks the same question.
  window.rapportIsTyping = isTyping;

  function showTab(name) {
    var composer = document.querySelector("[data-tabs]");
    if (!composer) return null;
    var panel = null;
    composer.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.dataset.tab === name ? "true" : "false");
    });
    composer.querySelectorAll("[data-panel]").forEach(function (p) {
      p.hidden = p.dataset.panel !== name;
      if (!p.hidden) panel = p;
    });
    return panel;
  }

  function focusIn(tab, selector) {
    if (!showTab(tab)) return false;
    var field = document.querySelector(selector);
    if (!field) return false;
    field.scrollIntoView({ block: "center", behavior: "smooth" });
    field.focus({ preventScroll: true });
    return true;
  }

  var help = document.getElementById("shortcuts-help");
  function toggleHelp(show) {
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) {
      var close = help.querySelector("[data-close-help]");
      if (close) close.focus();
    }
  }

  // Composer tabs: without JavaScript every form stays visible.
  var composer = document.querySelector("[data-tabs]");
  if (composer) {
    showTab("reply");
    composer.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.addEventListener("click", function () {
        showTab(tab.dataset.tab);
      });
    });
  }
  document.querySelectorAll("[data-shortcut-help]").forEach(function (b) {
    b.addEventListener("click", function () { toggleHelp(true); });
  });
  if (help) {
    help.addEventListener("click", function (e) {
      if (e.target === help || e.target.closest("[data-close-help]")) toggleHelp(false);
    });
  }

  var pendingG = 0;
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") {
      if (help && !help.hidden) { toggleHelp(false); e.preventDefault(); return; }
      if (isTyping(e.target)) { e.target.blur(); return; }
      return;
    }
    if (isTyping(e.target)) return;

    var handled = true;
    if (pendingG && Date.now() - pendingG < 1500 && e.key === "i") {
      window.location.href = document.body.dataset.inboxUrl || "/";
    } else if (e.key === "g") {
      pendingG = Date.now();
      return;
    } else if (e.key === "r") {
      handled = focusIn("reply", "#reply-text");
    } else if (e.key === "n") {
      handled = focusIn("note", "#note-text");
    } else if (e.key === "c") {
      handled = focusIn("call", "#call-notes");
    } else if (e.key === "/") {
      // The page's own search first: on Customers that is the customer search.
      var search = document.getElementById("customer-q") || document.getElementById("search");
      if (search) { search.focus(); search.select(); } else { handled = false; }
    } else if (e.key === "?") {
      toggleHelp();
    } else {
      handled = false;
    }
    pendingG = 0;
    if (handled) e.preventDefault();
  });
})();
