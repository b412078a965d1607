"""A social handle's customer found by the account behind it: handles change and are given up and
taken by other people, while the account's own id (a Bluesky DID, a Mastodon account id) stays.

The order (`find_or_create_by_account`): the identity holding the account's id, whatever its
handle now (a changed handle is written onto it and noted on the customer); else the identity
holding the handle, when it holds no account id yet (it takes this one: known before ids were
kept); else a new customer. A handle held by an identity of another account is not theirs any
more: that identity gives it up (it stays on its customer under a name no post can match) and is
never matched by handle again, so a re-used handle never joins someone else's history. An id
numbered by one instance (`id@host`, Mastodon's) says nothing of an id numbered by another: a
handle held with such an id finds its holder, as if the post named no account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.people.actions.customers import find_or_create_customers
from rapport.people.actions.events import record_customer_event
from rapport.people.actions.merging import follow_merges
from rapport.people.models import Customer, CustomerEventKind, Identity, IdentityKind


@dataclass(frozen=True)
class Author:
    customer: Customer
    created: bool  # made for this post
    # The handle the account's identity held before this post came under a new one ("": none).
    renamed_from: str = ""


@transaction.atomic
def find_or_create_by_account(
    *, value: str, account_id: str, name: str, proof: str, newest: bool = True
) -> Author:
    """The customer (after merges) of the social handle `value` (normalised, "network:handle")
    posted by the account `account_id` ("network:id"; blank: only the handle is known), or a new
    one. Not `newest` (the desk holds a later post of the account: history imported late), the
    handle was the account's then, not now: the account's identity keeps its handle and takes
    none from another."""
    if not account_id:
        [(found, created)] = find_or_create_customers(
            kind=IdentityKind.SOCIAL, people=[(value, name)], proof=proof
        )
        return Author(found, created)
    held = list(
        Identity.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(Q(account_id=account_id) | Q(value=value))
        .filter(kind=IdentityKind.SOCIAL, verified_at__isnull=False)
        .order_by("pk")
    )
    by_account = next((i for i in held if i.account_id == account_id), None)
    by_handle = next((i for i in held if i.value == value and i != by_account), None)
    if by_account is not None and not newest:
        return Author(follow_merges(by_account.customer), False)
    if by_account is not None:
        if by_handle is not None:
            _give_up(by_handle, keeper=by_account)
        former = by_account.value
        if former != value:
            _rename(by_account, value)
        return Author(follow_merges(by_account.customer), False, "" if former == value else former)
    if by_handle is not None and not by_handle.account_id:
        # Known by this handle before accounts' ids were kept: the first account to post it.
        by_handle.account_id = account_id
        by_handle.save(update_fields=["account_id"])
        return Author(follow_merges(by_handle.customer), False)
    if by_handle is not None and _issuer(by_handle.account_id) != _issuer(account_id):
        # Numbered by another instance (a Mastodon id is its instance's: `109348@social.example`
        # and `77@other.example` may be one account): the ids cannot tell whether the handle
        # changed hands, so the handle finds its holder, as before ids were kept.
        return Author(follow_merges(by_handle.customer), False)
    if by_handle is not None:
        _give_up(by_handle, keeper=None)
    [(customer, created)] = find_or_create_customers(
        kind=IdentityKind.SOCIAL, people=[(value, name)], proof=proof
    )
    Identity.objects.filter(customer=customer, kind=IdentityKind.SOCIAL, value=value).update(
        account_id=account_id
    )
    return Author(customer, created)


def _issuer(account_id: str) -> str:
    """Who numbered the account: the host of an id given as `id@host` ("" for an id that names
    its account everywhere, such as a DID, and for none)."""
    head, at, host = account_id.rpartition("@")
    return host.lower() if at and head else ""


def _give_up(identity: Identity, *, keeper: Identity | None) -> None:
    """`identity`'s handle now names another account (`keeper`'s, or a new customer's): it stays
    on its customer under a name no handle is, with its account's id if it has one, so that
    account's next post still finds it."""
    if (
        keeper is not None
        and not identity.account_id
        and identity.customer_id == keeper.customer_id
    ):
        identity.delete()  # the same person's copy of the handle, from before ids were kept
        return
    since = timezone.now().date().isoformat()
    _rename(
        identity,
        f"{identity.value} (not theirs since {since}, #{identity.pk})",
        reason="the handle now belongs to another account",
    )


def _rename(identity: Identity, value: str, *, reason: str = "") -> None:
    """The identity holds `value` now, and its customer's record says so (and why, if given)."""
    old = identity.value
    # A claim of the new name typed on the customer's own record gives way to the proof.
    Identity.objects.filter(
        customer=identity.customer_id, kind=IdentityKind.SOCIAL, value=value, verified_at=None
    ).delete()
    identity.value = value
    identity.save(update_fields=["value"])
    data: dict[str, Any] = {"identity": f"social:{old}", "now": f"social:{value}"}
    if reason:
        data["reason"] = reason
    record_customer_event(identity.customer, by=None, kind=CustomerEventKind.HANDLE_CHANGED, **data)
