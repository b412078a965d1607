"""`rapport fetch-imap` against a real Dovecot on loopback: UIDs tracked per UIDVALIDITY, nothing
fetched twice or missed, several mailboxes at once, IDLE, and a crash in the middle."""

from __future__ import annotations

import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from rapport.cases.models import Message
from rapport.mail import imap as imap_module
from rapport.mail.actions.intake import store_inbound_emails
from rapport.mail.imap import Mailbox, MailboxError, run_mailboxes
from rapport.mail.models import ImapCursor, InboundEmail, InboundStatus
from tests.conftest import World
from tests.mail.dovecot import Dovecot, dovecot
from tests.mail.intake_helpers import make_mail

__all__ = ["dovecot"]

# fetch-imap reads each mailbox in its own thread, with its own database connection.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def mail(n: int, sender: str = "Maria Lopez <maria.lopez@example.com>") -> bytes:
    return make_mail(sender=sender, subject=f"Question {n}", message_id=f"<q{n}@example.com>")


def fetch(*urls: str) -> str:
    out = StringIO()
    call_command("fetch_imap", "--once", *[f"--mailbox={url}" for url in urls], stdout=out)
    return out.getvalue()


def test_new_mail_is_stored_once_and_processed_and_nothing_is_fetched_twice(
    world: World, dovecot: Dovecot
) -> None:
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    assert "3 new message(s) stored" in fetch(dovecot.url())
    rows = list(InboundEmail.objects.order_by("pk"))
    assert [r.message_id for r in rows] == [
        "<q1@example.com>",
        "<q2@example.com>",
        "<q3@example.com>",
    ]
    assert {r.source for r in rows} == {"imap"}
    cursor = ImapCursor.objects.get()
    assert rows[0].source_ref == f"INBOX;uidvalidity={cursor.uidvalidity};uid=1"
    assert {r.status for r in rows} == {InboundStatus.PROCESSED}  # queued on commit, processed
    assert cursor.mailbox == f"tester@127.0.0.1:{dovecot.port}/INBOX"
    assert (cursor.last_uid, cursor.fetched) == (3, 3)

    assert "0 new message(s) stored" in fetch(dovecot.url())
    dovecot.append(mail(4))
    assert "1 new message(s) stored" in fetch(dovecot.url())
    assert InboundEmail.objects.count() == 4
    assert ImapCursor.objects.get().last_uid == 4
    # Read-only: the mailbox is left as it was (nothing marked seen, nothing deleted).
    with dovecot.client() as client:
        client.select_folder("INBOX")
        assert client.search(["UNSEEN"]) == [1, 2, 3, 4]


def test_several_mailboxes_are_read_in_parallel(
    world: World, dovecot: Dovecot, settings: Settings
) -> None:
    dovecot.append(mail(1))
    dovecot.append(mail(2, sender="Tom Reed <tom@example.org>"), user="second")
    dovecot.append(mail(3, sender="Tom Reed <tom@example.org>"), user="second")
    settings.RAPPORT_IMAP_MAILBOXES = [dovecot.url("tester"), dovecot.url("second")]
    out = StringIO()
    call_command("fetch_imap", "--once", stdout=out)
    assert f"tester@127.0.0.1:{dovecot.port}/INBOX: 1 new" in out.getvalue()
    assert f"second@127.0.0.1:{dovecot.port}/INBOX: 2 new" in out.getvalue()
    assert InboundEmail.objects.filter(status=InboundStatus.PROCESSED).count() == 3
    assert ImapCursor.objects.count() == 2


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicating_anything(
    world: World, dovecot: Dovecot
) -> None:
    with dovecot.client() as client:
        client.create_folder("Support")
    url = dovecot.url(folder="Support")
    dovecot.append(mail(1), folder="Support")
    dovecot.append(mail(2), folder="Support")
    fetch(url)
    first = ImapCursor.objects.get()

    # The folder is recreated (a restore, a migration): new UIDVALIDITY, UIDs start at 1 again.
    with dovecot.client() as client:
        client.delete_folder("Support")
        client.create_folder("Support")
    for n in (1, 2, 3):
        dovecot.append(mail(n), folder="Support")
    assert "3 new message(s) stored" in fetch(url)
    second = ImapCursor.objects.exclude(pk=first.pk).get()
    assert second.uidvalidity != first.uidvalidity and second.last_uid == 3
    statuses = sorted(InboundEmail.objects.values_list("message_id", "status"))
    assert statuses == [
        ("<q1@example.com>", InboundStatus.DUPLICATE),
        ("<q1@example.com>", InboundStatus.PROCESSED),
        ("<q2@example.com>", InboundStatus.DUPLICATE),
        ("<q2@example.com>", InboundStatus.PROCESSED),
        ("<q3@example.com>", InboundStatus.PROCESSED),
    ]
    for n in (1, 2, 3):
        assert Message.objects.filter(external_id=f"<q{n}@example.com>").count() == 1


def test_a_crash_while_storing_loses_nothing(
    world: World, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    monkeypatch.setattr(imap_module, "FETCH_BATCH", 2)  # batches [1, 2] and [3]
    real = store_inbound_emails
    calls = {"n": 0}

    def dies_on_the_second(**kwargs: Any) -> list[InboundEmail]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(imap_module, "store_inbound_emails", dies_on_the_second)
    with pytest.raises(CommandError):
        fetch(dovecot.url())
    assert ImapCursor.objects.get().last_uid == 2  # the cursor never passes an unstored message
    assert InboundEmail.objects.count() == 2
    monkeypatch.setattr(imap_module, "store_inbound_emails", real)
    assert "1 new message(s) stored" in fetch(dovecot.url())
    assert sorted(InboundEmail.objects.values_list("message_id", flat=True)) == [
        "<q1@example.com>",
        "<q2@example.com>",
        "<q3@example.com>",
    ]


def test_idle_wakes_up_for_new_mail(world: World, dovecot: Dovecot) -> None:
    stop = threading.Event()
    box = Mailbox.from_url(dovecot.url())
    runner = threading.Thread(
        target=run_mailboxes,
        kwargs={"mailboxes": [box], "stop": stop, "once": False, "idle": True,
                "interval": 600, "idle_timeout": 600},
    )  # fmt: skip
    runner.start()
    try:
        time.sleep(0.5)  # connected and idling (a poll would wait 600 s)
        dovecot.append(mail(7))
        deadline = time.monotonic() + 10
        while not InboundEmail.objects.filter(message_id="<q7@example.com>").exists():
            assert time.monotonic() < deadline, "IDLE did not report the new message"
            time.sleep(0.1)
    finally:
        stop.set()
        runner.join(timeout=10)
    assert not runner.is_alive()
    assert InboundEmail.objects.get().status == InboundStatus.PROCESSED


def test_a_wrong_password_is_reported_and_the_command_fails(dovecot: Dovecot, db: None) -> None:
    url = dovecot.url().replace("secret-one", "wrong")
    with pytest.raises(CommandError, match="could not be read"):
        fetch(url)


def test_mailbox_urls() -> None:
    box = Mailbox.from_url("imaps://support%40example.com:p%3Ass%2Cw@imap.example.com/Help%20Desk")
    assert (box.user, box.password, box.host, box.port, box.folder, box.tls) == (
        "support@example.com",
        "p:ss,w",
        "imap.example.com",
        993,
        "Help Desk",
        True,
    )
    assert Mailbox.from_url("imap://u:p@localhost").port == 143
    assert "p:ss" not in box.name
    with pytest.raises(MailboxError, match=r"imaps://\*\*\*|use imaps://"):
        Mailbox.from_url("pop3://u:secret@host")


def test_a_message_over_the_size_limit_is_left_in_the_mailbox_and_the_rest_are_stored(
    world: World, dovecot: Dovecot, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RAPPORT_INBOUND_MAX_BYTES = 4096
    dovecot.append(mail(1))
    dovecot.append(make_mail(body="z" * 6000, message_id="<huge@example.com>"))
    dovecot.append(mail(3))
    assert "2 new message(s) stored" in fetch(dovecot.url())
    assert sorted(InboundEmail.objects.values_list("message_id", flat=True)) == [
        "<q1@example.com>",
        "<q3@example.com>",
    ]
    assert ImapCursor.objects.get().last_uid == 3  # passed, not fetched again and again
    assert "message uid 2 is 6" in caplog.text and "left in the mailbox" in caplog.text
    with dovecot.client() as client:
        client.select_folder("INBOX")
        assert client.search(["ALL"]) == [1, 2, 3]
