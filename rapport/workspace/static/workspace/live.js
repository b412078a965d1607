/* Rapport live pages: polling with ETags, hurried by the desk's socket.

   data-live-url="/live/inbox/" data-live-swap="case-list"   on a page's wrapper: every
     body[data-live-poll] seconds, while the tab is visible, ask the URL (with the page's own
     query) for the fragment whose root has id data-live-swap, sending the last ETag; 304 means
     nothing changed, 200 replaces the fragment (checked boxes and open details kept, entries
     that were not there before marked .live-new, focus and queue.js's marks kept). Never swapped
     while the agent is typing in a field inside it.
   body[data-notifications-url]                               the agent's unread notifications:
     the count in the navigation, and the browser's notifications once the agent turned them
     on with a [data-desktop-notifications] button (kept in this browser, localStorage).
   The socket (/ws/desk/) only says when to ask: a {"type": "case"} nudge makes the page's
   fragments ask now, {"type": "notifications"} the notifications; while it is up the polls slow
   to body[data-live-poll-slow] seconds (a safety net for lost nudges), while it is down they
   run every data-live-poll seconds, and every reconnect asks at once. On a case page
   ([data-case]) it also says who is viewing or typing there (#presence-live; entries expire).
   Without JavaScript the pages work as before: reload to see what is new. */
(function () {
  "use strict";

  var body = document.body;
  var fastSeconds = Math.max(1, parseInt(body.dataset.livePoll || "10", 10) || 10);
  var slowSeconds = Math.max(fastSeconds, parseInt(body.dataset.livePollSlow || "30", 10) || 30);
  var socketUp = false;
  function interval() { return socketUp ? slowSeconds : fastSeconds; }
  var pagePolls = []; // each live fragment's "ask now"
  var notificationPolls = [];
  var MAX_BACKOFF = 300;
  // Any htmx request (a reply, a filter) makes a poll that started before it stale; not one
  // from inside [data-live-passive] (the presence heartbeat), which changes nothing polled.
  var generation = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.closest && elt.closest("[data-live-passive]")) return;
    generation += 1;
  });

  function sessionEnded(response) {
    var to = response.headers.get("HX-Redirect");
    if (to) { window.location.href = to; return true; }
    if (response.type === "opaqueredirect") { window.location.reload(); return true; }
    return false;
  }

  /* One poller: calls fetchOnce every `every` seconds (backing off after failures); paused
     while the tab is hidden unless `evenHidden`; asks at once when the tab comes back. */
  function poller(fetchOnce, evenHidden) {
    var timer = null;
    var failures = 0;
    var running = false;
    var again = false; // asked while a fetch was under way: ask once more after it
    function schedule() {
      window.clearTimeout(timer);
      var delay = failures ? Math.min(MAX_BACKOFF, interval() * Math.pow(2, failures)) : interval();
      timer = window.setTimeout(run, delay * 1000);
    }
    function run() {
      if (document.hidden && !evenHidden) return; // visibilitychange starts it again
      if (running) { again = true; return; }
      running = true;
      window.clearTimeout(timer);
      fetchOnce().then(function (ok) {
        failures = ok ? 0 : failures + 1;
      }, function () {
        failures += 1;
      }).then(function () {
        running = false;
        if (again) { again = false; run(); } else { schedule(); }
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { window.clearTimeout(timer); run(); }
    });
    schedule();
    return { now: run, reschedule: function () { if (!running) schedule(); } };
  }

  function request(url, etag) {
    var headers = { "HX-Request": "true" };
    if (etag) headers["If-None-Match"] = etag;
    return window.fetch(url, {
      headers: headers, cache: "no-store", credentials: "same-origin", redirect: "manual"
    });
  }

  // What identifies an entry or a row across swaps.
  function keyOf(el) {
    var d = el.dataset;
    return d.messageId ? "m" + d.messageId : d.callId ? "c" + d.callId : d.caseId ? "k" + d.caseId : "";
  }
  var KEYED = "[data-message-id], [data-call-id], [data-case-id]";
  // Marks other scripts put on an entry (queue.js: the row j/k is on, a ticked row).
  var CARRIED = ["current", "picked"];
  var FOCUSABLE = "a, button, input";

  // A field the agent types or chooses in: the fragment is not swapped under it.
  function isEntryField(el) {
    if (!el) return false;
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable) return true;
    return el.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(el.type);
  }

  // Where focus is in `root`: the entry it is in and its place there, to put it back after.
  function focusIn(root) {
    var active = document.activeElement;
    var owner = active && root.contains(active) ? active.closest(KEYED) : null;
    if (!owner) return null;
    var index = Array.prototype.indexOf.call(owner.querySelectorAll(FOCUSABLE), active);
    return index < 0 ? null : { key: keyOf(owner), index: index };
  }

  function byKey(root) {
    var found = {};
    root.querySelectorAll(KEYED).forEach(function (el) {
      var key = keyOf(el);
      if (key && !found[key]) found[key] = el;
    });
    return found;
  }

  // Keep what the agent set on the old fragment; mark what is new. Returns how many are new.
  function carryOver(old, fresh) {
    old.querySelectorAll("input[type=checkbox]:checked, input[type=radio]:checked").forEach(function (input) {
      fresh.querySelectorAll("input[name='" + CSS.escape(input.name) + "']").forEach(function (twin) {
        if (twin.value === input.value) twin.checked = true;
      });
    });
    var before = byKey(old);
    var after = byKey(fresh);
    var added = 0;
    Object.keys(after).forEach(function (key) {
      var el = after[key];
      if (!before[key]) {
        if (el.matches(".timeline-entry, .case-row")) { el.classList.add("live-new"); added += 1; }
        return;
      }
      CARRIED.forEach(function (mark) {
        if (before[key].classList.contains(mark)) el.classList.add(mark);
      });
      var now = el.querySelectorAll("details");
      before[key].querySelectorAll("details").forEach(function (details, i) {
        if (details.open && now[i]) now[i].open = true;
      });
    });
    return added;
  }

  function livePage(wrapper) {
    var url = wrapper.dataset.liveUrl;
    var id = wrapper.dataset.liveSwap;
    var etag = null;
    var status = document.getElementById("live-status");
    return poller(function () {
      var started = generation;
      return request(url + window.location.search, etag).then(function (response) {
        if (sessionEnded(response)) return true;
        if (response.status === 304) return true;
        if (!response.ok) return false;
        var tag = response.headers.get("ETag");
        return response.text().then(function (html) {
          var current = document.getElementById(id);
          var active = document.activeElement;
          if (!current || started !== generation || (current.contains(active) && isEntryField(active))) {
            etag = null; // not shown: ask for it again next time
            return true;
          }
          var holder = document.createElement("template");
          holder.innerHTML = html.trim();
          var fresh = holder.content.getElementById(id);
          if (!fresh) return false;
          var added = carryOver(current, fresh);
          var focus = focusIn(current);
          current.replaceWith(fresh);
          if (focus) {
            var twin = byKey(fresh)[focus.key];
            var target = twin && twin.querySelectorAll(FOCUSABLE)[focus.index];
            if (target) target.focus({ preventScroll: true });
          }
          if (window.htmx) window.htmx.process(fresh);
          etag = tag;
          if (added && status) {
            status.textContent = added === 1 ? "1 new entry." : added + " new entries.";
          }
          fresh.dispatchEvent(new CustomEvent("rapport:live-swapped", { bubbles: true, detail: { added: added } }));
          return true;
        });
      });
    }, false);
  }

  document.querySelectorAll("[data-live-url][data-live-swap]").forEach(function (wrapper) {
    pagePolls.push(livePage(wrapper));
  });

  // A held reply's warning sits above the composer: bring it into view (a phone would not
  // show it otherwise), once.
  document.addEventListener("htmx:afterSettle", function () {
    var held = document.getElementById("reply-held");
    if (held && !held.dataset.shown) {
      held.dataset.shown = "true";
      var bar = document.querySelector(".topbar"); // sticky: keep the warning below it
      var top = held.getBoundingClientRect().top + window.scrollY - (bar ? bar.offsetHeight : 0) - 8;
      window.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
    }
  });

  function csrfToken() {
    try { return (JSON.parse(body.getAttribute("hx-headers") || "{}") || {})["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  /* ---------------------------------------------------------------- a chat's read mark */
  // A chat case's timeline (data-chat-seen) says which message it shows newest; once it is on
  // a visible tab the desk has seen the chat up to there (the customer's "Seen"). Never from
  // a hidden tab: a page loaded in the background has shown nobody anything.
  var chatSeenPosted = 0;
  function markChatSeen() {
    var timeline = document.querySelector("#timeline[data-chat-seen]");
    if (!timeline || document.hidden) return;
    var newest = parseInt(timeline.dataset.newestMessage || "0", 10) || 0;
    // A live chat: the line is on the agent's visible page, so a reply sent now answers it and
    // is not held as "written while you were writing" (mail keeps that guard: it is read, not
    // watched).
    var replySeen = document.getElementById("reply-seen");
    if (replySeen && newest > (parseInt(replySeen.value || "0", 10) || 0)) {
      replySeen.value = String(newest);
    }
    if (newest <= chatSeenPosted) return;
    var form = new URLSearchParams();
    form.set("message", String(newest));
    window.fetch(timeline.dataset.chatSeen, {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) chatSeenPosted = Math.max(chatSeenPosted, newest);
    }, function () { /* the next swap or visit says it again */ });
  }
  markChatSeen();
  document.addEventListener("rapport:live-swapped", markChatSeen);
  document.addEventListener("htmx:afterSettle", markChatSeen);
  document.addEventListener("visibilitychange", markChatSeen);

  /* ---------------------------------------------------------------- notifications */
  var notificationsUrl = body.dataset.notificationsUrl;
  var ON = "rapport.desktop-notifications";
  var UP_TO = "rapport.notified-up-to";
  var supported = "Notification" in window;

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key); else window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: the choice lasts for this page */ }
  }
  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function desktopOn() {
    return supported && Notification.permission === "granted" && read(ON) === "on";
  }

  function label(button) {
    var text;
    if (!supported) {
      text = "This browser cannot show notifications";
      button.disabled = true;
    } else if (Notification.permission === "denied") {
      text = "Desktop notifications are blocked in this browser's site settings";
      button.disabled = true;
    } else {
      text = desktopOn() ? "Turn off desktop notifications" : "Turn on desktop notifications";
    }
    button.textContent = text;
    button.setAttribute("aria-pressed", desktopOn() ? "true" : "false");
  }

  var latest = 0; // the newest unread notification id seen by this page
  document.querySelectorAll("[data-desktop-notifications]").forEach(function (button) {
    button.hidden = false;
    label(button);
    button.addEventListener("click", function () {
      if (desktopOn()) {
        store(ON, null);
        label(button);
        return;
      }
      Notification.requestPermission().then(function (permission) {
        if (permission === "granted") {
          store(ON, "on");
          // From now on: what is already unread is on the notifications page.
          store(UP_TO, String(Math.max(latest, parseInt(read(UP_TO) || "0", 10) || 0)));
        }
        document.querySelectorAll("[data-desktop-notifications]").forEach(label);
      });
    });
  });

  function showCount(unread) {
    var link = document.getElementById("nav-notifications");
    if (!link) return;
    var count = document.getElementById("unread-count");
    if (!unread) { if (count) count.remove(); return; }
    if (!count) {
      count = document.createElement("span");
      count.className = "count";
      count.id = "unread-count";
      link.append(" ", count);
    }
    count.textContent = unread;
  }

  function notify(items) {
    var upTo = parseInt(read(UP_TO) || "0", 10) || 0;
    items.slice().reverse().forEach(function (item) {
      if (item.id <= upTo) return;
      upTo = item.id;
      if (!desktopOn()) return;
      // The tag keeps two open tabs from showing the same one twice.
      var shown = new Notification(document.title.split(" · ").pop() || "Rapport", {
        body: item.text, tag: "rapport-notification-" + item.id
      });
      shown.addEventListener("click", function () {
        window.focus();
        window.location.href = item.url;
        shown.close();
      });
    });
    store(UP_TO, String(upTo));
  }

  if (notificationsUrl) {
    var notificationsTag = null;
    notificationPolls.push(poller(function () {
      // Hidden and not turned on: nobody would see the count change.
      if (document.hidden && !desktopOn()) return Promise.resolve(true);
      return request(notificationsUrl, notificationsTag).then(function (response) {
        if (sessionEnded(response)) return true;
        if (response.status === 304) return true;
        if (!response.ok) return false;
        notificationsTag = response.headers.get("ETag");
        return response.json().then(function (data) {
          showCount(data.unread);
          data.items.forEach(function (item) { latest = Math.max(latest, item.id); });
          if (read(UP_TO) === null) store(UP_TO, String(latest)); // a first visit starts here
          notify(data.items);
          return true;
        });
      });
    }, true));
  }

  /* ---------------------------------------------------------------- the desk's socket */
  var layout = document.querySelector("[data-case]");
  var caseId = layout ? parseInt(layout.dataset.case, 10) : null;
  var presenceBox = document.getElementById("presence-live");
  var PRESENCE_TTL = 25000; // an entry not repeated within this long is gone
  // A chat customer's presence is only ever typing (said at most every 3 s while they type):
  // it goes soon after they stop.
  var CUSTOMER_TYPING_TTL = 7000;
  var present = {}; // agent id -> {name, typing, until}

  function showPresence() {
    if (!presenceBox) return;
    var now = Date.now();
    var names = [];
    Object.keys(present).forEach(function (id) {
      var p = present[id];
      if (p.until < now) { delete present[id]; return; }
      names.push(p.name + (p.typing ? " is typing…" : " is viewing"));
      // The heartbeat's own line for the same person would say it twice.
      document.querySelectorAll('#presence [data-agent-id="' + id + '"]').forEach(function (el) {
        el.hidden = true;
      });
    });
    presenceBox.textContent = names.join(" · ");
    presenceBox.hidden = names.length === 0;
  }

  function all(polls) { polls.forEach(function (p) { p.now(); }); }

  // Without the socket (a server without websockets, or while it is down), a reply being
  // typed is said through the presence heartbeat's URL, so a chat customer still sees it.
  var presenceEl = document.getElementById("presence");
  var presenceUrl = presenceEl ? presenceEl.getAttribute("hx-post") : "";
  var lastPostedTyping = 0;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (socketUp || !presenceUrl || !field || field.id !== "reply-text" || !field.value.trim()) return;
    if (Date.now() - lastPostedTyping < 3000) return;
    lastPostedTyping = Date.now();
    var form = new URLSearchParams();
    form.set("text", field.value);
    form.set("reply_typing", "1");
    window.fetch(presenceUrl, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }
    }).catch(function () { /* typing is a courtesy: a lost one only goes unseen */ });
  });

  function desk() {
    var socketPath = body.dataset.deskSocket; // set only when the server has the socket (ASGI)
    if (!notificationsUrl || !socketPath || !("WebSocket" in window)) return;
    var retry = 1;
    var socket = null;
    var lastTyping = 0;
    var heartbeat = null;
    function say(message) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    }
    // reply: a reply being written (not a note), which a chat customer is told of too.
    function presence(typing, reply) {
      if (caseId) say({ type: "presence", case: caseId, typing: typing, reply: !!reply });
    }
    function open() {
      var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(scheme + "//" + window.location.host + socketPath);
      socket.addEventListener("open", function () {
        retry = 1;
        socketUp = true;
        body.dataset.liveSocket = "up";
        if (caseId) say({ type: "watch", case: caseId });
        all(pagePolls); // what happened while it was down
        all(notificationPolls);
      });
      socket.addEventListener("message", function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        if (data.type === "case") all(pagePolls);
        else if (data.type === "notifications") all(notificationPolls);
        else if (data.type === "watching") presence(false);
        else if (data.type === "presence" && data.case === caseId) {
          if (data.gone) delete present[data.agent];
          else {
            var ttl = String(data.agent).indexOf("chat-") === 0 ? CUSTOMER_TYPING_TTL : PRESENCE_TTL;
            present[data.agent] = { name: data.name, typing: data.typing, until: Date.now() + ttl };
            window.setTimeout(showPresence, ttl + 100);
          }
          showPresence();
        }
      });
      socket.addEventListener("close", function () {
        var wasUp = socketUp;
        socketUp = false;
        body.dataset.liveSocket = "down";
        if (wasUp) { pagePolls.concat(notificationPolls).forEach(function (p) { p.reschedule(); }); }
        window.setTimeout(open, retry * 1000);
        retry = Math.min(30, retry * 2);
      });
    }
    open();
    if (caseId) {
      heartbeat = window.setInterval(function () { presence(false); showPresence(); }, 10000);
      document.addEventListener("input", function (event) {
        var field = event.target;
        if (!field || (field.id !== "reply-text" && field.id !== "note-text")) return;
        if (Date.now() - lastTyping < 3000 || !field.value.trim()) return;
        lastTyping = Date.now();
        presence(true, field.id === "reply-text");
      });
    }
    return heartbeat;
  }
  desk();
})();
