"""`rapport social-poll` and the worker's sweep against a fake Mastodon instance on loopback:
mentions become cases once, the cursor moves only past what was taken in, a rate limit waits
for its Reset time, and a 5xx or an answer that is not JSON is reported with nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from rapport.cases.models import Case, Message
from rapport.jobs.scheduler import run_sweeps
from rapport.people.models import Identity
from rapport.social import mastodon
from rapport.social.models import MastodonCursor, SocialPost
from rapport.social.polling import poll_accounts
from tests.social.fake_mastodon import RESET, Failure, FakeMastodon

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def cursor() -> MastodonCursor:
    return MastodonCursor.objects.get()


def start_listening(fake: FakeMastodon) -> str:
    """The first poll: it starts from the newest mention (the account's history stays there)."""
    first = fake.mention("<p>@brand old news</p>", acct="zoe@elsewhere.example")
    [polled] = poll_accounts(now=NOW)
    assert polled.cursor == first["id"] and not polled.error
    return str(first["id"])


def test_mentions_across_three_pages_become_cases_once(
    fake: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = start_listening(fake)
    monkeypatch.setattr(mastodon, "PAGE_SIZE", 2)
    people = [f"p{n}@elsewhere.example" for n in range(5)]
    for n, acct in enumerate(people):
        fake.mention(f"<p>@brand parcel {n} is late</p>", acct=acct, display_name=f"P {n}")
    fake.requests.clear()

    [polled] = poll_accounts(now=NOW)

    assert len(polled.new_cases) == 5 and not polled.error
    assert len(fake.requests) == 3  # 2 + 2 + 1 (the third page reaches the cursor)
    assert f"since_id={start}" in fake.requests[0]
    assert polled.cursor == fake.notifications[-1]["id"] == cursor().since_id
    posts = SocialPost.objects.filter(source="poll").exclude(
        post_id=fake.notifications[0]["status"]["id"]
    )
    assert sorted(p.author_handle for p in posts) == sorted(people)
    assert {p.platform for p in posts} == {"mastodon"}
    # The customer's handle is their identity: "mastodon:<user@instance>".
    assert Identity.objects.filter(kind="social", value="mastodon:p3@elsewhere.example").exists()

    fake.requests.clear()
    [again] = poll_accounts(now=NOW + timedelta(minutes=1))
    assert again.taken == 0 and len(fake.requests) == 1
    assert f"since_id={polled.cursor}" in fake.requests[0]
    assert Case.objects.filter(origin_channel="social").count() == 6


def test_the_html_of_a_post_is_stored_as_text(fake: FakeMastodon) -> None:
    start_listening(fake)
    fake.mention(
        '<p><span class="h-card"><a href="https://social.example/@brand" class="u-url mention">'
        "@<span>brand</span></a></span> refund&nbsp;please<br>"
        '<img src="https://tracker.example/x.png" onerror="alert(1)">order 42</p>'
        "<script>steal()</script>",
        acct="carla@elsewhere.example",
    )
    [polled] = poll_accounts(now=NOW)
    post = SocialPost.objects.get(author_handle="carla@elsewhere.example")
    assert post.text == "@brand refund\xa0please\norder 42"
    message = post.message
    assert message is not None and "<" not in message.text and "steal" not in message.text
    assert polled.new_cases == [post.case_id]


def test_a_local_account_keeps_its_instance_in_the_handle(fake: FakeMastodon) -> None:
    start_listening(fake)
    fake.mention("<p>@brand hi</p>", acct="dan")
    poll_accounts(now=NOW)
    host = fake.url.split("//")[1].split(":")[0]
    assert SocialPost.objects.filter(author_handle=f"dan@{host}").exists()


def test_an_answer_to_an_earlier_post_threads_into_its_case(fake: FakeMastodon) -> None:
    start_listening(fake)
    first = fake.mention("<p>@brand my card was charged twice</p>", acct="eve@elsewhere.example")
    poll_accounts(now=NOW)
    fake.mention(
        "<p>@brand still nothing, two days later</p>",
        acct="eve@elsewhere.example",
        in_reply_to_id=first["status"]["id"],
    )
    [polled] = poll_accounts(now=NOW + timedelta(minutes=2))
    assert polled.threaded and not polled.new_cases
    posts = SocialPost.objects.filter(author_handle="eve@elsewhere.example").order_by("pk")
    assert [p.case_id for p in posts] == [posts[0].case_id] * 2
    assert posts[1].in_reply_to == first["status"]["id"]
    assert Message.objects.filter(case=posts[0].case, direction="in").count() == 2


def test_an_account_is_matched_by_its_id_before_its_acct(fake: FakeMastodon) -> None:
    """A renamed account (a new `acct`, the same id on the instance) posts on its own case; an
    acct given up and taken by another account (another id) is someone else."""
    start_listening(fake)
    first = fake.mention("<p>@brand my parcel</p>", acct="ann@elsewhere.example")
    account_id = first["account"]["id"]
    [polled] = poll_accounts(now=NOW)
    ann = SocialPost.objects.get(post_id=first["status"]["id"])
    desk = urlsplit(fake.url).hostname  # the id is the one the desk's instance gives the account
    assert ann.author_id == f"{account_id}@{desk}"
    fake.mention("<p>@brand still late</p>", acct="annie@elsewhere.example", account_id=account_id)
    other = fake.mention("<p>@brand hello</p>", acct="ann@elsewhere.example", account_id="777")

    [polled] = poll_accounts(now=NOW + timedelta(minutes=1))

    assert not polled.error and polled.threaded == [ann.case_id] and len(polled.new_cases) == 1
    renamed = SocialPost.objects.get(author_handle="annie@elsewhere.example")
    assert (renamed.case, renamed.customer) == (ann.case, ann.customer)
    stranger = SocialPost.objects.get(post_id=other["status"]["id"])
    assert stranger.customer != ann.customer and stranger.author_id == f"777@{desk}"
    assert Identity.objects.get(value="mastodon:annie@elsewhere.example").customer == ann.customer


def test_a_5xx_is_reported_and_the_cursor_kept(fake: FakeMastodon) -> None:
    start = start_listening(fake)
    fake.mention("<p>@brand help</p>")
    fake.fail_next(Failure(status=503))
    err = StringIO()
    with pytest.raises(CommandError, match="cursor is kept"):
        call_command("social_poll", stdout=StringIO(), stderr=err)
    assert "answered 503" in err.getvalue() and "FAILED" in err.getvalue()
    assert cursor().since_id == start and "503" in cursor().error
    status = StringIO()
    call_command("social_poll", "--status", stdout=status)
    assert f"cursor {start}" in status.getvalue()
    assert "last error (" in status.getvalue() and "answered 503" in status.getvalue()
    assert not SocialPost.objects.filter(author_handle="alice@elsewhere.example").exists()

    out = StringIO()
    call_command("social_poll", stdout=out)  # the instance is back: the same mention, once
    assert "1 mention(s): 1 new case(s)" in out.getvalue()
    assert SocialPost.objects.filter(author_handle="alice@elsewhere.example").count() == 1
    assert cursor().error == ""


def test_malformed_json_is_reported_and_the_cursor_kept(fake: FakeMastodon) -> None:
    start = start_listening(fake)
    fake.mention("<p>@brand help</p>")
    fake.fail_next(Failure(status=200, body='[{"id": "1", "type": "mention", "status": {'))
    [polled] = poll_accounts(now=NOW)
    assert polled.failed and "not JSON" in polled.error
    assert cursor().since_id == start
    [polled] = poll_accounts(now=NOW + timedelta(minutes=1))
    assert len(polled.new_cases) == 1 and cursor().since_id == fake.notifications[-1]["id"]


def test_a_timeout_is_reported_and_the_cursor_kept(
    fake: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = start_listening(fake)
    monkeypatch.setattr(mastodon, "TIMEOUT", (2.0, 0.5))
    fake.fail_next(Failure(status=200, body="[]", delay=2.0))
    [polled] = poll_accounts(now=NOW)
    assert polled.failed and "timed out" in polled.error and cursor().since_id == start


def test_a_rate_limit_waits_for_its_reset(
    fake: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = start_listening(fake)
    monkeypatch.setattr(mastodon, "PAGE_SIZE", 2)
    for n in range(5):
        fake.mention(f"<p>@brand {n}</p>", acct=f"r{n}@elsewhere.example")
    fake.remaining = 1  # one request left in this window: the walk cannot finish
    fake.requests.clear()

    [limited] = poll_accounts(now=NOW)
    assert limited.resume_at == RESET and not limited.failed and limited.taken == 0
    assert cursor().since_id == start and cursor().resume_at == RESET
    assert len(fake.requests) == 1

    [waiting] = poll_accounts(now=RESET - timedelta(seconds=1))
    assert waiting.skipped.startswith("rate limited") and len(fake.requests) == 1

    fake.remaining = 300  # the window was reset
    [polled] = poll_accounts(now=RESET + timedelta(seconds=1))
    assert len(polled.new_cases) == 5 and polled.resume_at is None
    assert cursor().resume_at is None


def test_the_last_request_of_a_window_is_used_then_waited_on(fake: FakeMastodon) -> None:
    start_listening(fake)
    fake.mention("<p>@brand one</p>")
    fake.remaining = 1
    [polled] = poll_accounts(now=NOW)
    assert len(polled.new_cases) == 1 and polled.resume_at == RESET
    assert poll_accounts(now=NOW + timedelta(minutes=1))[0].skipped


def test_a_mention_the_intake_refuses_stops_there_and_is_read_again(
    fake: FakeMastodon, settings: Settings
) -> None:
    start_listening(fake)
    settings.RAPPORT_SOCIAL_MAX_TEXT = 500
    first = fake.mention("<p>@brand short one</p>", acct="f1@elsewhere.example")
    fake.mention(f"<p>@brand {'long ' * 150}</p>", acct="f2@elsewhere.example")
    fake.mention("<p>@brand after it</p>", acct="f3@elsewhere.example")

    [stopped] = poll_accounts(now=NOW)
    assert stopped.failed and "was refused" in stopped.error
    assert len(stopped.new_cases) == 1 and cursor().since_id == first["id"]

    settings.RAPPORT_SOCIAL_MAX_TEXT = 20000
    [polled] = poll_accounts(now=NOW + timedelta(minutes=1))
    assert len(polled.new_cases) == 2 and not polled.duplicates
    assert SocialPost.objects.filter(author_handle__startswith="f").count() == 3


def test_the_worker_polls_no_more_often_than_its_interval(
    fake: FakeMastodon, settings: Settings
) -> None:
    settings.RAPPORT_MASTODON_POLL_SECONDS = 60
    fake.mention("<p>@brand one</p>")
    run_sweeps(now=NOW)
    run_sweeps(now=NOW + timedelta(seconds=30))
    assert len(fake.requests) == 1
    fake.mention("<p>@brand two</p>", acct="gus@elsewhere.example")
    result = run_sweeps(now=NOW + timedelta(seconds=61))["social_mastodon"]
    assert len(fake.requests) == 2 and len(result["new_cases"]) == 1


def test_the_command_says_when_nothing_is_set_up(settings: Settings, db: None) -> None:
    settings.RAPPORT_MASTODON_URL = ""
    with pytest.raises(CommandError, match="RAPPORT_MASTODON_URL"):
        call_command("social_poll")


@pytest.mark.parametrize(
    ("claimed", "counted"),
    [
        (timedelta(days=300), timedelta(minutes=2)),  # a year back: from when the desk was told
        (timedelta(minutes=4), timedelta(minutes=4)),  # a slow clock's minutes are believed
    ],
)
def test_a_status_its_instance_dates_in_the_past_counts_from_when_the_desk_was_told(
    fake: FakeMastodon, claimed: timedelta, counted: timedelta
) -> None:
    start_listening(fake)
    # A remote instance says when its status was written; the desk's was told two minutes ago.
    fake.mention("<p>@brand hi</p>", at=NOW - timedelta(minutes=2), claimed=NOW - claimed)
    poll_accounts(now=NOW)
    post = SocialPost.objects.get(author_handle="alice@elsewhere.example")
    assert post.posted_at == NOW - counted
    assert post.case is not None and post.case.created_at == NOW - counted
