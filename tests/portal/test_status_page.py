"""The customer's case status page, through HTTP: public messages only, the owner by name,
the promises made, and replying, asking for a call, solved and reopen; a link that stopped
working shows nothing of the case and offers a fresh one without telling who is known."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from pytest_django.fixtures import Settings

from rapport.care.actions.promises import schedule_follow_up, tomorrow_at
from rapport.care.models import Promise, PromiseKind
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import add_note, reply
from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.attachments import Upload
from rapport.cases.models import Attachment, CaseEvent, CaseEventKind, Direction, Message, Status
from rapport.cases.status_links import status_link
from rapport.routing.actions.opening import open_case
from tests.browser.xss_corpus import payloads
from tests.conftest import World, dental_case

NOTE = "Internal: owner is difficult, offer nothing"


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    yield


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _story(world: World) -> str:
    """Maria's case with a reply (with a file), an internal note (with a file) and a follow-up;
    the link mailed to her."""
    reply(
        case=world.case,
        text="Give her honey in warm water tonight.",
        by=world.agent,
        channel="email",
        attachments=[Upload("dosage.txt", "text/plain", b"5 ml")],
    )
    add_note(
        case=world.case,
        text=NOTE,
        by=world.agent,
        attachments=[Upload("secret.txt", "text/plain", b"x")],
    )
    schedule_follow_up(
        case=world.case,
        by=world.agent,
        due_at=tomorrow_at(world.case, now=timezone.now()),
        purpose="Internal purpose text",
    )
    return _path(status_link(world.case).url)


def test_the_page_shows_public_messages_the_owner_and_promises_only(world: World) -> None:
    other = dental_case(world)
    reply(case=other, text="About a tooth: secret of the dental team", by=world.outsider)
    url = _story(world)
    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Puppy coughing at night" in html
    assert "Mila (10 weeks) has been coughing since last night." in html
    assert "Give her honey in warm water tonight." in html
    assert "<b>Dr. Ana Ortiz</b> looks after your case" in html
    assert "Dr. Ana Ortiz will call you to see how things are" in html
    assert "(Europe/Madrid)" in html
    for private in (NOTE, "secret.txt", "Internal purpose text", "secret of the dental team"):
        assert private not in html
    assert page["Cache-Control"] == "no-store, private"
    assert page["Referrer-Policy"] == "same-origin"  # the token never goes to another site
    assert "noindex" in page["X-Robots-Tag"]


def test_the_page_reads_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    url = _story(world)
    for n in range(5):
        reply(case=world.case, text=f"More {n}", by=world.agent, channel="email")
    with django_assert_max_num_queries(14):
        assert Client().get(url).status_code == 200


def test_public_files_download_through_the_link_only(world: World) -> None:
    url = _story(world)
    public = Attachment.objects.get(filename="dosage.txt")
    secret = Attachment.objects.get(filename="secret.txt")
    other = dental_case(world)
    theirs = reply(
        case=other,
        text="x",
        by=world.outsider,
        channel="email",
        attachments=[Upload("theirs.txt", "text/plain", b"t")],
    ).attachments.get()
    response = Client().get(f"{url}files/{public.pk}/")
    assert response.status_code == 200
    assert response.getvalue() == b"5 ml"
    assert response["Content-Disposition"].startswith("attachment")
    for refused in (secret, theirs):
        assert Client().get(f"{url}files/{refused.pk}/").status_code == 404
    revoke_status_links(case=world.case, by=world.agent)
    gone = Client().get(f"{url}files/{public.pk}/")
    assert b'id="link-gone"' in gone.content and b"5 ml" not in gone.content


def test_the_customer_replies_with_files_and_the_case_opens_again(world: World) -> None:
    url = _story(world)
    response = Client().post(
        f"{url}reply/",
        {
            "text": "She coughs less.\r\nThank you!",
            "files": [SimpleUploadedFile("cough.mp4", b"video", "video/mp4")],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?done=replied#notice")
    message = Message.objects.filter(case=world.case, direction=Direction.INBOUND).latest("pk")
    assert message.text == "She coughs less.\nThank you!" and message.channel == "web"
    assert [a.filename for a in message.attachments.all()] == ["cough.mp4"]
    page = Client().get(response["Location"]).content.decode()
    assert "Your message is on your case" in page and "She coughs less." in page
    assert "cough.mp4" in page


def test_a_refused_reply_keeps_the_text_and_says_why(world: World, settings: Settings) -> None:
    settings.RAPPORT_ATTACHMENTS_MAX_COUNT = 1
    url = _story(world)
    before = Message.objects.count()
    files = [SimpleUploadedFile(f"{n}.txt", b"x", "text/plain") for n in range(2)]
    response = Client().post(f"{url}reply/", {"text": "My long story", "files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "At most 1 files a message; 2 were attached." in html
    assert "My long story</textarea>" in html
    assert "choose your files again" in html
    settings.RAPPORT_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"x" * 2048, "application/pdf")
    response = Client().post(f"{url}reply/", {"text": "Scan", "files": [big]})
    assert response.status_code == 400
    assert "scan.pdf is 2.0\xa0KB; a file may be at most 1.0\xa0KB." in response.content.decode()
    empty = Client().post(f"{url}reply/", {"text": "  "})
    assert empty.status_code == 400 and "Write your message first." in empty.content.decode()
    assert Message.objects.count() == before


def test_asking_for_a_call_books_one_honest_callback(world: World) -> None:
    url = _story(world)
    page = Client().get(url).content.decode()
    assert 'id="next-call"' in page
    response = Client().post(f"{url}call/")
    assert response["Location"].endswith("?done=call#notice")
    promise = Promise.objects.get(case=world.case, kind=PromiseKind.CALLBACK)
    assert promise.created_by is None and promise.owner is not None
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.CALLBACK_BOOKED)
    assert event.actor is None
    again = Client().post(f"{url}call/")
    assert again["Location"].endswith("?done=called#notice")
    assert Promise.objects.filter(case=world.case, kind=PromiseKind.CALLBACK).count() == 1
    html = Client().get(again["Location"]).content.decode()
    assert f"{promise.owner.display_name} will call you:" in html
    assert 'id="call-booked"' in html and 'id="ask-call"' not in html


def test_solved_then_reopened_through_the_audited_status_change(world: World) -> None:
    url = _story(world)
    world.case.refresh_from_db()
    response = Client().post(f"{url}solved/", {"expected": world.case.status})
    assert response["Location"].endswith("?done=solved#notice")
    world.case.refresh_from_db()
    assert world.case.status == Status.RESOLVED
    again = Client().post(f"{url}solved/", {"expected": Status.OPEN})
    assert again.status_code == 302  # solved already: nothing to change, nothing refused
    response = Client().post(f"{url}reopen/", {"expected": Status.RESOLVED})
    assert response["Location"].endswith("?done=reopened#notice")
    world.case.refresh_from_db()
    assert world.case.status == Status.OPEN
    events = CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.STATUS).order_by("pk")
    assert [(e.actor, e.after["status"]) for e in events][-2:] == [
        (None, "resolved"),
        (None, "open"),
    ]
    assert "status link" in events.last().reason  # type: ignore[union-attr]


def test_a_change_made_meanwhile_is_not_overwritten(world: World) -> None:
    url = _story(world)
    world.case.refresh_from_db()
    shown = world.case.status
    Client().post(f"{url}solved/", {"expected": shown})  # another tab
    response = Client().post(f"{url}reopen/", {"expected": Status.WAITING_CUSTOMER})
    assert response.status_code == 409
    assert "someone else changed it" in response.content.decode()


def _assert_shows_nothing_of_the_case(response: Any) -> None:
    html = response.content.decode()
    assert response.status_code == 200 and 'id="link-gone"' in html
    for secret in ("Puppy", "Mila", "Ana Ortiz", "honey", "Maria", f"#{response.context['token']}"):
        assert secret not in html
    assert 'id="fresh-form"' in html


def test_revoked_expired_and_forged_links_show_no_case_data(world: World) -> None:
    url = _story(world)
    token = url.split("/")[2]
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        _assert_shows_nothing_of_the_case(Client().get(url))
    revoke_status_links(case=world.case, by=world.agent)
    for path in (url, f"{url[:-5]}AAAAA/", "/status/forged-token/"):
        _assert_shows_nothing_of_the_case(Client().get(path))
    before = Message.objects.count()
    for action in ("reply", "call", "solved", "reopen"):
        response = Client().post(f"{url}{action}/", {"text": "replayed", "expected": "open"})
        _assert_shows_nothing_of_the_case(response)
    assert Message.objects.count() == before
    assert not CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.STATUS).exists()

    # Nothing tells a revoked link of a real case from a made-up one: the same page, byte for
    # byte but for the token in its form's address and the CSRF token.
    def bare(path: str, token: str) -> str:
        html = Client().get(path).content.decode().replace(token, "TOKEN")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert bare(url, token) == bare("/status/forged-token/", "forged-token")


def test_a_fresh_link_is_mailed_only_to_the_cases_address_and_the_answer_is_the_same(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    url = _story(world)
    revoke_status_links(case=world.case, by=world.agent)
    mail.outbox.clear()
    answers = []
    for typed in ("stranger@example.com", "MARIA.LOPEZ@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(f"{url}fresh/", {"email": typed})
        answers.append(
            (response.status_code, re.sub(r"csrfmiddlewaretoken\S+", "", response.content.decode()))
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and "If that is the address on this case" in answers[0][1]
    [sent] = mail.outbox
    assert sent.to == ["maria.lopez@example.com"]
    fresh = re.search(r"http\S+/status/\S+/", str(sent.body))
    assert fresh is not None
    page = Client().get(_path(fresh.group(0)))
    assert page.status_code == 200 and "Puppy coughing at night" in page.content.decode()
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.STATUS_LINK_SENT)
    assert event.actor is None
    # A forged token never mails anyone, whatever address is typed.
    response = Client().post("/status/forged-token/fresh/", {"email": "maria.lopez@example.com"})
    assert response.status_code == 200 and len(mail.outbox) == 1


def test_an_unverified_address_of_the_customer_gets_no_link(world: World) -> None:
    url = _story(world)
    world.customer.identities.filter(kind="email").update(verified_at=None)
    revoke_status_links(case=world.case, by=world.agent)
    mail.outbox.clear()
    Client().post(f"{url}fresh/", {"email": "maria.lopez@example.com"})
    assert mail.outbox == []


def test_every_form_needs_the_csrf_token(world: World) -> None:
    url = _story(world)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 3  # reply, call, solved
    for action, data in (
        ("reply", {"text": "hi"}),
        ("call", {}),
        ("solved", {"expected": "open"}),
        ("reopen", {"expected": "resolved"}),
        ("fresh", {"email": "maria.lopez@example.com"}),
    ):
        assert client.post(f"{url}{action}/", data).status_code == 403, action
    assert not Promise.objects.filter(kind=PromiseKind.CALLBACK).exists()
    revoke_status_links(case=world.case, by=world.agent)
    assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode()


def test_posts_and_fresh_link_requests_are_rate_limited(world: World, settings: Settings) -> None:
    settings.RAPPORT_RATE_STATUS_LINK = "3/h"
    settings.RAPPORT_RATE_STATUS_LINK_FRESH = "2/h"
    url = _story(world)
    codes = [Client().post(f"{url}reply/", {"text": f"n{n}"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Client().post(f"{url}call/").status_code == 429  # one tally for every action
    assert Message.objects.filter(direction=Direction.INBOUND, text="n3").count() == 0
    fresh = [
        Client().post("/status/forged-token/fresh/", {"email": "a@b.example"}).status_code
        for _ in range(3)
    ]
    assert fresh == [200, 200, 429]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_everything_shown_is_escaped(world: World, settings: Settings) -> None:
    """The XSS corpus as the customer's words, an agent's reply, the subject and the owner's
    name: each shows as text, and the page has no element or attribute it did not have."""
    settings.RAPPORT_RATE_STATUS_LINK = "off"
    url = _story(world)
    corpus = payloads()
    for n, payload in enumerate(corpus):
        assert Client().post(f"{url}reply/", {"text": payload}).status_code == 302
        if n % 7 == 0:
            reply(case=world.case, text=payload, by=world.agent, channel="email")
    type(world.case).objects.filter(pk=world.case.pk).update(subject=corpus[0])
    world.agent.display_name = corpus[2]
    world.agent.save(update_fields=["display_name"])
    html = Client().get(url).content.decode()
    for payload in corpus:
        assert escape(payload) in html, payload
    parser = _Tags()
    parser.feed(html)
    allowed = {
        "html",
        "head",
        "meta",
        "title",
        "link",
        "body",
        "a",
        "main",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "b",
        "section",
        "ul",
        "li",
        "article",
        "time",
        "div",
        "br",
        "span",
        "form",
        "input",
        "label",
        "textarea",
        "small",
        "button",
    }
    assert {tag for tag, _ in parser.tags} <= allowed
    assert [name for _, attrs in parser.tags for name, _ in attrs if name.startswith("on")] == []
    hrefs = [value or "" for _, attrs in parser.tags for name, value in attrs if name == "href"]
    assert all(href.startswith(("/", "tel:", "#")) for href in hrefs), hrefs


def test_a_merged_cases_link_asks_for_a_link_to_the_case_it_became_part_of(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    url = _story(world)
    survivor = open_case(
        customer=world.customer,
        subject="Mila, everything",
        channel="phone",
        text="All of it",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )
    merge_cases(source=world.case, target=survivor, by=world.agent)
    assert b'id="link-gone"' in Client().get(url).content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(f"{url}fresh/", {"email": "maria.lopez@example.com"})
    [sent] = mail.outbox
    found = re.search(r"http\S+/status/\S+/", str(sent.body))
    assert found is not None
    assert "Mila, everything" in Client().get(_path(found.group(0))).content.decode()
