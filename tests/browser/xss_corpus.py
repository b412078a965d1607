"""Classic cross-site-scripting payloads, each of which, if it ever ran, would say so.

Every payload calls the page's `window.__xss` sentinel (or opens a dialog) with its own number,
or makes a request the test watches for (a path starting /xss-, the host xss.invalid), so a
finding names the payload. They cover script and event-handler injection, breaking out of
attributes, text areas and titles, javascript:/data:/vbscript: URLs, SVG and MathML, mutation
XSS, CSS expressions, template syntax (Django's and client-side frameworks'), htmx attributes,
encodings that a careless double-decode would revive, and remote resources.
"""

from __future__ import annotations

TEMPLATES = [
    "<script>{js}</script>",
    "<script src=/xss-{n}.js></script>",
    "<img src=x onerror={js}>",
    "<img src=x onerror=alert({n})>",
    "<svg onload={js}>",
    "<svg/onload=confirm({n})>",
    "<svg><script>{js}</script></svg>",
    "<body onload={js}>",
    "<body onpageshow=prompt({n})>",
    '"><script>{js}</script>',
    "'><img src=x onerror={js}>",
    '" autofocus onfocus="{js}" x="',
    "' onmouseover='{js}' x='",
    "</textarea><script>{js}</script>",
    "</title><script>{js}</script>",
    "</script><script>{js}</script>",
    "<details open ontoggle={js}>",
    "<input autofocus onfocus={js}>",
    "<video><source onerror={js}></video>",
    "<audio src=x onerror={js}>",
    "<marquee onstart={js}>x</marquee>",
    '<iframe src="javascript:{js}"></iframe>',
    '<iframe srcdoc="<script>parent.{js}</script>"></iframe>',
    '<iframe src="data:text/html,<script>parent.{js}</script>"></iframe>',
    '<object data="javascript:{js}"></object>',
    '<embed src="javascript:{js}">',
    '<a href="javascript:{js}">click me</a>',
    '<a href="jAvAsCrIpT:{js}">click me</a>',
    '<a href="&#106;avascript:{js}">click me</a>',
    '<a href="vbscript:msgbox({n})">click me</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click me</a>',
    '<svg><a xlink:href="javascript:{js}"><text x="9" y="9">x</text></a></svg>',
    "<svg><animate onbegin={js} attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror="{js}">',
    '<noscript><p title="</noscript><img src=x onerror={js}>">',
    '<!--<img src="--><img src=x onerror={js}//">',
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<template><script>{js}</script></template>",
    "<x onmouseover={js}>hover me</x>",
    "<img src=x:x onerror={js}>",
    "<img srcset=x onerror={js}>",
    '<form action="javascript:{js}"><button>go</button></form>',
    '<button formaction="javascript:{js}">go</button>',
    "<style>@import 'https://xss.invalid/{n}.css';</style>",
    '<div style="background:url(https://xss.invalid/{n}.png)">x</div>',
    '<div style="width:expression({js})">x</div>',
    '<link rel=stylesheet href="https://xss.invalid/{n}.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
    '<base href="https://xss.invalid/{n}/">',
    '<img src="https://xss.invalid/{n}.png" alt="pixel">',
    '<img src="/xss-{n}.png">',
    '<div hx-get="/xss-hx-{n}" hx-trigger="load">x</div>',
    '<div hx-on:htmx:load="{js}" hx-get="/xss-on-{n}" hx-trigger="load">x</div>',
    '<div hx-vals=\'js:{{a: {js}}}\' hx-post="/xss-vals-{n}" hx-trigger="load">x</div>',
    '<form data-confirm="x" hx-post="/xss-form-{n}" hx-trigger="load"></form>',
    "{{{{ {js} }}}}",
    "{{{{constructor.constructor('{js}')()}}}}",
    "{{% debug %}}{{{{ settings.SECRET_KEY }}}}{{% include 'workspace/base.html' %}}",
    "${{{js}}}",
    "&lt;script&gt;{js}&lt;/script&gt;",
    "%3Cscript%3E{js}%3C%2Fscript%3E",
    "\\u003cscript\\u003e{js}\\u003c/script\\u003e",
    "javascript:{js}",
    "\u202e<script>{js}</script>",
]


def payloads() -> list[str]:
    return [
        template.format(n=n, js=f"window.__xss.push({n})") for n, template in enumerate(TEMPLATES)
    ]
