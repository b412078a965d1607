"""A chat's email code and the mail that carries it hold the visitor's address until they are
settled: a code left unused past its minutes is expired by the scheduler's sweep and forgets
the address; erasing the customer cancels such a mail not sent yet, with the address and words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from rapport.chat.actions.conversations import start_conversation
from rapport.chat.actions.verification import check_code, send_code
from rapport.chat.models import CodeState, EmailCode
from rapport.datacare.actions.erasure import erase_customer
from rapport.jobs.scheduler import run_sweeps
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.people.models import Customer
from tests.conftest import World

pytestmark = pytest.mark.django_db

ADDRESS = "yara.chatty@example.net"


def _chat_with_code() -> EmailCode:
    started = start_conversation(
        text="Hello, my hamster is ill", visitor_id="visitor-yara", brand=None, name="Yara"
    )
    send_code(conversation=started.conversation, email=ADDRESS, now=timezone.now())
    return EmailCode.objects.get(conversation=started.conversation)


def test_an_unused_code_past_its_minutes_forgets_the_address(world: World) -> None:
    code = _chat_with_code()
    assert code.email == ADDRESS
    minutes = settings.RAPPORT_CHAT_CODE_MINUTES
    early = run_sweeps(now=code.created_at + timedelta(minutes=minutes - 1))
    assert early["chat_code_retention"] == {"expired": []}
    later = run_sweeps(now=code.expires_at + timedelta(seconds=1))
    assert later["chat_code_retention"] == {"expired": [code.pk]}
    code.refresh_from_db()
    assert (code.state, code.email) == (CodeState.EXPIRED, "")
    # An expired code proves nothing, typed or not.
    checked = check_code(conversation=code.conversation, code="123456", now=timezone.now())
    assert not checked.verified


def test_erasing_the_customer_cancels_their_code_mail_not_sent_yet(world: World) -> None:
    code = _chat_with_code()
    # The worker has not sent it (the SMTP server is down, say): it waits with the address.
    mail = AgentMail.objects.get(to=ADDRESS)
    assert mail.status == AgentMailStatus.QUEUED and code.email == ADDRESS
    customer = Customer.objects.get(cases__conversations=code.conversation)
    erase_customer(customer=customer, by=world.supervisor, via="command")
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.FAILED  # never sent now
    assert (mail.to, mail.subject, mail.text) == ("", "", "")
    assert not AgentMail.objects.filter(to=ADDRESS).exists()
    assert not EmailCode.objects.filter(email=ADDRESS).exists()
