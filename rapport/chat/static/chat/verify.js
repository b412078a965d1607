// A returning visitor proves the email they gave (docs/chat.md, "The customer's identity"): the
// panel's two forms go to the widget's API (POST .../email, then .../verify), so the page does
// not reload; without JavaScript they post to the page itself. The answer to asking for a code
// is the same whoever holds the address; the visitor never sees other channels' history.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var panel = document.getElementById("chat-verify");
  if (!root || !panel || panel.dataset.verified) return;
  var api = root.dataset.api;
  var storeKey = "rapport-chat:" + (root.dataset.brand || "-");
  var emailForm = document.getElementById("chat-verify-email");
  var codeForm = document.getElementById("chat-verify-code");
  var note = document.getElementById("chat-verify-note");

  function token() {
    if (root.dataset.token) return root.dataset.token;
    try { return window.localStorage.getItem(storeKey) || ""; } catch (e) { return ""; }
  }
  function post(path, body) {
    return fetch(api + "/" + encodeURIComponent(token()) + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }
  function answer(response) {
    return response.json().then(
      function (data) { return { ok: response.ok, data: data }; },
      function () { return { ok: false, data: null }; }
    );
  }
  function why(result) {
    return (result.data && result.data.error && result.data.error.message) || "That did not work. Please try again.";
  }
  function say(text) { note.textContent = text; }
  function offline() { say("No connection. Try again when you are back online."); }

  // Shown once the chat exists (a code is for a conversation).
  function reveal() {
    if (!token()) return;
    panel.hidden = false;
    var given = document.getElementById("chat-email"); // typed when the chat started
    var address = emailForm.elements.namedItem("email");
    if (given && given.value && !address.value) address.value = given.value;
  }
  function verified(text) {
    var done = document.createElement("p");
    done.className = "chat-verify chat-verified";
    done.id = "chat-verify";
    done.dataset.verified = "1";
    done.setAttribute("role", "status");
    done.textContent = text;
    panel.replaceWith(done);
  }

  // A page rendered without the conversation (its token kept by the browser, not the server's
  // cookie) asks where it stands: the address given, and whether it is proven already.
  if (token() && !root.dataset.token) {
    fetch(api + "/" + encodeURIComponent(token()) + "/messages?after=2147483647", { credentials: "same-origin", cache: "no-store" })
      .then(answer)
      .then(function (result) {
        if (!result.ok || !result.data) return;
        if (result.data.verified) { verified("Your email " + result.data.email + " is verified."); return; }
        var address = emailForm.elements.namedItem("email");
        if (result.data.email && !address.value) address.value = result.data.email;
      }, function () {});
  }
  reveal();
  root.addEventListener("chat:started", reveal);
  // Continue by email (chat.js) mailed a code: the same box takes it.
  root.addEventListener("chat:code-sent", function (event) {
    reveal();
    panel.open = true;
    emailForm.elements.namedItem("email").value = event.detail.email;
    say("We sent a code to " + event.detail.email + ". Type it here to show the address is yours.");
    codeForm.hidden = false;
    codeForm.elements.namedItem("code").focus();
  });

  emailForm.addEventListener("submit", function (event) {
    event.preventDefault();
    say("Sending…");
    post("/email", { email: emailForm.elements.namedItem("email").value }).then(answer).then(function (result) {
      if (!result.ok) { say(why(result)); return; }
      say(result.data.message);
      codeForm.hidden = false;
      codeForm.elements.namedItem("code").focus();
    }, offline);
  });

  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = codeForm.elements.namedItem("code");
    post("/verify", { code: input.value }).then(answer).then(function (result) {
      if (!result.ok) { say(why(result)); input.select(); return; }
      verified(result.data.message);
    }, offline);
  });
})();
