"""Recording what a person did about a public post: who, what, when; never "sent"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rapport.cases.models import Call, CaseEvent, CaseEventKind, Status
from rapport.lib.errors import ActionError
from rapport.social.actions.ingest import ingest_post
from rapport.social.actions.responses import record_response
from rapport.social.models import SocialResponse
from tests.conftest import World
from tests.social.posts import NOW, ON_BLUESKY

POST = ON_BLUESKY
pytestmark = pytest.mark.usefixtures("at_now")


def test_a_public_reply_is_recorded_by_name_meets_the_deadline_and_waits_on_them(
    world: World,
) -> None:
    case = ingest_post(post=POST, source="webhook").case
    assert case.first_response_at is None

    response = record_response(
        case=case,
        kind="public_reply",
        by=world.agent,
        url="https://bsky.app/profile/clinic/post/2",
    )

    case.refresh_from_db()
    assert (response.agent, response.at, response.kind) == (world.agent, NOW, "public_reply")
    assert case.first_response_at == NOW
    assert case.next_response_due_at is None
    assert case.status == Status.WAITING_CUSTOMER
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.SOCIAL_RESPONSE)
    assert event.actor == world.agent
    assert event.after["url"] == "https://bsky.app/profile/clinic/post/2"


def test_a_public_reply_needs_its_link(world: World) -> None:
    case = ingest_post(post=POST, source="webhook").case
    with pytest.raises(ActionError) as refused:
        record_response(case=case, kind="public_reply", by=world.agent)
    assert refused.value.field == "url"
    assert not SocialResponse.objects.exists()


def test_we_called_them_logs_a_call_that_reached_them(world: World) -> None:
    case = ingest_post(post=POST, source="webhook").case

    record_response(case=case, kind="called", by=world.agent, note="Rebooked for Thursday")

    call = Call.objects.get(case=case)
    assert (call.agent, call.outcome, call.notes) == (
        world.agent,
        "reached",
        "Rebooked for Thursday",
    )
    case.refresh_from_db()
    assert case.first_response_at == NOW


def test_moved_to_a_private_channel(world: World) -> None:
    case = ingest_post(post=POST, source="webhook").case
    response = record_response(
        case=case, kind="moved_private", by=world.agent, note="Asked her to DM the booking code"
    )
    assert response.get_kind_display() == "Moved to a private channel"


def test_a_case_without_a_post_refuses(world: World) -> None:
    with pytest.raises(ActionError):
        record_response(case=world.case, kind="called", by=world.agent)


def test_a_response_cannot_be_dated_before_the_post_reached_the_desk(world: World) -> None:
    """A tester backdated one to 2000: the case counted as answered before it was asked, and the
    desk's median wait went negative."""
    case = ingest_post(post=POST, source="webhook").case
    with pytest.raises(ActionError) as refused:
        record_response(
            case=case, kind="moved_private", by=world.agent, at=case.created_at - timedelta(1)
        )
    assert refused.value.field == "at"
    case.refresh_from_db()
    assert case.first_response_at is None and not SocialResponse.objects.exists()
