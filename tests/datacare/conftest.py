"""A customer with something in every table that holds personal data, and the words that must
disappear when they are erased."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rapport.care.actions.promises import schedule_follow_up
from rapport.cases.actions.messages import add_note, log_call, reply
from rapport.cases.models import Case
from rapport.mail.models import InboundEmail
from rapport.outreach.actions.make_goods import record_make_good
from rapport.people.actions.customers import create_customer
from rapport.people.actions.identities import add_identity
from rapport.people.actions.notes import add_asset, add_rapport_note, delete_rapport_note
from rapport.people.models import Customer
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail


@dataclass
class Rich:
    customer: Customer
    case: Case
    inbound: InboundEmail
    attachment_sha256: str
    secrets: list[str]  # every string that names or quotes them
    bystander: Customer  # another customer, who must keep everything
    bystander_words: str


@pytest.fixture
def api_as(world: World) -> Any:
    """api_as(agent) -> a JSON client with a fresh token of that agent."""
    return lambda agent: ApiClient(world.token_for(agent))


@pytest.fixture
def files_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.MEDIA_ROOT = root
    settings.RAPPORT_BACKUP_DIR = tmp_path / "backups"
    settings.DEFAULT_FROM_EMAIL = "Night Clinic <support@clinic.example>"
    return root


@pytest.fixture
def rich(world: World, files_root: Path) -> Rich:
    tag = secrets.token_hex(4)
    name = f"Zelda Quorn{tag}"
    email = f"zelda.{tag}@example.net"
    digits = f"{secrets.randbelow(10**7):07d}"
    phone = f"+34 61{digits[:1]} {digits[1:4]} {digits[4:]}"
    body = f"My parrot Kiwi{tag} swallowed a key"
    payload = f"x-ray of Kiwi{tag}".encode() * 50
    raw = make_mail(
        sender=f"{name} <{email}>",
        subject=f"Parrot emergency {tag}",
        body=body,
        message_id=f"<{tag}@mail.example.net>",
        attachments=[(f"xray-{tag}.txt", "text/plain", payload)],
    )
    _, inbound = ingest(raw)
    assert inbound.customer_id is not None and inbound.case_id is not None
    customer = Customer.objects.get(pk=inbound.customer_id)
    case = Case.objects.get(pk=inbound.case_id)
    agent = world.agent
    add_identity(customer=customer, kind="phone", value=phone, by=agent)
    add_note(case=case, text=f"Internal: owner lives at Calle Secreta{tag}", by=agent)
    reply(case=case, text=f"Dear {name}, bring Kiwi{tag} in now.", by=agent)
    log_call(
        case=case,
        by=agent,
        direction="outbound",
        outcome="reached",
        notes=f"Spoke about Kiwi{tag} surgery",
        phone=phone,
    )
    kept = add_rapport_note(customer=customer, text=f"Loves tango{tag}", by=agent)
    gone = add_rapport_note(customer=customer, text=f"Divorced from Hugo{tag}", by=agent)
    delete_rapport_note(note=gone, by=agent)
    add_asset(
        customer=customer,
        name=f"Cage model Aviary{tag}",
        reference=f"ORD-{tag}",
        attributes={"colour": f"teal{tag}"},
        by=agent,
    )
    schedule_follow_up(
        case=case,
        by=agent,
        due_at=timezone.now() + timedelta(days=1),
        purpose=f"Ask whether Kiwi{tag} ate",
    )
    record_make_good(
        case=case,
        by=agent,
        kind="goodwill",
        description=f"Free seed for Kiwi{tag}",
        reason="delay",
    )
    bystander = create_customer(
        name=f"Bruno Bystander{tag}", by=agent, identities=[("email", f"bruno.{tag}@example.org")]
    )
    assert kept.pk
    return Rich(
        customer=customer,
        case=case,
        inbound=inbound,
        attachment_sha256=hashlib.sha256(payload).hexdigest(),
        secrets=[
            name,
            f"Quorn{tag}",
            email,
            phone.replace(" ", ""),
            f"Kiwi{tag}",
            f"Secreta{tag}",
            f"tango{tag}",
            f"Hugo{tag}",
            f"Aviary{tag}",
            f"ORD-{tag}",
            f"teal{tag}",
            f"emergency {tag}",
        ],
        bystander=bystander,
        bystander_words=f"Bystander{tag}",
    )
