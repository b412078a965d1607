"""Live pages by polling: a page's own fragment, answered with an ETag and 304 while unchanged.

The inbox and the case page ask every few seconds (`static/workspace/live.js`, paused while the
tab is hidden) for the fragment their htmx requests already get, at a URL of its own so a tab
left open neither counts as activity nor keeps a session alive (`signin.PASSIVE_VIEWS`). The
ETag is a digest of what the agent would see, so it changes exactly when the fragment does: the
server renders it each time, and an unchanged one costs a 304 instead of the transfer and a
swap that would disturb the page.

The inbox's list takes its ETag from its data instead (`data_etag`: the rows as values, less
"3 minutes ago"), so a poll that finds it unchanged renders nothing (`live_fragment`); its
relative times are brought up to date at most every RELATIVE_TIMES_EVERY seconds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

# The hidden CSRF field is masked afresh for every response; its value says nothing of the page.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')

View = Callable[..., HttpResponseBase]
# A list's relative times ("5 minutes ago") are left out of its data version; this often (in
# seconds) the version changes anyway, for a poll to bring them up to date.
RELATIVE_TIMES_EVERY = 600


def fragment_etag(content: bytes) -> str:
    """A strong validator of the fragment: its bytes less the CSRF field's per-response mask."""
    digest = hashlib.sha256(CSRF_FIELD.sub(rb"\1\2", content)).hexdigest()[:32]
    return f'"{digest}"'


def with_etag(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """`response` with its ETag, or a 304 when the client already has it."""
    if request.method not in {"GET", "HEAD"} or response.status_code != 200:
        return response
    if not isinstance(response, HttpResponse):  # a streamed answer has no digest to take
        return response
    _polled(response, fragment_etag(response.content))
    unchanged = get_conditional_response(request, etag=response["ETag"], response=response)
    return unchanged if unchanged is not None else response


def _polled(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["ETag"] = etag
    # Asked again every time: a browser must not answer a poll from its cache.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response


def data_etag(shown: object) -> str:
    """A validator of `shown` (values with stable reprs: what a fragment shows, as data) in the
    current period of RELATIVE_TIMES_EVERY seconds."""
    period = int(timezone.now().timestamp()) // RELATIVE_TIMES_EVERY
    digest = hashlib.sha256(repr((period, shown)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def live_fragment(
    request: HttpRequest, *, etag: str, fragment: Callable[[], HttpResponse]
) -> HttpResponseBase:
    """A 304 when the client has `etag` (`fragment` is not rendered), else the fragment."""
    unchanged = get_conditional_response(request, etag=etag)
    return _polled(unchanged if unchanged is not None else fragment(), etag)


def live(view: View) -> View:
    """`view` (which answers an htmx request with its fragment) answered with an ETag."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return with_etag(request, view(request, *args, **kwargs))

    return wrapper
