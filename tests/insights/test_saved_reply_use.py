"""Saved replies used in a window: the totals, the most used first (ties by title), a deleted
one left out of the list but its replies still counted, in three queries whatever the number
of saved replies (rapport/insights/selectors.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.messages import reply
from rapport.cases.actions.saved_replies import create_saved_reply, set_template_policy
from rapport.cases.models import Case
from rapport.insights import selectors
from rapport.people.actions.agents import create_brand
from tests.conftest import World


def test_most_used_first_ties_by_title_a_deleted_one_left_out(world: World) -> None:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    Case.objects.filter(pk=world.case.pk).update(brand=brand)
    set_template_policy(brand=brand, refuse_unedited=False, by=None)
    saved = {
        title: create_saved_reply(
            title=title, text=f"{title} text.", brand=brand, team=world.clinic, by=None
        )
        for title in ("Zinc", "Antlers", "Cough", "Gone")
    }
    # Cough 3 (2 unchanged), Zinc 2 and Antlers 2 (a tie: by title), Gone 1, one by hand.
    for title, text in [
        ("Cough", "Cough text."),
        ("Cough", "Cough text."),
        ("Cough", "Cough text, edited."),
        ("Zinc", "Zinc text."),
        ("Zinc", "Zinc text, edited."),
        ("Antlers", "Antlers text, edited."),
        ("Antlers", "Antlers text, edited again."),
        ("Gone", "Gone text."),
    ]:
        reply(case=world.case, text=text, by=world.agent, saved_reply=saved[title])
    reply(case=world.case, text="By hand", by=world.agent)
    saved["Gone"].delete()
    now = timezone.now()
    since, until = now - timedelta(days=1), now + timedelta(minutes=1)

    with CaptureQueriesContext(connection) as queries:
        use = selectors.saved_reply_use(cases_for_agent(world.supervisor), since=since, until=until)
    assert len(queries.captured_queries) == 3
    assert (use.replies, use.from_saved_replies, use.sent_unchanged) == (9, 8, 4)
    assert [(row["title"], row["used"], row["sent_unchanged"]) for row in use.by_saved_reply] == [
        ("Cough", 3, 2),
        ("Antlers", 2, 0),
        ("Zinc", 2, 1),
    ]
    assert [row["id"] for row in use.by_saved_reply] == [
        saved["Cough"].pk,
        saved["Antlers"].pk,
        saved["Zinc"].pk,
    ]
    top = selectors.saved_reply_use(
        cases_for_agent(world.supervisor), since=since, until=until, limit=2
    )
    assert [row["title"] for row in top.by_saved_reply] == ["Cough", "Antlers"]
    assert selectors.saved_reply_use(
        cases_for_agent(world.supervisor), since=now - timedelta(days=3), until=since
    ) == selectors.SavedReplyUse(0, 0, 0, [])
