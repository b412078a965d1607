"""Polling the desk's Bluesky account against a fake PDS on loopback (tests/social/fake_bluesky.py):
mentions, replies and quotes become cases once (by the post's at:// address), the session is
made once and refreshed on expiry, pages are walked to the cursor, a rate limit waits for its
reset, and a 5xx or an answer that is not JSON is reported with the cursor kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from rapport.cases.models import Case
from rapport.jobs.scheduler import run_sweeps
from rapport.people.models import Identity
from rapport.social import bluesky, mastodon
from rapport.social.models import MastodonCursor, SocialPost
from rapport.social.polling import poll_bluesky
from tests.social.fake_bluesky import RESET, FakeBluesky
from tests.social.fake_mastodon import Failure

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def poll(at: datetime = NOW) -> tuple[list[int], list[int], list[int], str]:
    [polled] = poll_bluesky(now=at)
    return polled.new_cases, polled.threaded, polled.duplicates, polled.error


def test_mentions_replies_and_quotes_become_cases_and_likes_do_not(pds: FakeBluesky) -> None:
    pds.notify("@clinic.bsky.social my booking vanished", handle="maria.bsky.social")
    pds.notify("liked", reason="like", handle="zoe.bsky.social")
    pds.notify("Avoid this clinic", reason="quote", handle="tom.bsky.social", display_name="")
    pds.notify("follow", reason="follow", handle="ann.bsky.social")

    new, threaded, duplicates, error = poll()

    assert not error and len(new) == 2 and not threaded and not duplicates
    maria = SocialPost.objects.get(author_handle="maria.bsky.social")
    assert maria.platform == "bluesky" and maria.source == "poll"
    assert maria.post_id == "at://did:plc:maria/app.bsky.feed.post/3lpost00001"
    assert maria.url == "https://bsky.app/profile/maria.bsky.social/post/3lpost00001"
    assert maria.text == "@clinic.bsky.social my booking vanished"
    assert maria.posted_at == datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
    assert Identity.objects.filter(value="bluesky:maria.bsky.social").exists()
    assert maria.case is not None and "public" in maria.case.tags
    # Polled again: nothing new (the one at the cursor is read again, and is a duplicate).
    again_new, _, again_dup, _ = poll(NOW + timedelta(minutes=1))
    assert not again_new and len(again_dup) <= 1
    assert SocialPost.objects.count() == 2
    assert pds.sessions == 1  # signed in once, the session kept between polls


def test_a_reply_threads_into_the_case_of_the_post_it_answers(pds: FakeBluesky) -> None:
    first = pds.notify("@clinic.bsky.social charged twice")
    poll()
    pds.notify("still nothing", reason="reply", reply_to=first)

    new, threaded, _, error = poll(NOW + timedelta(minutes=1))

    assert not error and not new and len(threaded) == 1
    reply = SocialPost.objects.order_by("pk").last()
    assert reply is not None and reply.in_reply_to == first["uri"]
    assert reply.case == SocialPost.objects.get(post_id=first["uri"]).case


def test_pages_are_walked_down_to_the_cursor(
    pds: FakeBluesky, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bluesky, "PAGE_SIZE", 2)
    pds.notify("@clinic.bsky.social first", handle="old.bsky.social")
    poll()
    for n in range(5):
        pds.notify(f"@clinic.bsky.social number {n}", handle=f"c{n}.bsky.social")
    pds.requests.clear()

    new, _, _, error = poll(NOW + timedelta(minutes=1))

    assert not error and len(new) == 5
    assert len(pds.requests) == 3  # 5 new and the cursor's own: three pages of two
    assert "cursor=2" in pds.requests[1] and "reasons=mention" in pds.requests[0]
    newest = SocialPost.objects.order_by("-posted_at").first()
    assert newest is not None and newest.author_handle == "c4.bsky.social"
    newest_at = pds.notifications[-1]["indexedAt"]  # "...T08:07:00Z": the cursor, fixed width
    assert MastodonCursor.objects.get().since_id == newest_at.replace("Z", ".000000Z")


def test_an_expired_access_token_is_refreshed_once(pds: FakeBluesky) -> None:
    pds.notify("@clinic.bsky.social one")
    poll()
    pds.expire_access()
    pds.notify("@clinic.bsky.social two", handle="ben.bsky.social")

    new, _, _, error = poll(NOW + timedelta(minutes=1))

    assert not error and len(new) == 1
    assert (pds.sessions, pds.refreshes) == (1, 1)


def test_a_refresh_token_that_expired_too_signs_in_again(pds: FakeBluesky) -> None:
    poll()
    pds.expire_access()
    pds.refresh = "revoked-elsewhere"
    pds.notify("@clinic.bsky.social three")

    new, _, _, error = poll(NOW + timedelta(minutes=1))

    assert not error and len(new) == 1 and pds.sessions == 2


def test_a_wrong_app_password_is_reported(pds: FakeBluesky, settings: Settings) -> None:
    settings.RAPPORT_BLUESKY_APP_PASSWORD = "wrong"
    pds.notify()
    err = StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("social_poll", stdout=StringIO(), stderr=err)
    assert "refused it (401: AuthenticationRequired: Invalid identifier or password)" in (
        err.getvalue()
    )
    assert not SocialPost.objects.exists()


@pytest.mark.parametrize(
    "failure",
    [
        Failure(status=502),
        Failure(status=200, body="<html>Maintenance</html>"),
        Failure(status=200, body='{"notifications": "soon"}', content_type="application/json"),
    ],
    ids=["5xx", "html", "not-a-list"],
)
def test_a_bad_answer_is_reported_and_the_cursor_kept(pds: FakeBluesky, failure: Failure) -> None:
    pds.notify("@clinic.bsky.social one")
    poll()
    kept = MastodonCursor.objects.get().since_id
    pds.notify("@clinic.bsky.social two", handle="ben.bsky.social")
    pds.fail_next(failure)

    new, _, _, error = poll(NOW + timedelta(minutes=1))

    assert error and not new
    assert MastodonCursor.objects.get().since_id == kept
    out = StringIO()
    call_command("social_poll", "--status", stdout=out)
    assert "last error" in out.getvalue()
    # The PDS is back: the same post, taken in once.
    new, _, _, error = poll(NOW + timedelta(minutes=2))
    assert not error and len(new) == 1
    assert SocialPost.objects.filter(author_handle="ben.bsky.social").count() == 1


def test_a_rate_limit_waits_for_its_reset(pds: FakeBluesky) -> None:
    pds.notify("@clinic.bsky.social one")
    pds.remaining = 1  # this answer leaves none

    new, _, _, _ = poll()

    assert len(new) == 1
    assert MastodonCursor.objects.get().resume_at == RESET
    pds.notify("@clinic.bsky.social two", handle="ben.bsky.social")
    pds.requests.clear()
    [skipped] = poll_bluesky(now=NOW + timedelta(minutes=1))
    assert skipped.skipped.startswith("rate limited") and not pds.requests
    pds.remaining = 100
    new, _, _, error = poll(RESET + timedelta(seconds=1))
    assert not error and len(new) == 1


def test_a_429_is_a_wait_not_a_failure(pds: FakeBluesky) -> None:
    poll()
    pds.remaining = 0
    [polled] = poll_bluesky(now=NOW + timedelta(minutes=1))
    assert polled.resume_at == RESET and not polled.failed


def test_the_worker_polls_bluesky_on_its_interval(pds: FakeBluesky) -> None:
    pds.notify("@clinic.bsky.social from the worker")
    first = run_sweeps(now=NOW)["social_bluesky"]
    run_sweeps(now=NOW + timedelta(seconds=30))  # within RAPPORT_BLUESKY_POLL_SECONDS: no poll
    assert len(first["new_cases"]) == 1
    assert pds.requests.count(pds.requests[0]) == 1
    assert Case.objects.filter(origin_channel="social").count() == 1


def test_a_long_handle_is_taken_in_and_does_not_stop_the_poll(pds: FakeBluesky) -> None:
    # A Bluesky handle is a domain name (up to 253 characters): 68 here, a real one's length.
    long = "customer-care-for-the-whole-family.households.example-cooperative.org"
    pds.notify("@clinic.bsky.social where is my refund", handle=long)
    pds.notify("@clinic.bsky.social and mine", handle="zoe.bsky.social")

    new, _, _, error = poll()

    assert not error and len(new) == 2
    assert Identity.objects.filter(value=f"bluesky:{long}").exists()


def test_a_null_byte_in_a_post_is_dropped_not_a_crash(pds: FakeBluesky) -> None:
    pds.notify("@clinic.bsky.social refund\x00 please", display_name="Ma\x00ria")

    new, _, _, error = poll()

    assert not error and len(new) == 1
    post = SocialPost.objects.get()
    assert post.text == "@clinic.bsky.social refund please" and post.author_name == "Maria"


def test_accounts_whose_handle_no_longer_verifies_stay_two_people(pds: FakeBluesky) -> None:
    """Bluesky shows every such account as "handle.invalid": matched by that, two strangers
    became one customer and a reply on the case would answer the other's post."""
    pds.notify("@clinic.bsky.social my dog is limping", handle="handle.invalid", did="did:plc:aaa")
    pds.notify("@clinic.bsky.social billed twice", handle="handle.invalid", did="did:plc:bbb")

    new, threaded, _, error = poll()

    assert not error and len(new) == 2 and not threaded
    cases = Case.objects.filter(pk__in=new)
    assert len({case.customer_id for case in cases}) == 2
    assert set(
        Identity.objects.filter(value__startswith="bluesky:did.").values_list("value", flat=True)
    ) == {
        "bluesky:did.plc.aaa",
        "bluesky:did.plc.bbb",
    }
    post = SocialPost.objects.get(text__contains="limping")
    assert post.url == "https://bsky.app/profile/did:plc:aaa/post/3lpost00001"


def test_a_changed_handle_is_the_same_customer_and_a_reused_one_is_not(pds: FakeBluesky) -> None:
    """Matched by the author's DID: Maria renamed posts on her case; the handle she gave up,
    taken by another account, opens that person's own case."""
    pds.notify("@clinic.bsky.social my booking vanished", did="did:plc:maria")
    poll()
    maria = SocialPost.objects.get()
    pds.notify("@clinic.bsky.social any news?", handle="maria-l.bsky.social", did="did:plc:maria")
    pds.notify("@clinic.bsky.social hi", handle="maria.bsky.social", did="did:plc:stranger")

    new, threaded, _, error = poll(NOW + timedelta(minutes=1))

    assert not error and len(new) == 1 and len(threaded) == 1
    assert threaded == [maria.case_id]
    renamed = SocialPost.objects.get(text__contains="any news")
    assert (renamed.case, renamed.customer) == (maria.case, maria.customer)
    assert renamed.author_id == "did:plc:maria"
    stranger = SocialPost.objects.get(author_id="did:plc:stranger")
    assert stranger.customer != maria.customer and stranger.case_id == new[0]
    assert Identity.objects.get(value="bluesky:maria-l.bsky.social").customer == maria.customer
    assert Identity.objects.get(value="bluesky:maria.bsky.social").customer == stranger.customer


def test_an_endless_or_trickled_answer_is_cut_and_the_cursor_kept(
    pds: FakeBluesky, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile or broken PDS cannot hold the worker or its memory: past 8 MiB, or past the
    whole answer's deadline however steadily the bytes come, the poll is reported, cursor kept."""
    pds.notify("@clinic.bsky.social one")
    poll()
    kept = MastodonCursor.objects.get().since_id
    pds.notify("@clinic.bsky.social two", handle="ben.bsky.social")
    huge = '{"notifications": [' + " " * (9 * 1024 * 1024) + "]}"
    pds.fail_next(Failure(status=200, body=huge, content_type="application/json"))

    new, _, _, error = poll(NOW + timedelta(minutes=1))

    assert not new and "more than 8,388,608 bytes" in error
    monkeypatch.setattr(mastodon, "ANSWER_SECONDS", 0.5)
    slow = '{"notifications": [], "cursor": null}'  # one byte every 0.05 s: about 2 s in all
    pds.fail_next(Failure(status=200, body=slow, content_type="application/json", trickle=0.05))

    new, _, _, error = poll(NOW + timedelta(minutes=2))

    assert not new and "took over 0 s to answer" in error
    assert MastodonCursor.objects.get().since_id == kept
    new, _, _, error = poll(NOW + timedelta(minutes=3))  # the PDS answers properly again
    assert not error and len(new) == 1


def test_a_post_dated_in_the_past_by_its_author_counts_from_when_bluesky_saw_it(
    pds: FakeBluesky,
) -> None:
    # A record's createdAt is whatever its author's app writes; the network indexed it now.
    pds.notify(
        "@clinic.bsky.social hello from last spring",
        at=NOW - timedelta(minutes=2),
        claimed=NOW - timedelta(days=300),
    )
    pds.notify(
        "@clinic.bsky.social my clock is slow",
        handle="ben.bsky.social",
        at=NOW - timedelta(minutes=1),
        claimed=NOW - timedelta(minutes=4),
    )

    new, _, _, error = poll()

    assert not error and len(new) == 2
    maria = SocialPost.objects.get(author_handle="maria.bsky.social")
    assert maria.posted_at == NOW - timedelta(minutes=2)
    assert maria.message is not None and maria.message.created_at == NOW - timedelta(minutes=2)
    assert maria.case is not None and maria.case.created_at == NOW - timedelta(minutes=2)
    assert maria.case.first_response_due_at is not None
    assert maria.case.first_response_due_at > NOW  # not overdue the moment it arrives
    # A few minutes' skew of the author's clock is kept as they wrote it.
    ben = SocialPost.objects.get(author_handle="ben.bsky.social")
    assert ben.posted_at == NOW - timedelta(minutes=4)
