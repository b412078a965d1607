"""The public survey page: a GET shows the question and records nothing (link scanners); the
answer is a POST with the page's CSRF token; forged links find nothing; rate-limited; a bad
score becomes the relationship owner's callback, a promoter gets the thank-you."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import mail
from django.test import Client

from rapport.care.models import Promise, PromiseKind
from rapport.care.selectors import calls_due
from rapport.cases.models import CaseEvent, Notification
from rapport.datacare.actions.erasure import erase_customer
from rapport.surveys.links import survey_url
from rapport.surveys.models import Survey, SurveyKind, SurveyOptOut, SurveyStatus
from tests.conftest import World
from tests.surveys.conftest import helped_and_resolved, sweep_at

RESOLVED = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)  # Tuesday, noon in Madrid
SENT = RESOLVED + timedelta(hours=24)


def sent_csat(world: World) -> Survey:
    csat = helped_and_resolved(world, RESOLVED)
    sweep_at(SENT)
    return Survey.objects.get(pk=csat.pk)


# The NPS goes out 90 days after the first resolved case.
SENT_NPS = RESOLVED + timedelta(days=90, hours=1)


def sent_nps(world: World) -> Survey:
    helped_and_resolved(world, RESOLVED)
    sweep_at(SENT)  # the CSAT first: the NPS comes 90 days later, past any cool-down
    nps = Survey.objects.get(customer=world.customer, kind=SurveyKind.NPS)
    sweep_at(nps.due_at)
    return Survey.objects.get(pk=nps.pk)


def path(survey: Survey) -> str:
    return urlparse(survey_url(survey)).path


def test_get_shows_the_question_and_records_nothing(world: World) -> None:
    survey = sent_csat(world)
    events = CaseEvent.objects.count()
    client = Client()
    for query in ("", "?score=1", "?score=5&comment=spam"):
        with time_machine.travel(SENT + timedelta(hours=1), tick=False):
            page = client.get(path(survey) + query)
        assert page.status_code == 200
        assert b"Dr. Ana Ortiz" in page.content and b"Puppy coughing at night" in page.content
    head = client.head(path(survey))
    assert head.status_code == 200
    fresh = Survey.objects.get(pk=survey.pk)
    assert fresh.status == SurveyStatus.SENT and fresh.score is None
    assert CaseEvent.objects.count() == events and not Promise.objects.exists()
    # The one-click score from the mail only preselects the choice.
    page = client.get(path(survey) + "?score=4")
    assert re.search(rb'value="4" required checked', page.content)


def test_the_answer_is_a_post_with_the_pages_csrf_token(world: World) -> None:
    survey = sent_csat(world)
    client = Client(enforce_csrf_checks=True)
    refused = client.post(path(survey), {"score": "5"})
    assert refused.status_code == 403
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.SENT
    page = client.get(path(survey))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    with time_machine.travel(SENT + timedelta(hours=2), tick=False):
        answered = client.post(
            path(survey),
            {
                "csrfmiddlewaretoken": token[1].decode(),
                "score": "5",
                "comment": "<script>alert(1)</script> so kind",
                "thank": "Ana",
            },
        )
    assert answered.status_code == 200 and b"Thank you" in answered.content
    fresh = Survey.objects.get(pk=survey.pk)
    assert (fresh.status, fresh.score, fresh.thank) == (SurveyStatus.ANSWERED, 5, "Ana")
    assert fresh.answered_at == SENT + timedelta(hours=2) and fresh.follow_up_promise is None
    # Answering again changes nothing and says so.
    again = client.post(path(survey), {"csrfmiddlewaretoken": token[1].decode(), "score": "1"})
    assert b"already have your answer" in again.content
    assert Survey.objects.get(pk=survey.pk).score == 5


def test_a_score_outside_the_scale_is_refused_and_nothing_recorded(world: World) -> None:
    survey = sent_csat(world)
    for bad in ("0", "6", "x", ""):
        with time_machine.travel(SENT + timedelta(hours=1), tick=False):
            page = Client().post(path(survey), {"score": bad, "comment": "kept"})
        assert page.status_code == 400
        assert b"kept" in page.content
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.SENT


def test_forged_unsent_and_closed_links_show_nothing_of_the_case(world: World) -> None:
    survey = sent_csat(world)
    forged = path(survey).replace("/s/", "/s/x")
    tampered = re.sub(r":[^:/]+/$", ":AAAA/", path(survey))
    for url in (forged, tampered, "/surveys/s/1/"):
        page = Client().get(url)
        assert page.status_code == 404 and b"Puppy" not in page.content
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.EXPIRED)
    page = Client().post(path(survey), {"score": "5"})
    assert page.status_code == 410 and b"Puppy" not in page.content
    # Scheduled (not sent yet) is not there either.
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.SCHEDULED)
    assert Client().get(path(survey)).status_code == 404


def test_past_its_answer_period_an_answer_is_not_recorded(world: World) -> None:
    survey = sent_csat(world)
    with time_machine.travel(SENT + timedelta(days=14, minutes=1), tick=False):
        page = Client().post(path(survey), {"score": "5"})
    assert page.status_code == 409 and b"closed" in page.content
    assert Survey.objects.get(pk=survey.pk).score is None


def test_answers_are_rate_limited(world: World, settings: pytest.FixtureRequest) -> None:
    settings.RAPPORT_RATE_SURVEY = "3/h"  # type: ignore[attr-defined]
    survey = sent_csat(world)
    client = Client()
    with time_machine.travel(SENT + timedelta(hours=1), tick=False):
        codes = [client.post(path(survey), {"score": "9"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def test_a_bad_csat_is_a_callback_by_the_relationship_owner_within_a_day(world: World) -> None:
    survey = sent_csat(world)
    answered_at = SENT + timedelta(hours=1)
    with time_machine.travel(answered_at, tick=False):
        Client().post(
            path(survey), {"score": "2", "comment": "Nobody told me about the side effects"}
        )
    fresh = Survey.objects.get(pk=survey.pk)
    promise = fresh.follow_up_promise
    assert promise is not None
    # Maria's relationship owner is Ben (not Ana who helped); Ben works around the clock.
    assert promise.kind == PromiseKind.CALLBACK and promise.owner_id == world.colleague.pk
    assert promise.due_at == answered_at
    assert promise.window_end == answered_at + timedelta(hours=24)
    assert "2/5" in promise.purpose and "side effects" in promise.script
    assert promise in calls_due(world.colleague, now=answered_at)
    # The customer is told who will call and by when, on their own clock.
    page = Client().get(path(survey))
    assert b"Dr. Ben Hale will call you to put it right, by Thursday 14 May, 13:00" in page.content
    assert Notification.objects.filter(agent=world.colleague, kind="callback_booked").exists()
    assert CaseEvent.objects.filter(case=world.case, kind="survey_answered").count() == 1


def test_the_callback_falls_in_the_owners_site_hours(world: World) -> None:
    world.colleague.site = world.night_site
    world.colleague.timezone = "Europe/Madrid"
    world.colleague.working_hours = {
        d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    world.colleague.save()
    survey = sent_csat(world)
    # Wednesday 20:00 in Madrid: after hours; Ben is next in Thursday 09:00, and the last
    # working moment within 24 hours is Thursday 17:00... past the deadline of 20:00 => 17:00.
    answered_at = datetime(2026, 5, 13, 18, 0, tzinfo=UTC)
    with time_machine.travel(answered_at, tick=False):
        Client().post(path(survey), {"score": "1"})
    promise = Survey.objects.get(pk=survey.pk).follow_up_promise
    assert promise is not None
    assert promise.due_at == datetime(2026, 5, 14, 7, 0, tzinfo=UTC)
    assert promise.window_end == datetime(2026, 5, 14, 15, 0, tzinfo=UTC)


def test_a_promoter_is_thanked_naming_the_agent_with_a_referral_link(
    world: World, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RAPPORT_SURVEY_REFERRAL_LINKS = True  # type: ignore[attr-defined]
    nps = sent_nps(world)
    assert nps.status == SurveyStatus.SENT
    with time_machine.travel(SENT_NPS, tick=False):
        page = Client().get(path(nps))
        assert b"main reason" in page.content and b"who referred you" in page.content
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(
                path(nps),
                {"score": "10", "comment": "Ana was wonderful", "heard_from": "My sister"},
            )
    fresh = Survey.objects.get(pk=nps.pk)
    assert fresh.heard_from == "My sister" and fresh.thank_you is not None
    assert fresh.follow_up_promise is None
    [thanks] = [m for m in mail.outbox if "Thank you for telling us" in m.body]
    assert "Dr. Ben Hale" in thanks.body and "/surveys/r/" in thanks.body
    assert Notification.objects.filter(agent=world.colleague, kind="survey_praise").exists()


def test_dont_ask_me_again_is_recorded(world: World) -> None:
    survey = sent_csat(world)
    assert Client().get(path(survey) + "stop/").status_code == 405
    with time_machine.travel(SENT + timedelta(hours=1), tick=False):
        page = Client().post(path(survey) + "stop/")
    assert page.status_code == 200 and b"We will not send you surveys" in page.content
    assert SurveyOptOut.objects.get(customer=world.customer).via == "the survey page"


def test_an_nps_detractor_is_called_back(world: World) -> None:
    nps = sent_nps(world)
    with time_machine.travel(SENT_NPS, tick=False):
        Client().post(path(nps), {"score": "6", "comment": "Too expensive"})
    promise = Survey.objects.get(pk=nps.pk).follow_up_promise
    assert promise is not None and promise.owner_id == world.colleague.pk
    assert "NPS 6/10" in promise.purpose


def test_erasing_the_customer_erases_their_words_in_answers(world: World) -> None:
    survey = sent_csat(world)
    with time_machine.travel(SENT + timedelta(hours=1), tick=False):
        Client().post(
            path(survey), {"score": "4", "comment": "Mila loves Dr. Ortiz", "thank": "Ana"}
        )
    erase_customer(customer=world.customer, by=world.supervisor, via="test")
    erased = Survey.objects.get(pk=survey.pk)
    assert (erased.score, erased.comment, erased.thank) == (4, "", "")
    nps = Survey.objects.get(customer=world.customer, kind=SurveyKind.NPS)
    assert nps.status == SurveyStatus.SKIPPED
