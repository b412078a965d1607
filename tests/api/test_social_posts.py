"""POST /api/v1/social/posts: an API token or a signed body; the answer exactly
{"outcome", "case_id", "customer_id"}; signatures good, bad, missing, replayed, wrong secret;
hostile input; the rate limit; GET/POST /cases/{id}/social."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from rapport.people.models import Brand
from rapport.social.models import SocialPost, SocialResponse
from rapport.social.signing import sign
from tests.conftest import World

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SECRET = "s3cret-for-tests-only"
URL = "/api/v1/social/posts"
POST = {
    "platform": "mastodon",
    "post_id": "109999",
    "author_handle": "@maria@social.example",
    "author_name": "Maria L.",
    "text": "Three days waiting for my refund.",
    "url": "https://social.example/@maria/109999",
    "posted_at": "2026-12-07T08:58:00Z",
    "in_reply_to": None,
}


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.RAPPORT_SOCIAL_WEBHOOK_SECRET = SECRET


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def signed(
    client: Client, body: dict[str, Any] | bytes, *, secret: str = SECRET, at: datetime = NOW
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(at.timestamp()))
    headers = {
        "X-Rapport-Timestamp": timestamp,
        "X-Rapport-Signature": sign(secret=secret, timestamp=timestamp, body=raw),
    }
    return client.post(URL, raw, content_type="application/json", headers=headers)


def test_a_signed_post_opens_a_case_and_answers_exactly(world: World, clock: Any) -> None:
    response = signed(Client(), POST)

    assert response.status_code == 200, response.content
    post = SocialPost.objects.get()
    assert response.json() == {
        "outcome": "new_case",
        "case_id": post.case_id,
        "customer_id": post.customer_id,
    }
    assert post.source == "webhook"


def test_the_same_post_again_is_a_duplicate(world: World, clock: Any) -> None:
    first = signed(Client(), POST).json()
    again = signed(Client(), POST).json()
    assert again == {**first, "outcome": "duplicate"}


def test_a_reply_of_the_author_threads(world: World, clock: Any) -> None:
    first = signed(Client(), POST).json()
    reply = {**POST, "post_id": "110000", "text": "Any news?", "in_reply_to": "109999"}
    assert signed(Client(), reply).json() == {**first, "outcome": "threaded"}


def test_an_author_id_finds_the_author_after_a_handle_change(world: World, clock: Any) -> None:
    """With `author_id` the author is their account: renamed, the same customer and case; their
    old handle posted by another account, a new customer. Without it, the handle finds them."""
    first = signed(Client(), {**POST, "author_id": "109348@social.example"}).json()
    renamed = {
        **POST,
        "post_id": "110000",
        "author_handle": "@maria.l@social.example",
        "author_id": "109348@social.example",
    }
    assert signed(Client(), renamed).json() == {**first, "outcome": "threaded"}
    assert SocialPost.objects.get(post_id="110000").author_id == "109348@social.example"
    untold = {**POST, "post_id": "110001", "author_handle": "@maria.l@social.example"}
    assert signed(Client(), untold).json() == {**first, "outcome": "threaded"}
    taken = {**POST, "post_id": "110002", "author_id": "555@social.example"}
    stranger = signed(Client(), taken).json()
    assert stranger["outcome"] == "new_case"
    assert stranger["customer_id"] != first["customer_id"]
    bad = signed(Client(), {**POST, "post_id": "110003", "author_id": "has spaces"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "author_id")


def test_a_supervisors_api_token_works_without_a_signature(world: World, clock: Any) -> None:
    token = world.token_for(world.supervisor)
    response = Client().post(
        URL, POST, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "new_case"


def test_an_agents_token_may_not_take_posts_in_for_the_whole_desk(world: World, clock: Any) -> None:
    """A tester's agent token opened a case in another business, and a post reusing another
    business's post id answered with the id of a case that agent gets 404 on."""
    token = world.token_for(world.agent)
    response = Client().post(
        URL, POST, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403, response.content
    assert "supervisor" in response.json()["error"]["message"]
    assert not SocialPost.objects.exists()


def test_no_token_and_no_signature_is_401(world: World, clock: Any) -> None:
    response = Client().post(URL, POST, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert not SocialPost.objects.exists()


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        ("body", "does not match"),
        ("secret", "does not match"),
        ("no_timestamp", "Unix seconds"),
        ("replayed", "more than 5 minutes"),
        ("future", "more than 5 minutes"),
    ],
)
def test_a_bad_signature_is_401_with_the_reason(
    world: World, clock: Any, tamper: str, says: str
) -> None:
    raw = json.dumps(POST).encode()
    timestamp = str(int(NOW.timestamp()))
    secret = "wrong secret" if tamper == "secret" else SECRET
    if tamper in ("replayed", "future"):
        shift = timedelta(minutes=6) * (-1 if tamper == "replayed" else 1)
        timestamp = str(int((NOW + shift).timestamp()))
    headers = {
        "X-Rapport-Timestamp": timestamp,
        "X-Rapport-Signature": sign(secret=secret, timestamp=timestamp, body=raw),
    }
    if tamper == "no_timestamp":
        del headers["X-Rapport-Timestamp"]
    sent = raw.replace(b"refund", b"refunf") if tamper == "body" else raw

    response = Client().post(URL, sent, content_type="application/json", headers=headers)

    assert response.status_code == 401, response.content
    assert says in response.json()["error"]["message"]
    assert not SocialPost.objects.exists()


def test_a_request_signed_four_minutes_ago_is_taken(world: World, clock: Any) -> None:
    assert signed(Client(), POST, at=NOW - timedelta(minutes=4)).status_code == 200


def test_signatures_are_refused_when_the_desk_has_no_secret(
    world: World, clock: Any, settings: Any
) -> None:
    settings.RAPPORT_SOCIAL_WEBHOOK_SECRET = ""
    response = signed(Client(), POST, secret="")
    assert response.status_code == 401
    assert "RAPPORT_SOCIAL_WEBHOOK_SECRET is not set" in response.json()["error"]["message"]


def test_a_huge_text_is_413_and_a_bad_field_400(world: World, clock: Any, settings: Any) -> None:
    settings.RAPPORT_SOCIAL_MAX_TEXT = 1000
    huge = signed(Client(), {**POST, "text": "x" * 1001})
    assert huge.status_code == 413
    assert huge.json()["error"] == {
        "code": "payload_too_large",
        "message": "text is 1,001 characters; the desk takes posts of up to 1,000.",
        "field": "text",
    }
    bad = signed(Client(), {**POST, "url": "javascript:alert(1)"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "url")
    no_zone = signed(Client(), {**POST, "posted_at": "2026-12-07T08:58:00"})
    assert no_zone.status_code == 422
    stars = signed(Client(), {**POST, "rating": 9})
    assert (stars.status_code, stars.json()["error"]["field"]) == (422, "rating")
    assert not SocialPost.objects.exists()


def test_the_webhook_is_rate_limited(world: World, clock: Any, settings: Any) -> None:
    settings.RAPPORT_RATE_SOCIAL_WEBHOOK = "2/m"
    client = Client()
    answers = [signed(client, {**POST, "post_id": str(n)}).status_code for n in range(3)]
    assert answers == [200, 200, 429]


def test_html_in_the_text_and_name_is_kept_as_text_and_escaped_on_the_page(
    world: World, clock: Any
) -> None:
    hostile = {
        **POST,
        "author_name": "<img src=x onerror=alert(1)>",
        "text": "<script>alert('x')</script> my order",
    }
    case_id = signed(Client(), hostile).json()["case_id"]
    SocialPost.objects.update()
    page = world.client_for(world.supervisor).get(f"/cases/{case_id}/")
    html = page.content.decode()
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_case_s_posts_and_responses_in_the_api(world: World, clock: Any) -> None:
    case_id = signed(Client(), {**POST, "rating": 2, "platform": "trustpilot"}).json()["case_id"]
    token = world.token_for(world.supervisor)
    auth = {"Authorization": f"Bearer {token}"}

    recorded = Client().post(
        f"/api/v1/cases/{case_id}/social/responses",
        {"kind": "public_reply", "url": "https://trustpilot.example/reply/1"},
        content_type="application/json",
        headers=auth,
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["agent"] == {
        "id": world.supervisor.pk,
        "display_name": world.supervisor.display_name,
    }

    body = Client().get(f"/api/v1/cases/{case_id}/social", headers=auth).json()
    assert [p["rating"] for p in body["posts"]] == [2]
    assert body["posts"][0]["is_review"] is True
    assert body["posts"][0]["response_target"] == "review"
    assert body["response_target"].startswith("Review target")
    assert [r["kind"] for r in body["responses"]] == ["public_reply"]
    assert SocialResponse.objects.get().agent == world.supervisor


def test_posts_of_a_business_name_it_and_an_unknown_one_is_a_400(world: World, clock: Any) -> None:
    Brand.objects.create(name="Night Clinic", slug="night")
    token = world.token_for(world.supervisor)
    auth = {"Authorization": f"Bearer {token}"}
    unknown = Client().post(
        f"{URL}?brand=nope", POST, content_type="application/json", headers=auth
    )
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (400, "brand")
    taken = Client().post(f"{URL}?brand=night", POST, content_type="application/json", headers=auth)
    assert taken.status_code == 200
    case = SocialPost.objects.select_related("case__brand").get().case
    assert case is not None and case.brand is not None and case.brand.slug == "night"


@pytest.mark.parametrize("timestamp", ["\u00b2", "9" * 5000])
def test_a_timestamp_that_is_no_plain_number_is_401_not_500(
    world: World, clock: Any, timestamp: str
) -> None:
    """'²' passes str.isdigit() but not int(), and int() refuses 5,000 digits: both were 500s."""
    raw = json.dumps(POST).encode()
    headers = {"X-Rapport-Timestamp": timestamp, "X-Rapport-Signature": "sha256=00"}
    response = Client().post(URL, raw, content_type="application/json", headers=headers)
    assert response.status_code == 401, response.content
    assert not SocialPost.objects.exists()


@pytest.mark.parametrize("rating", [True, "3", 4.0])
def test_a_rating_must_be_a_whole_number_not_a_boolean_or_text(
    world: World, clock: Any, rating: Any
) -> None:
    response = signed(Client(), {**POST, "rating": rating})
    assert response.status_code == 422, response.content
    assert not SocialPost.objects.exists()
