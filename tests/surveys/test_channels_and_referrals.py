"""A chat's CSAT goes into the open conversation after the chat delay; a promoter's referral
link, used, opens the friend's case and counts on the referrer's relationship."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import time_machine
from django.test import Client

from rapport.care.models import WordOfMouth
from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import resolve_case
from rapport.cases.models import Case
from rapport.chat.actions.conversations import start_conversation
from rapport.chat.models import ChatEntry
from rapport.surveys.links import referral_url
from rapport.surveys.models import Survey, SurveyKind, SurveyStatus
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.surveys.conftest import sweep_at

NOON_MADRID = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def test_a_chat_csat_goes_into_the_open_chat_after_fifteen_minutes(world: World) -> None:
    with time_machine.travel(NOON_MADRID, tick=False):
        started = start_conversation(
            text="My puppy will not stop coughing, what should I do tonight?",
            visitor_id="v1",
            brand=None,
            name="Maria",
        )
        case = Case.objects.get(pk=started.conversation.case_id)
        reply(
            case=case, text="Keep her warm and bring her in at 9.", by=world.agent, channel="chat"
        )
        resolve_case(case=case, by=world.agent)
    csat = Survey.objects.get(case=case, kind=SurveyKind.CSAT)
    assert csat.due_at == NOON_MADRID + timedelta(minutes=15)
    sweep_at(csat.due_at)
    sent = Survey.objects.get(pk=csat.pk)
    assert sent.status == SurveyStatus.SENT and sent.channel == "chat"
    line = ChatEntry.objects.filter(conversation=started.conversation).order_by("-seq").first()
    assert line is not None and line.message_id == sent.message_id


def test_a_referral_link_opens_the_friends_case_and_counts_on_the_relationship(
    world: World,
) -> None:
    path = urlparse(referral_url(world.customer)).path
    page = Client().get(path)
    assert page.status_code == 200 and b"Maria thought we could help you" in page.content
    assert b"Lopez" not in page.content  # only the first name the friend already knows
    refused = Client().post(path, {"name": "Lucia", "email": "not an email", "about": "Hi"})
    assert refused.status_code == 400 and not WordOfMouth.objects.exists()
    done = Client().post(
        path,
        {"name": "Lucia Lopez", "email": "lucia@example.com", "about": "My cat needs a check-up"},
    )
    assert done.status_code == 200 and b"Your reference is" in done.content
    row = WordOfMouth.objects.get()
    assert row.referrer_id == world.customer.pk and row.referred is not None
    case = Case.objects.get(customer=row.referred)
    assert case.tags == ["referral"] and case.origin_channel == "web" and case.owner is not None
    body = ApiClient(world.token_for(world.supervisor)).get("/surveys/results").json()
    [counted] = body["referrals_by_relationship"]
    assert counted["owner"]["id"] == world.colleague.pk  # Maria's relationship owner
    assert counted["recommendations"] == 1 and counted["through_referral_links"] == 1
    # An altered link finds nobody.
    assert Client().get(path[:-3] + "xx/").status_code == 404
