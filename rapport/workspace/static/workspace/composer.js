/* Rapport composer: start a reply from a saved reply (s), see what is template and what is
   yours before sending, paste a screenshot as an attachment, and the length limit said before
   the server says it. Without JavaScript the same links and forms work by reloading the page.

   [data-saved-reply]          a saved reply in the search results (data-saved-text: filled)
   #reply-marks[data-template]  the saved reply's text the reply started from
   textarea[data-max-length]    the longest text the server takes */
(function () {
  "use strict";

  var replyText = document.getElementById("reply-text");
  var savedId = document.getElementById("reply-saved-reply");
  var marks = document.getElementById("reply-marks");

  function words(text) {
    return text.split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  // The words of `now` marked as kept from `template` or the agent's own: a longest common
  // subsequence over words, enough for a reply (a few hundred words).
  function diff(template, now) {
    var a = words(template), b = words(now);
    if (a.length * b.length > 4000000) return null;
    var n = a.length, m = b.length, i, j;
    var table = [];
    for (i = 0; i <= n; i++) { table.push(new Uint16Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var out = [], removed = 0;
    i = 0; j = 0;
    while (j < m) {
      if (i < n && a[i] === b[j]) { out.push([b[j], true]); i++; j++; }
      else if (i < n && table[i + 1][j] >= table[i][j + 1]) { i++; removed++; }
      else { out.push([b[j], false]); j++; }
    }
    removed += n - i;
    return { parts: out, removed: removed };
  }

  function renderMarks() {
    if (!marks || !replyText || marks.hidden) return;
    var body = document.getElementById("reply-marks-body");
    var status = document.getElementById("reply-marks-status");
    var result = diff(marks.dataset.template || "", replyText.value);
    body.textContent = "";
    if (result === null) {
      status.textContent = "Too long to compare word by word.";
      return;
    }
    // The reply as written, its spaces and line breaks kept, each word marked.
    var own = 0, next = 0;
    replyText.value.trim().split(/(\s+)/).forEach(function (piece) {
      if (!piece) return;
      if (/^\s+$/.test(piece)) { body.appendChild(document.createTextNode(piece)); return; }
      var part = result.parts[next++];
      var el = document.createElement(part[1] ? "span" : "mark");
      el.className = part[1] ? "tpl" : "own";
      el.textContent = part[0];
      body.appendChild(el);
      if (!part[1]) own++;
    });
    if (own === 0 && result.removed === 0) {
      status.textContent = marks.dataset.refuses
        ? "Unchanged so far: make it yours before sending; template text sent word for word is refused."
        : "Unchanged so far: it will be counted as sent unchanged.";
      status.className = "small warn";
    } else {
      status.textContent = own + " word" + (own === 1 ? "" : "s") + " of your own" +
        (result.removed ? ", " + result.removed + " of the template's taken out." : ".");
      status.className = "small ok";
    }
  }

  function startFrom(link) {
    if (!replyText || !savedId || !marks) return;
    var text = link.dataset.savedText || "";
    var current = replyText.value;
    if (current.trim() && current.trim() !== (marks.dataset.template || "").trim()) {
      // Put it where the cursor is: what the agent already wrote stays theirs.
      var at = replyText.selectionStart || current.length;
      replyText.value = current.slice(0, at) + text + current.slice(at);
    } else {
      replyText.value = text;
    }
    savedId.value = link.dataset.savedReply;
    marks.dataset.template = text;
    document.getElementById("reply-saved-title").textContent = link.dataset.savedTitle || "";
    marks.hidden = false;
    renderMarks();
    replyText.focus();
  }

  function forgetSaved() {
    if (!savedId || !marks) return;
    savedId.value = "";
    marks.dataset.template = "";
    marks.hidden = true;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-saved-reply]");
    if (link && replyText) {
      e.preventDefault();
      startFrom(link);
    } else if (e.target.id === "reply-saved-clear") {
      forgetSaved();
    }
  });

  var search = document.getElementById("saved-reply-q");
  if (search) {
    search.addEventListener("keydown", function (e) {
      var first = document.querySelector("#saved-reply-results [data-saved-reply]");
      if (e.key === "Enter" && first) { e.preventDefault(); startFrom(first); }
      else if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
    });
  }

  // The length the server takes, said while typing; nothing is cut, nothing is lost.
  function checkLength(area) {
    var most = parseInt(area.dataset.maxLength || "0", 10);
    var note = document.getElementById(area.id.replace("-text", "-length"));
    if (!most || !note) return;
    var length = area.value.trim().length;
    if (length > most) {
      note.textContent = length.toLocaleString("en") + " characters: a message holds at most " +
        most.toLocaleString("en") + ". Shorten it, or attach the rest as a file.";
      note.hidden = false;
      area.setAttribute("aria-invalid", "true");
    } else if (!note.hidden) {
      note.hidden = true;
      area.removeAttribute("aria-invalid");
    }
  }

  document.addEventListener("input", function (e) {
    var area = e.target;
    if (!area.matches || !area.matches("textarea[data-max-length]")) return;
    checkLength(area);
    if (area === replyText) {
      if (!area.value.trim()) forgetSaved();
      renderMarks();
    }
  });

  // A pasted screenshot becomes an attachment of the form the text box belongs to.
  document.addEventListener("paste", function (e) {
    var area = e.target;
    if (!area.matches || !area.matches("textarea[data-max-length]") || !area.form) return;
    var input = area.form.querySelector('input[type="file"][name="attachments"]');
    var files = e.clipboardData ? Array.prototype.slice.call(e.clipboardData.files || []) : [];
    var images = files.filter(function (f) { return f.type.indexOf("image/") === 0; });
    if (!input || !images.length || typeof DataTransfer === "undefined") return;
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
    var stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
    images.forEach(function (f, n) {
      var ext = (f.type.split("/")[1] || "png").replace("jpeg", "jpg");
      var name = "screenshot-" + stamp + (n ? "-" + (n + 1) : "") + "." + ext;
      all.items.add(new File([f], name, { type: f.type }));
    });
    input.files = all.files;
    var note = area.form.querySelector("[data-pasted]");
    if (!note) {
      note = document.createElement("p");
      note.className = "small muted";
      note.setAttribute("data-pasted", "");
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = "Attached: " + Array.prototype.map.call(input.files, function (f) {
      return f.name;
    }).join(", ") + ".";
    if (!(e.clipboardData.getData("text/plain") || "").trim()) e.preventDefault();
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!e.detail.successful || !form || !form.matches || !form.matches("form[data-reset-on-success]")) return;
    var note = form.querySelector("[data-pasted]");
    if (note) note.remove();
    if (form.id === "reply-form") forgetSaved();
  });

  // s: the saved-reply search, on the reply tab.
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key !== "s") return;
    var el = e.target, tag = el && el.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable)) return;
    var tab = document.getElementById("tab-reply");
    if (!search || !tab) return;
    tab.click();
    search.focus();
    search.select();
    e.preventDefault();
  });

  // A refused form (or a picked saved reply) fills a box from the page: a successful send
  // must empty it, not put that text back.
  document.querySelectorAll("textarea[data-max-length]").forEach(function (area) {
    var typed = area.value;
    area.defaultValue = "";
    area.value = typed;
    checkLength(area);
  });
  renderMarks();
})();
