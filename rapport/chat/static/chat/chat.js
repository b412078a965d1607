// The customer's chat client (the /chat/ page and the widget's iframe). docs/chat.md.
//
// The socket never carries a message: it only nudges. Every line is fetched from the HTTP API
// after the cursor (the last seq read), on each nudge, on reconnect, when the browser comes back
// online or the tab becomes visible, and by a safety poll (every 20 s; every 3 s while the
// socket is down, which is the whole transport where there are no websockets). A line is
// rendered once, in seq order. A line the customer sends carries a client id, so a retry after
// a lost answer stores it once; it reads "Sending…" until the server has stored it, and
// "Not sent" with a Retry button when it was not: never "sent" for what was not stored. When the
// desk is busy (503) it reads "Not sent yet, retrying…" and goes again by itself.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) return;

  var brand = root.dataset.brand || "";
  var api = root.dataset.api;
  var maxBytes = Number(root.dataset.maxBytes) || 0;
  var storeKey = "rapport-chat:" + (brand || "-");
  var lines = document.getElementById("chat-lines");
  var scroller = document.getElementById("chat-scroll");
  var form = document.getElementById("composer");
  var input = document.getElementById("chat-text");
  var problem = document.getElementById("chat-problem");
  var statusEl = document.getElementById("chat-status");
  var typingEl = document.getElementById("chat-typing");
  var agentEl = document.getElementById("chat-agent");
  var initialsEl = document.getElementById("chat-agent-initials");
  var queueEl = document.getElementById("chat-queue");
  var offersEl = document.getElementById("chat-offers");
  var offerProblem = document.getElementById("chat-offer-problem");
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  Array.prototype.forEach.call(document.querySelectorAll("input.chat-zone"), function (el) { el.value = zone; });
  var fileLabel = document.getElementById("chat-file-label");
  var fileInput = document.getElementById("chat-file");

  var SAFETY_POLL = 20000;
  var FALLBACK_POLL = 3000;
  var TYPING_EVERY = 3000;

  var token = root.dataset.token || load() || "";
  var cursor = 0; // the last seq fetched: every line up to it is on the screen
  var shown = {}; // seq -> true: each line once
  var agentSeen = 0;
  var agentName = "";
  var seenPosted = 0;
  var socket = null;
  var socketUp = false;
  var reconnectDelay = 1000;
  var pollTimer = null;
  var fetching = false;
  var again = false;
  var lastTyping = 0;
  var typingTimer = null;

  function load() {
    try { return window.localStorage.getItem(storeKey); } catch (e) { return null; }
  }
  function save(value) {
    try { window.localStorage.setItem(storeKey, value); } catch (e) { /* private mode */ }
  }
  function clientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }
  function url(path) {
    return api + "/" + encodeURIComponent(token) + path;
  }
  function initials(name) {
    var words = name.split(/\s+/).filter(function (w) { return w && !/\.$/.test(w); });
    return words.slice(0, 2).map(function (w) { return w.charAt(0).toUpperCase(); }).join("");
  }

  // What the page already shows (rendered by the server).
  Array.prototype.forEach.call(lines.querySelectorAll("li[data-seq]"), function (li) {
    var seq = Number(li.dataset.seq);
    shown[seq] = true;
    if (seq > cursor) cursor = seq;
  });
  if (fileLabel && fileInput && window.FormData) fileLabel.hidden = false;
  if (token) {
    var details = form.querySelector(".chat-details");
    if (details) details.hidden = true;
  }

  function setDown(down) {
    if (down) {
      statusEl.textContent = "Reconnecting…";
      statusEl.hidden = false;
    } else {
      statusEl.hidden = true;
      statusEl.textContent = "";
    }
  }

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = !text;
  }

  function scrollDown() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function lineElement(direction, author, text) {
    var li = document.createElement("li");
    li.className = "chat-line chat-" + direction;
    li.dataset.direction = direction;
    var who = document.createElement("span");
    who.className = "chat-author";
    who.textContent = direction === "system" ? "Automatic message" : direction === "in" ? "You" : author;
    var body = document.createElement("span");
    body.className = "chat-text";
    body.textContent = text;
    var meta = document.createElement("span");
    meta.className = "chat-meta";
    li.appendChild(who);
    li.appendChild(body);
    li.appendChild(meta);
    return li;
  }

  function setState(li, text) {
    var meta = li.querySelector(".chat-meta");
    var state = meta.querySelector(".chat-state");
    if (!state) {
      state = document.createElement("span");
      state.className = "chat-state";
      meta.insertBefore(state, meta.firstChild);
    }
    state.textContent = text;
  }

  // In seq order; lines still being sent stay after every stored line.
  function place(li, seq) {
    li.dataset.seq = String(seq);
    var after = null;
    var items = lines.children;
    for (var i = 0; i < items.length; i++) {
      var other = items[i];
      if (other === li) continue;
      if (!other.dataset.seq || Number(other.dataset.seq) > seq) { after = other; break; }
    }
    lines.insertBefore(li, after);
  }

  function fileLinks(li, files) {
    (files || []).forEach(function (file) {
      var link = document.createElement("a");
      link.className = "chat-file-link";
      link.href = url("/files/" + file.id);
      link.setAttribute("download", "");
      link.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      li.insertBefore(link, li.querySelector(".chat-meta"));
    });
  }

  function render(message) {
    if (shown[message.seq]) return;
    shown[message.seq] = true;
    var li = lineElement(message.direction, message.author, message.text);
    fileLinks(li, message.files);
    if (message.direction === "in") setState(li, "Delivered");
    place(li, message.seq);
  }

  function refreshReadState() {
    Array.prototype.forEach.call(lines.querySelectorAll("li.chat-in[data-seq]"), function (li) {
      setState(li, Number(li.dataset.seq) <= agentSeen ? "Seen" : "Delivered");
    });
  }

  function showAgent(agent) {
    if (!agent || !agent.name || agent.name === agentName) return;
    agentName = agent.name;
    agentEl.textContent = "You are talking with " + agent.name;
    initialsEl.textContent = initials(agent.name);
  }

  // The same words as rapport/chat/honesty.py (queue_words): never a figure without a basis.
  function waitWords(seconds) {
    if (seconds < 60) return "under a minute";
    var minutes = Math.ceil(seconds / 60);
    if (minutes < 90) return "about " + minutes + " minute" + (minutes !== 1 ? "s" : "");
    return "about " + Math.ceil(minutes / 60) + " hours";
  }
  function showQueue(position, wait, closed) {
    if (!queueEl) return;
    if (closed) {
      // Outside hours: nobody is on shift, so no place in a queue is told (honesty.py).
      queueEl.textContent = closed;
      queueEl.hidden = false;
      return;
    }
    if (typeof position !== "number") {
      queueEl.hidden = true;
      queueEl.textContent = "";
      return;
    }
    var place = "You are number " + position + " in the queue.";
    queueEl.textContent = typeof wait === "number"
      ? place + " Expected wait: " + waitWords(wait) + "."
      : place + " We can't estimate the wait.";
    queueEl.hidden = false;
  }

  // Nobody can answer now: a call back or email, in the same conversation (docs/chat.md).
  function showOffers(offers) {
    if (!offersEl) return;
    var callback = document.getElementById("offer-callback");
    var email = document.getElementById("offer-email");
    callback.hidden = !(offers && offers.callback);
    email.hidden = !(offers && offers.email);
    offersEl.hidden = callback.hidden && email.hidden;
  }

  function takeOffer(form, path, body, done) {
    var button = form.querySelector("button");
    button.disabled = true;
    offerProblem.hidden = true;
    post(url(path), body).then(function (response) {
      if (response.ok) {
        fetchNew();
        return done ? response.json().then(done, function () {}) : null;
      }
      return reason(response).then(function (why) {
        offerProblem.textContent = why;
        offerProblem.hidden = false;
      });
    }, function () {
      offerProblem.textContent = "No connection: nothing was asked. Try again when you are back online.";
      offerProblem.hidden = false;
    }).then(function () { button.disabled = false; });
  }

  if (offersEl) {
    document.getElementById("offer-callback").addEventListener("submit", function (event) {
      event.preventDefault();
      takeOffer(event.target, "/callback", { phone: document.getElementById("offer-phone").value, timezone: zone });
    });
    document.getElementById("offer-email").addEventListener("submit", function (event) {
      event.preventDefault();
      takeOffer(event.target, "/by-email", { email: document.getElementById("offer-email-address").value }, function (data) {
        // The address is proven with the chat's code: verify.js opens its box for it.
        if (!data.confirmed) root.dispatchEvent(new CustomEvent("chat:code-sent", { detail: { email: data.email } }));
      });
    });
  }

  function tellSeen() {
    if (!token || document.visibilityState !== "visible" || cursor <= seenPosted) return;
    var seq = cursor;
    post(url("/seen"), { seq: seq }).then(function (r) { if (r.ok) seenPosted = seq; }, function () {});
  }

  function post(to, body) {
    return fetch(to, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  function fetchNew() {
    if (!token) return;
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(url("/messages?after=" + cursor), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) { forget(); return null; }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        setDown(false);
        if (!data) return;
        var before = lines.children.length;
        data.messages.forEach(function (m) {
          render(m);
          if (m.seq > cursor) cursor = m.seq;
        });
        showAgent(data.agent);
        showQueue(data.queue_position, data.wait_seconds, data.outside_hours);
        showOffers(data.offers);
        if (typeof data.agent_seen_seq === "number") agentSeen = data.agent_seen_seq;
        refreshReadState();
        if (lines.children.length !== before) {
          scrollDown();
          typingEl.textContent = "";
        }
        if (data.agent_typing && data.agent_typing.name) agentTyping(data.agent_typing.name);
        tellSeen();
        if (data.messages.length >= 200) again = true;
      })
      .catch(function () { setDown(true); })
      .then(function () {
        fetching = false;
        if (again) { again = false; fetchNew(); }
      });
  }

  function forget() {
    token = "";
    save("");
  }

  function schedulePoll() {
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(function () {
      fetchNew();
      schedulePoll();
    }, socketUp ? SAFETY_POLL : FALLBACK_POLL);
  }

  function connect() {
    // data-socket: the server has the socket (ASGI); otherwise the fallback poll does it all.
    if (!token || !root.dataset.socket || !window.WebSocket || socket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/chat/ws/" + encodeURIComponent(token) + "/");
    } catch (e) {
      socket = null;
      return;
    }
    socket.onopen = function () {
      socketUp = true;
      reconnectDelay = 1000;
      fetchNew(); // whatever came while the socket was down
      schedulePoll();
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "new" || data.type === "seen") fetchNew(); // seen: the read state
      else if (data.type === "typing" && data.by !== "customer") agentTyping(data.name);
    };
    socket.onclose = function () {
      socket = null;
      var wasUp = socketUp;
      socketUp = false;
      schedulePoll(); // the polling fallback
      if (wasUp) fetchNew();
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 30000);
    };
  }

  // Who of the desk is typing (the socket's event, or the poll answer's agent_typing for a
  // client without a socket); it goes by itself when not said again.
  function agentTyping(name) {
    var first = name || (agentName ? agentName.split(/\s+/).filter(function (w) { return !/\.$/.test(w); })[0] : "");
    typingEl.textContent = (first || "Someone") + " is typing…";
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { typingEl.textContent = ""; }, 6000);
  }

  function pending(text) {
    var li = lineElement("in", "", text);
    li.classList.add("chat-pending");
    setState(li, "Sending…");
    lines.appendChild(li);
    scrollDown();
    return li;
  }

  function failed(li, why, retry) {
    li.classList.remove("chat-pending");
    li.classList.add("chat-failed");
    setState(li, "Not sent: " + why);
    var meta = li.querySelector(".chat-meta");
    if (meta.querySelector("button")) return;
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = "Retry";
    again.addEventListener("click", function () {
      again.remove();
      li.classList.remove("chat-failed");
      li.classList.add("chat-pending");
      setState(li, "Sending…");
      retry();
    });
    meta.appendChild(again);
  }

  function stored(li, seq) {
    li.classList.remove("chat-pending", "chat-failed");
    shown[seq] = true;
    setState(li, seq <= agentSeen ? "Seen" : "Delivered");
    place(li, seq);
  }

  function reason(response) {
    return response.json().then(
      function (data) { return (data && data.error && data.error.message) || "the server refused it."; },
      function () { return "the server refused it (" + response.status + ")."; }
    );
  }

  // The desk was too busy to store it (503: nothing stored): the line stays, said to be not
  // sent yet, and goes again by itself after Retry-After, waiting twice as long each time.
  function busyRetry(li, send, response) {
    var tries = Number(li.dataset.busyTries || 0) + 1;
    li.dataset.busyTries = String(tries);
    var after = Number(response.headers.get("Retry-After")) || 5;
    var wait = Math.min(60, after * Math.pow(2, Math.min(tries - 1, 6)));
    setState(li, "Not sent yet, retrying in " + wait + " s…");
    window.setTimeout(function () { deliver(li, send); }, wait * 1000);
  }

  // One line to the server, retried with the same client id (stored once).
  function deliver(li, send) {
    send().then(function (response) {
      if (response.status === 503) return busyRetry(li, send, response);
      delete li.dataset.busyTries;
      if (response.ok) {
        return response.json().then(function (data) {
          if (data.conversation) {
            token = data.conversation;
            save(token);
            var details = form.querySelector(".chat-details");
            if (details) details.hidden = true;
            root.dispatchEvent(new CustomEvent("chat:started")); // verify.js shows its panel
            connect();
            schedulePoll();
          }
          stored(li, data.seq);
          fetchNew();
        });
      }
      return reason(response).then(function (why) {
        if (li.dataset.file && (response.status === 413 || response.status === 415)) {
          // A file refused for its size or kind: no retry helps; say why, keep what was typed.
          li.remove();
          showProblem(why);
          return;
        }
        if (li.dataset.text && (response.status === 413 || response.status === 422) && !input.value) {
          input.value = li.dataset.text; // back in the box to shorten or change
        }
        failed(li, why, function () { deliver(li, send); });
        if (response.status === 413 || response.status === 429) showProblem(why);
      });
    }, function () {
      setDown(true);
      failed(li, "no connection. It will be sent when you are back online.", function () { deliver(li, send); });
      li.dataset.retry = "1";
      li.retrySend = function () { deliver(li, send); };
    });
  }

  function sendText(text) {
    var id = clientId();
    var li = pending(text);
    li.dataset.text = text;
    var send;
    if (token) {
      send = function () { return post(url("/messages"), { text: text, client_id: id }); };
    } else {
      var name = form.querySelector("[name=name]");
      var email = form.querySelector("[name=email]");
      var body = { text: text, brand: brand || undefined, client_id: id, timezone: zone || undefined };
      if (name && name.value) body.name = name.value;
      if (email && email.value) body.email = email.value;
      send = function () {
        // A retry after the conversation was made goes to it, with the same client id.
        if (token) return post(url("/messages"), { text: text, client_id: id });
        return post(api, body);
      };
    }
    deliver(li, send);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { showProblem("Write a message first."); input.focus(); return; }
    showProblem("");
    input.value = "";
    sendText(text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  input.addEventListener("input", function () {
    var now = Date.now();
    if (!token || now - lastTyping < TYPING_EVERY || !input.value) return;
    lastTyping = now;
    fetch(url("/typing"), { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: "{}" }).catch(function () {});
  });

  if (fileInput) {
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) return;
      fileInput.value = "";
      // The server's rule (rapport/chat/files.py), checked before anything is sent.
      var kinds = (fileInput.getAttribute("accept") || "").split(",").filter(Boolean);
      var dot = file.name.lastIndexOf(".");
      var extension = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
      if (kinds.length && kinds.indexOf(extension) < 0) {
        showProblem("“" + file.name + "” cannot be sent here: this chat takes " + kinds.map(function (k) { return k.slice(1).toUpperCase(); }).join(", ") + " files.");
        return;
      }
      if (maxBytes && file.size > maxBytes) {
        showProblem("“" + file.name + "” is too large: files up to " + Math.max(1, Math.floor(maxBytes / 1048576)) + " MB can be sent.");
        return;
      }
      if (!token) { showProblem("Write your first message, then attach the file."); return; }
      showProblem("");
      var id = clientId();
      var li = pending("File: " + file.name);
      li.dataset.file = "1";
      deliver(li, function () {
        var data = new FormData();
        data.append("file", file);
        data.append("client_id", id);
        return fetch(url("/attachments"), { method: "POST", credentials: "same-origin", body: data });
      });
    });
  }

  function wake() {
    fetchNew();
    connect();
    Array.prototype.forEach.call(lines.querySelectorAll("li[data-retry]"), function (li) {
      delete li.dataset.retry;
      var button = li.querySelector(".chat-meta button");
      if (button) button.remove();
      li.classList.remove("chat-failed");
      li.classList.add("chat-pending");
      setState(li, "Sending…");
      li.retrySend();
    });
  }
  window.addEventListener("online", wake);
  window.addEventListener("offline", function () { setDown(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { fetchNew(); tellSeen(); }
  });

  // The keyboard on a phone: keep the composer above it.
  if (window.visualViewport) {
    var fit = function () { root.style.height = window.visualViewport.height + "px"; };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }

  scrollDown();
  if (token) {
    fetchNew();
    connect();
  }
  schedulePoll();
})();
