"""The visitor cookie: a random id naming the browser (never a customer), signed with the
desk's secret key, read alike by the HTTP API and the customer's socket."""

from __future__ import annotations

from django.core.signing import BadSignature, Signer

VISITOR_COOKIE = "rapport_chat_visitor"
_signer = Signer(salt="rapport.chat.visitor")


def signed_visitor(visitor_id: str) -> str:
    return _signer.sign(visitor_id)


def visitor_from_cookie(value: str | None) -> str | None:
    """The visitor id in a cookie's value, or None when absent or not signed by this desk."""
    if not value:
        return None
    try:
        return _signer.unsign(value)
    except BadSignature:
        return None
