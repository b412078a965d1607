"""The surveys card on the case and customer pages, the results page, and "Send now"."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.care.actions.word_of_mouth import record_word_of_mouth
from rapport.surveys.models import Survey, SurveyKind, SurveyStatus
from tests.conftest import World
from tests.surveys.conftest import helped_and_resolved
from tests.workspace.helpers import assert_login_required

RESOLVED = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def test_the_case_page_shows_the_customers_surveys_in_constant_queries(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/"
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    html = page.content.decode()
    assert f'data-survey-id="{csat.pk}" data-survey-status="scheduled"' in html
    assert "naming Dr. Ana Ortiz" in html and "Send now" not in html
    for _ in range(6):
        Survey.objects.create(
            kind=SurveyKind.NPS,
            customer=world.customer,
            case=world.case,
            agent=world.colleague,
            status=SurveyStatus.ANSWERED,
            score=9,
            due_at=RESOLVED,
            sent_at=RESOLVED,
            answered_at=RESOLVED,
        )
    record_word_of_mouth(by=world.agent, referrer=world.customer, referred_text="Her sister")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "1 recommendation" in page.content.decode()


def test_a_supervisor_sends_now_from_the_case_page(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    sam = world.client_for(world.supervisor)
    page = sam.get(f"/cases/{world.case.pk}/")
    assert f'data-survey-send-now="{csat.pk}"' in page.content.decode()
    assert world.client_for(world.agent).post(f"/surveys/{csat.pk}/send-now/").status_code == 403
    assert world.client_for(world.outsider).post(f"/surveys/{csat.pk}/send-now/").status_code == 403
    answer = sam.post(f"/surveys/{csat.pk}/send-now/", follow=True)
    assert answer.status_code == 200
    assert Survey.objects.get(pk=csat.pk).status in (SurveyStatus.SENT, SurveyStatus.SCHEDULED)


def test_results_page_for_supervisors_and_agents(world: World) -> None:
    helped_and_resolved(world, RESOLVED)
    Survey.objects.filter(case=world.case, kind="csat").update(
        status=SurveyStatus.ANSWERED, score=5, sent_at=RESOLVED, answered_at=RESOLVED
    )
    page = world.client_for(world.supervisor).get("/surveys/results/").content.decode()
    assert 'id="figure-csat">100.0%' in page and "By agent" in page
    assert f'data-agent-id="{world.agent.pk}"' in page
    mine = world.client_for(world.agent).get("/surveys/results/").content.decode()
    assert 'id="figure-csat">100.0%' in mine and "By agent" not in mine
    other = world.client_for(world.outsider).get("/surveys/results/").content.decode()
    assert 'id="figure-csat">—' in other
    assert_login_required("/surveys/results/")
