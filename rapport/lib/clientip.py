"""The address a request came from, seen through the reverse proxies the operator trusts."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with RAPPORT_TRUSTED_PROXY_COUNT=N the address the N-th proxy from us saw.

    Each proxy appends the address it received the connection from to X-Forwarded-For, so only
    the last N entries were written by proxies we run; anything left of them the client typed.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = settings.RAPPORT_TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            if _valid(candidate):
                return candidate
    return remote


def client_network(request: HttpRequest) -> str:
    """The client's address for counting: an IPv6 client owns its whole /64, so count that."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
