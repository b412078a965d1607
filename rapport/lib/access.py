"""The two shapes of an id that comes from a request, for every access helper to share.

An id in the path names the page: missing and not yours are the same 404 (`one`). An id in a
form or a request body names something the person chose: the helper's 404 becomes a 400 naming
the field, "There is no agent #7." (`named`), and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, overload

from django.db.models import Model, QuerySet
from django.http import Http404

from rapport.lib.errors import ActionError

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def one(queryset: QuerySet[M], pk: int, *, what: str) -> M:
    """The row `pk` of what the person may see (`queryset`), else 404 "No such <what>"."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {what}")
    return found


@overload
def named(find: Callable[[int], T], pk: int, *, field: str, what: str) -> T: ...


@overload
def named(find: Callable[[int], T], pk: int | None, *, field: str, what: str) -> T | None: ...


def named(find: Callable[[int], T], pk: int | None, *, field: str, what: str) -> T | None:
    """`find(pk)` for an id the person chose in `field` (None: none chosen); an id they may not
    see is refused like one that does not exist."""
    if pk is None:
        return None
    try:
        return find(pk)
    except Http404 as exc:
        raise ActionError(f"There is no {what} #{pk}.", field=field) from exc
