"""The Mastodon client against a fake instance on loopback that speaks the documented API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from rapport.social.mastodon import (
    Malformed,
    Mastodon,
    RateLimited,
    Refused,
    Unavailable,
    newer,
)
from tests.social.fake_mastodon import RESET, Failure, FakeMastodon


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeMastodon]:
    yield FakeMastodon(httpserver)


def client(fake: FakeMastodon, **kwargs: object) -> Mastodon:
    return Mastodon(fake.url, fake.token, **kwargs)  # type: ignore[arg-type]


def test_reads_every_page_down_to_the_cursor_oldest_first(fake: FakeMastodon) -> None:
    cursor = fake.mention("<p>already read</p>")["id"]
    texts = [f"<p>number {n}</p>" for n in range(7)]
    for text in texts:
        fake.mention(text)
    fake.mention("<p>boosted</p>", kind="reblog")  # not a mention: never asked for

    read = client(fake).mentions(since_id=cursor, page_size=3)

    assert [m.text for m in read.mentions] == [f"number {n}" for n in range(7)]
    assert read.pages == 3  # 3 + 3 + 1 (the third reaches the cursor: no fourth request)
    assert read.newest_id == fake.notifications[-2]["id"]
    first, second, third = fake.requests
    assert "types%5B%5D=mention" in first and f"since_id={cursor}" in first
    assert "limit=3" in first
    assert "max_id=" in second and "max_id=" in third and "types%5B%5D=mention" in third


def test_nothing_new_is_one_request(fake: FakeMastodon) -> None:
    cursor = fake.mention()["id"]
    read = client(fake).mentions(since_id=cursor)
    assert read.mentions == [] and read.newest_id == "" and len(fake.requests) == 1


def test_without_a_cursor_only_the_newest_page(fake: FakeMastodon) -> None:
    for n in range(5):
        fake.mention(f"<p>{n}</p>")
    read = client(fake).mentions(since_id="", page_size=2)
    assert [m.text for m in read.mentions] == ["3", "4"]
    assert len(fake.requests) == 1


def test_the_fields_of_a_mention_and_its_html_as_text(fake: FakeMastodon) -> None:
    earlier = fake.mention("<p>first</p>")
    fake.mention(
        '<p><span class="h-card"><a href="https://social.example/@brand" class="u-url mention">'
        "@<span>brand</span></a></span> my order &amp; refund<br>still missing</p>"
        "<p>Day 3 <script>alert(1)</script><b>help</b></p>",
        acct="bob",
        display_name="Bob B.",
        in_reply_to_id=earlier["status"]["id"],
    )
    [mention] = client(fake).mentions(since_id=earlier["id"]).mentions
    assert mention.text == "@brand my order & refund\nstill missing\nDay 3 help"
    assert mention.acct == "bob" and mention.display_name == "Bob B."
    assert mention.in_reply_to_id == earlier["status"]["id"]
    assert mention.url.endswith(f"/@bob/{mention.status_id}")
    assert mention.posted_at.utcoffset() is not None


def test_a_5xx_is_temporary_and_says_so(fake: FakeMastodon) -> None:
    fake.fail_next(Failure(status=502))
    with pytest.raises(Unavailable, match=r"answered 502.*Bad Gateway") as caught:
        client(fake).mentions(since_id="1")
    assert caught.value.temporary


def test_a_5xx_on_a_later_page_drops_the_walk(fake: FakeMastodon) -> None:
    cursor = fake.mention()["id"]
    for _ in range(4):
        fake.mention()
    fake.fail_next(None, Failure(status=503))  # the first page answers, the second does not
    with pytest.raises(Unavailable, match="answered 503"):
        client(fake).mentions(since_id=cursor, page_size=2)
    assert len(fake.requests) == 2


def test_html_instead_of_json_is_malformed(fake: FakeMastodon) -> None:
    fake.fail_next(Failure(status=200, body="<html>maintenance</html>"))
    with pytest.raises(Malformed, match=r"not JSON.*maintenance"):
        client(fake).mentions(since_id="1")


def test_json_that_is_not_notifications_is_malformed(fake: FakeMastodon) -> None:
    fake.fail_next(Failure(status=200, body='{"oops": 1}', content_type="application/json"))
    with pytest.raises(Malformed, match="not a list"):
        client(fake).mentions(since_id="1")
    fake.fail_next(
        Failure(status=200, body='[{"id": "5", "type": "mention", "status": {"id": "6"}}]')
    )
    with pytest.raises(Malformed, match="not one the API documents"):
        client(fake).mentions(since_id="1")
    fake.fail_next(Failure(status=200, body='[{"type": "follow"}]'))
    with pytest.raises(Malformed, match="has no id"):
        client(fake).mentions(since_id="1")


def test_a_timeout_is_temporary(fake: FakeMastodon) -> None:
    fake.fail_next(Failure(status=200, body="[]", delay=2.0))
    with pytest.raises(Unavailable, match="timed out"):
        client(fake, timeout=(2.0, 0.5)).mentions(since_id="1")


def test_a_refused_token_is_permanent(fake: FakeMastodon) -> None:
    api = Mastodon(fake.url, "wrong")
    with pytest.raises(Refused, match="401: The access token is invalid") as caught:
        api.mentions(since_id="1")
    assert not caught.value.temporary


def test_rate_limit_headers_are_read(fake: FakeMastodon) -> None:
    fake.remaining = 5
    read = client(fake).mentions(since_id="1")
    assert read.rate.limit == 300 and read.rate.remaining == 4 and read.rate.reset == RESET


def test_an_exhausted_window_stops_the_walk_before_the_next_page(fake: FakeMastodon) -> None:
    cursor = fake.mention()["id"]
    for _ in range(6):
        fake.mention()
    fake.remaining = 1
    with pytest.raises(RateLimited) as caught:
        client(fake).mentions(since_id=cursor, page_size=2)
    assert caught.value.reset == RESET
    assert len(fake.requests) == 1  # it did not spend a request it knew would be refused


def test_429_says_when(fake: FakeMastodon) -> None:
    fake.remaining = 0
    with pytest.raises(RateLimited, match="429") as caught:
        client(fake).mentions(since_id="1")
    assert caught.value.reset == RESET


def test_the_token_goes_only_to_the_configured_instance(fake: FakeMastodon) -> None:
    """The Link header's host (the instance's web domain, or a proxy's) is never contacted:
    its paging parameters are asked of the configured address."""
    cursor = fake.mention()["id"]
    for _ in range(3):
        fake.mention()
    fake.link_base = "http://127.0.0.2:9"
    read = client(fake).mentions(since_id=cursor, page_size=2)
    assert len(read.mentions) == 3 and len(fake.requests) == 2
    assert "max_id=" in fake.requests[1]


def test_a_next_link_elsewhere_than_the_notifications_is_malformed(fake: FakeMastodon) -> None:
    cursor = fake.mention()["id"]
    for _ in range(3):
        fake.mention()
    fake.link_base = "http://127.0.0.2:9/admin"
    fake.link_path = "/api/v1/accounts"
    with pytest.raises(Malformed, match="not to the notifications"):
        client(fake).mentions(since_id=cursor, page_size=2)


def test_a_reply_with_the_same_key_posts_once(fake: FakeMastodon) -> None:
    to = fake.mention("<p>where is my parcel?</p>", visibility="unlisted")["status"]
    api = client(fake)
    first = api.post_status(
        text="@alice@elsewhere.example On its way!",
        in_reply_to_id=to["id"],
        visibility="unlisted",
        idempotency_key="rapport-message-7",
    )
    again = api.post_status(
        text="@alice@elsewhere.example On its way!",
        in_reply_to_id=to["id"],
        visibility="unlisted",
        idempotency_key="rapport-message-7",
    )
    assert first == again and len(fake.posted) == 1
    [posted] = fake.posted
    assert posted["key"] == "rapport-message-7"
    assert posted["form"] == {
        "status": "@alice@elsewhere.example On its way!",
        "in_reply_to_id": to["id"],
        "visibility": "unlisted",
    }
    assert first.url == f"https://social.example/@brand/{first.id}"


def test_a_refused_reply_is_permanent(fake: FakeMastodon) -> None:
    with pytest.raises(Refused, match="422: Validation failed") as caught:
        client(fake).post_status(
            text="x" * 501, in_reply_to_id="", visibility="public", idempotency_key="k"
        )
    assert caught.value.status == 422


def test_ids_compare_as_numbers() -> None:
    assert newer("110", "99") and not newer("99", "110") and newer("1", "")
    assert not newer("", "1") and not newer("5", "5")
