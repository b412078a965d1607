"""A CSAT only when a person really helped, once per case, after the channel's delay; the skip
reason recorded otherwise. NPS per relationship on its cadence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rapport.cases.actions.assignment import set_tags
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import log_call, reply
from rapport.cases.actions.status import change_status, resolve_case
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from rapport.routing.actions.starting import start_case
from rapport.surveys.models import SkipReason, Survey, SurveyKind, SurveyStatus
from tests.conftest import World
from tests.surveys.conftest import another_case, helped_and_resolved

TUESDAY = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def test_a_case_an_agent_answered_schedules_one_csat_after_the_email_delay(world: World) -> None:
    csat = helped_and_resolved(world, TUESDAY)
    assert csat.status == SurveyStatus.SCHEDULED and csat.skip_reason == ""
    # The case came in by phone: the default delay ("*=24h").
    assert csat.due_at == TUESDAY + timedelta(hours=24)
    assert csat.agent_id == world.agent.pk and csat.customer_id == world.customer.pk
    # Reopened and resolved again: still one CSAT, its delay counted from the new resolution.
    later = TUESDAY + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        change_status(case=world.case, to="open", by=world.agent)
        resolve_case(case=world.case, by=world.agent)
    assert Survey.objects.filter(case=world.case, kind=SurveyKind.CSAT).count() == 1
    assert Survey.objects.get(pk=csat.pk).due_at == later + timedelta(hours=24)


def test_the_delay_is_per_channel(world: World, settings: pytest.FixtureRequest) -> None:
    settings.RAPPORT_SURVEY_CSAT_DELAYS = "chat=15m,email=2h,*=1d"  # type: ignore[attr-defined]
    case = open_case(
        customer=world.customer,
        subject="Invoice",
        channel="email",
        text="Could you send me the invoice for last week's visit please?",
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
    csat = helped_and_resolved(world, TUESDAY, case=case)
    assert csat.due_at == TUESDAY + timedelta(hours=2)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("auto", SkipReason.AUTO_RESOLVED),
        ("nobody_wrote", SkipReason.NO_HUMAN_HELP),
        ("spam", SkipReason.SPAM),
        ("short", SkipReason.TOO_SHORT),
        ("outbound_only", SkipReason.OUTBOUND_ONLY),
    ],
)
def test_no_csat_when_no_person_really_helped(world: World, setup: str, reason: str) -> None:
    case = world.case
    with time_machine.travel(TUESDAY, tick=False):
        if setup == "short":
            case = open_case(
                customer=world.customer,
                subject="Thanks",
                channel="email",
                text="thanks!",
                by=None,
                owner=world.agent,
                team=world.clinic,
            )
        if setup == "outbound_only":
            case = start_case(
                by=world.agent,
                customer=world.customer,
                first="outbound_message",
                subject="Vaccination due",
                text="Mila's next vaccination is due this month; shall we book it?",
                channel="email",
                team=world.clinic,
            ).case
        if setup == "spam":
            set_tags(case=case, tags=["spam"], by=world.agent)
        if setup not in {"auto", "nobody_wrote", "outbound_only"}:
            reply(case=case, text="Glad to help.", by=world.agent)
        resolve_case(case=case, by=None if setup == "auto" else world.agent)
    survey = Survey.objects.get(case=case, kind=SurveyKind.CSAT)
    assert survey.status == SurveyStatus.SKIPPED
    assert survey.skip_reason == reason


def test_a_real_call_is_help_however_few_words(world: World) -> None:
    with time_machine.travel(TUESDAY, tick=False):
        case = open_case(
            customer=world.customer,
            subject="Call",
            channel="phone",
            text="Call me",
            by=world.agent,
            owner=world.agent,
            team=world.clinic,
        )
        log_call(
            case=case, by=world.agent, direction="outbound", outcome="reached", duration_seconds=240
        )
        resolve_case(case=case, by=world.agent)
    survey = Survey.objects.get(case=case, kind=SurveyKind.CSAT)
    assert survey.status == SurveyStatus.SCHEDULED and survey.agent_id == world.agent.pk


def test_a_merged_case_gets_no_csat(world: World) -> None:
    other = open_case(
        customer=world.customer,
        subject="Puppy coughing (again)",
        channel="email",
        text="Mila is still coughing at night, what should we do?",
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
    with time_machine.travel(TUESDAY, tick=False):
        reply(case=other, text="Let's handle it on your other case.", by=world.agent)
        merge_cases(source=other, target=world.case, by=world.agent)
    surveys = Survey.objects.filter(case=other, kind=SurveyKind.CSAT)
    assert [s.skip_reason for s in surveys] in ([], [SkipReason.MERGED])


def test_nps_per_relationship_on_its_cadence(world: World) -> None:
    helped_and_resolved(world, TUESDAY)
    nps = Survey.objects.get(customer=world.customer, kind=SurveyKind.NPS)
    assert nps.status == SurveyStatus.SCHEDULED
    # 90 days after the first resolved case, naming the relationship owner (Ben).
    assert nps.due_at == TUESDAY + timedelta(days=90)
    assert nps.agent_id == world.colleague.pk
    # Another resolved case of the same customer does not add a second NPS.
    second = another_case(world)
    helped_and_resolved(world, TUESDAY + timedelta(days=3), case=second)
    assert Survey.objects.filter(customer=world.customer, kind=SurveyKind.NPS).count() == 1
    # Another customer has their own.
    tom = create_customer(
        name="Tom Baker", by=world.agent, identities=[("email", "tom@example.com")]
    )
    toms = open_case(
        customer=tom,
        subject="Limping",
        channel="email",
        text="My dog has been limping since Sunday, can you see him?",
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
    helped_and_resolved(world, TUESDAY, case=toms)
    assert Survey.objects.filter(customer=tom, kind=SurveyKind.NPS).count() == 1
