"""How identities come to be verified, what merging does with claims, and the migration of a desk
that held identities before verification existed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from rapport.cases.actions.customers import merge_customers
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import (
    create_claimed_customer,
    create_customer,
    find_or_create_customer,
    known_customers,
)
from rapport.people.actions.identities import add_identity, verify_identity
from rapport.people.models import CustomerEvent, Identity
from tests.conftest import World

migration = importlib.import_module("rapport.people.migrations.0006_identity_verification")


def test_what_an_agent_types_is_verified_by_them(world: World) -> None:
    assert all(i.verification == "agent" and i.is_verified for i in world.customer.identities.all())
    added = add_identity(
        customer=world.customer, kind="phone", value="+34 600 100 200", by=world.agent
    )
    assert added.verification == "agent" and added.verified_at is not None


def test_a_first_contact_is_proven_by_the_channel(db: None) -> None:
    customer, created = find_or_create_customer(kind="email", value="New@Example.org", name="N")
    identity = customer.identities.get()
    assert created and identity.verification == "channel" and identity.is_verified


def test_a_claim_speaks_for_nobody_and_never_blocks_the_real_holder(world: World) -> None:
    claimant = create_claimed_customer(
        name="Someone", identities=[("email", "new@example.org")], source="the contact page"
    )
    assert known_customers(kind="email", values=["new@example.org"]) == {}
    owner, created = find_or_create_customer(kind="email", value="new@example.org", name="Nia")
    assert created and owner.pk != claimant.pk
    assert owner.likely_duplicate_of_id == claimant.pk  # a record claims the address
    assert known_customers(kind="email", values=["new@example.org"]) == {"new@example.org": owner}


def test_merging_keeps_one_copy_verified_if_either_was(world: World) -> None:
    claimant = create_claimed_customer(
        name="Maria L.",
        identities=[("email", "maria.lopez@example.com"), ("phone", "+34 699 000 222")],
        source="the contact page",
    )
    merge_customers(source=claimant, target=world.customer, by=world.agent)
    held = sorted((i.value, i.is_verified) for i in world.customer.identities.all())
    assert held == [
        ("+34612345678", True),
        ("+34699000222", False),
        ("maria.lopez@example.com", True),
    ]


def test_verifying_a_claim_another_customer_holds_verified_is_refused(world: World) -> None:
    claimant = create_claimed_customer(
        name="X", identities=[("phone", "+34 612 345 678")], source="the contact page"
    )
    with pytest.raises(ActionError, match="already verified for another customer"):
        verify_identity(identity=claimant.identities.get(), by=world.agent)
    assert not claimant.identities.get().is_verified
    assert "Maria" not in claimant.duplicate_reason  # the reason never names the match


def test_the_migration_keeps_what_the_contact_page_typed_unverified(world: World) -> None:
    """Before: the contact page added a typed email (no actor) to whoever the phone found, and
    opened customers from a typed number (no actor)."""
    typed = Identity.objects.create(customer=world.customer, kind="email", value="evil@x.example")
    CustomerEvent.objects.create(
        customer=world.customer, kind="identity_added", data={"identity": "email:evil@x.example"}
    )
    walk_in = create_customer(name="Walk in", by=None, identities=[("phone", "+34 655 000 111")])
    mailer, _ = find_or_create_customer(kind="email", value="m@example.org", name="M")
    Identity.objects.update(verification="", verified_at=None, verification_note="")

    migration.verify_existing(apps, None)

    def how(identity: Identity) -> str:
        identity.refresh_from_db()
        return identity.verification if identity.is_verified else "unverified"

    assert how(typed) == "unverified"
    assert how(walk_in.identities.get()) == "unverified"
    assert how(mailer.identities.get()) == "channel"
    assert {how(i) for i in world.customer.identities.exclude(pk=typed.pk)} == {"agent"}
