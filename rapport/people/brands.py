"""Which business a message came to: a brand is found by the address it was sent to."""

from __future__ import annotations

from collections.abc import Iterable

from rapport.people.models import Brand


def brands_by_address() -> dict[str, Brand]:
    """Every brand's inbound addresses (lower case) to the brand: one small query."""
    found: dict[str, Brand] = {}
    for brand in Brand.objects.order_by("pk"):
        for address in brand.email_addresses:
            found.setdefault(str(address).strip().lower(), brand)
    return found


def brand_for(addresses: Iterable[str], known: dict[str, Brand]) -> Brand | None:
    """The brand of the first address that belongs to one (envelope recipients come first)."""
    for address in addresses:
        brand = known.get(address.strip().lower())
        if brand is not None:
            return brand
    return None
