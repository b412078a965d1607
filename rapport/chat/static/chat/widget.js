// The embeddable chat: one script tag on the business's own site (docs/chat.md).
//
//   <script src="https://desk.example/chat/widget.js" data-brand="slug" async></script>
//
// Options (data attributes on the tag): data-brand (the business's slug), data-position
// ("right" or "left"; default right), data-colour ("#RRGGBB" for the launcher), data-label
// (the launcher's words; default "Chat with us"). The chat itself runs in an iframe of the
// desk's /chat/ page, so the site's CSS and cookies stay apart from it, and the page's
// frame-ancestors policy lets only the business's allowed sites show it.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__rapportChat) return;
  window.__rapportChat = true;

  var desk = new URL(script.src).origin;
  var brand = script.getAttribute("data-brand") || "";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var colour = /^#[0-9a-fA-F]{6}$/.test(script.getAttribute("data-colour") || "")
    ? script.getAttribute("data-colour") : "#1d4ed8";
  var label = script.getAttribute("data-label") || "Chat with us";

  function css(el, rules) {
    for (var name in rules) el.style.setProperty(name, rules[name]);
  }

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "rapport-chat-frame");
  css(button, {
    position: "fixed", bottom: "20px", "z-index": "2147483000", padding: "12px 18px",
    "border-radius": "24px", border: "0", background: colour, color: "#fff",
    font: "600 16px/1.2 system-ui, sans-serif", cursor: "pointer",
    "box-shadow": "0 4px 14px rgba(0,0,0,.25)",
  });
  button.style.setProperty(side, "20px");

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "rapport-chat-frame";
      frame.title = "Chat";
      frame.src = desk + "/chat/?embed=1" + (brand ? "&brand=" + encodeURIComponent(brand) : "");
      frame.setAttribute("allow", "clipboard-write");
      css(frame, {
        position: "fixed", bottom: "80px", width: "min(380px, calc(100vw - 24px))",
        height: "min(600px, calc(100vh - 100px))", border: "0", "border-radius": "12px",
        "box-shadow": "0 8px 30px rgba(0,0,0,.3)", "z-index": "2147483000", background: "#fff",
      });
      frame.style.setProperty(side, "12px");
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Close chat";
    frame.focus();
  }
  function close() {
    if (frame) frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = label;
  }
  button.addEventListener("click", function () {
    if (button.getAttribute("aria-expanded") === "true") close(); else open();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && frame && !frame.hidden) { close(); button.focus(); }
  });

  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
