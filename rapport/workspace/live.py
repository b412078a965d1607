"""Live pages by polling: a page's own fragment, answered with an ETag and 304 while unchanged.

The inbox and the case page ask every few seconds (`static/workspace/live.js`, paused while the
tab is hidden) for the fragment their htmx requests already get, at a URL of its own so a tab
left open neither counts as activity nor keeps a session alive (`signin.PASSIVE_VIEWS`). The
ETag is a digest of what the agent would see, so it changes exactly when the fragment does: the
server renders it each time, and an unchanged one costs a 304 instead of the transfer and a
swap that would disturb the page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

# The hidden CSRF field is masked afresh for every response; its value says nothing of the page.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')

View = Callable[..., HttpResponseBase]


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
    response["ETag"] = fragment_etag(response.content)
    # Asked again every time: a browser must not answer a poll from its cache.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    unchanged = get_conditional_response(request, etag=response["ETag"], response=response)
    return unchanged if unchanged is not None else response


def live(view: View) -> View:
    """`view` (which answers an htmx request with its fragment) answered with an ETag."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return with_etag(request, view(request, *args, **kwargs))

    return wrapper
