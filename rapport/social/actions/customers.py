"""What social listening holds of a customer, kept with them when they are merged."""

from __future__ import annotations

from rapport.cases.hooks import CustomersMerged
from rapport.social.models import SocialPost


def follow_merge(event: CustomersMerged) -> None:
    """A merged customer's posts are the survivor's (run inside `merge_customers`'s transaction:
    the posts move with the cases, or nothing moves)."""
    SocialPost.objects.filter(customer=event.source).update(customer=event.target)
