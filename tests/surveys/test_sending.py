"""The worker's sweep sends what is due by the case's channel, under one contact policy per
person: quiet hours in the customer's zone (across DST), the cool-down after another survey or a
follow-up call, sampling, the opt-out. Clock-controlled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rapport.care.actions.promises import schedule_follow_up
from rapport.cases.models import CaseEvent, Direction, Message
from rapport.people.models import Customer
from rapport.surveys.actions.answers import opt_out
from rapport.surveys.models import SkipReason, Survey, SurveyKind, SurveyStatus
from tests.conftest import World
from tests.surveys.conftest import another_case, helped_and_resolved, sweep_at

TUESDAY_NOON_MADRID = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def test_due_csat_goes_out_by_email_naming_the_agent(world: World) -> None:
    csat = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    sweep_at(csat.due_at - timedelta(minutes=1))
    assert Survey.objects.get(pk=csat.pk).status == SurveyStatus.SCHEDULED
    sweep_at(csat.due_at)
    sent = Survey.objects.get(pk=csat.pk)
    assert sent.status == SurveyStatus.SENT and sent.channel == "email"
    assert sent.sent_at == csat.due_at and sent.expires_at == csat.due_at + timedelta(days=14)
    message = sent.message
    assert message is not None
    assert message.direction == Direction.OUTBOUND and message.author_id is None
    assert "Dr. Ana Ortiz helped you" in message.text and "/surveys/s/" in message.text
    assert CaseEvent.objects.filter(case=world.case, kind="survey_sent").count() == 1
    # A second sweep sends nothing more.
    sweep_at(csat.due_at + timedelta(minutes=5))
    assert (
        Message.objects.filter(case=world.case, direction="out", author__isnull=True).count() == 1
    )


@pytest.mark.parametrize(
    ("zone", "resolved", "quiet_ends"),
    [
        # 22:00 in Madrid the next day: waits until 09:00 there (07:00 UTC, summer time).
        (
            "Europe/Madrid",
            datetime(2026, 5, 12, 20, 0, tzinfo=UTC),
            datetime(2026, 5, 14, 7, 0, tzinfo=UTC),
        ),
        # Due 00:30 on the night the clocks go forward in Madrid: 09:00 CEST is 07:00 UTC.
        (
            "Europe/Madrid",
            datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
            datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        ),
        # New York's spring change two weeks earlier: 09:00 EDT is 13:00 UTC.
        (
            "America/New_York",
            datetime(2026, 3, 8, 3, 0, tzinfo=UTC),
            datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
        ),
        # In autumn (back to standard time) 09:00 EST is 14:00 UTC.
        (
            "America/New_York",
            datetime(2026, 11, 1, 3, 0, tzinfo=UTC),
            datetime(2026, 11, 2, 14, 0, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_in_the_customers_zone_across_dst(
    world: World, zone: str, resolved: datetime, quiet_ends: datetime
) -> None:
    Customer.objects.filter(pk=world.customer.pk).update(timezone=zone)
    csat = helped_and_resolved(world, resolved)
    sweep_at(csat.due_at)
    waiting = Survey.objects.get(pk=csat.pk)
    assert waiting.status == SurveyStatus.SCHEDULED and waiting.due_at == quiet_ends
    sweep_at(quiet_ends)
    assert Survey.objects.get(pk=csat.pk).status == SurveyStatus.SENT


def test_cool_down_after_another_survey_skips_the_csat_and_postpones_the_nps(world: World) -> None:
    first = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    sweep_at(first.due_at)
    second_case = another_case(world)
    second = helped_and_resolved(world, TUESDAY_NOON_MADRID + timedelta(days=2), case=second_case)
    sweep_at(second.due_at)
    skipped = Survey.objects.get(pk=second.pk)
    assert skipped.status == SurveyStatus.SKIPPED and skipped.skip_reason == SkipReason.COOL_DOWN
    assert CaseEvent.objects.filter(case=second_case, kind="survey_skipped").count() == 1
    # The NPS due within the cool-down of the CSAT waits until it ends.
    nps = Survey.objects.get(customer=world.customer, kind=SurveyKind.NPS)
    Survey.objects.filter(pk=nps.pk).update(due_at=first.due_at + timedelta(days=1))
    sweep_at(first.due_at + timedelta(days=1))
    assert Survey.objects.get(pk=nps.pk).due_at == first.due_at + timedelta(days=7)


def test_a_follow_up_call_counts_as_a_contact(world: World) -> None:
    csat = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    with time_machine.travel(TUESDAY_NOON_MADRID, tick=False):
        schedule_follow_up(
            case=world.case,
            by=world.agent,
            due_at=csat.due_at + timedelta(days=1),
            purpose="Are the meds helping?",
        )
    sweep_at(csat.due_at)
    assert Survey.objects.get(pk=csat.pk).skip_reason == SkipReason.COOL_DOWN


def test_sampling_is_recorded_as_the_skip_reason(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.RAPPORT_SURVEY_SAMPLE_PERCENT = 0  # type: ignore[attr-defined]
    csat = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    assert csat.status == SurveyStatus.SKIPPED and csat.skip_reason == SkipReason.NOT_SAMPLED


def test_an_opt_out_skips_what_waits_and_everything_after(world: World) -> None:
    csat = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    opt_out(customer=world.customer, via="the survey page")
    opt_out(customer=world.customer, via="the survey page")
    assert Survey.objects.get(pk=csat.pk).skip_reason == SkipReason.OPTED_OUT
    assert world.customer.events.filter(kind="surveys_opted_out").count() == 1
    later = another_case(world)
    again = helped_and_resolved(world, TUESDAY_NOON_MADRID + timedelta(days=30), case=later)
    assert again.status == SurveyStatus.SKIPPED and again.skip_reason == SkipReason.OPTED_OUT


def test_unanswered_surveys_expire_after_the_answer_period(world: World) -> None:
    csat = helped_and_resolved(world, TUESDAY_NOON_MADRID)
    sweep_at(csat.due_at)
    sweep_at(csat.due_at + timedelta(days=14))
    assert Survey.objects.get(pk=csat.pk).status == SurveyStatus.EXPIRED


def test_surveys_off_schedules_nothing(world: World, settings: pytest.FixtureRequest) -> None:
    settings.RAPPORT_SURVEYS = False  # type: ignore[attr-defined]
    with pytest.raises(Survey.DoesNotExist):
        helped_and_resolved(world, TUESDAY_NOON_MADRID)
