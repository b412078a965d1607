"""Personal touch: replies written by hand (not a saved reply, not automatic), signed by the
person who wrote them, cases one person owned from start to end, calls per case
(`rapport/insights/personal_touch.py`). Four queries."""

from __future__ import annotations

from rapport.insights import charts
from rapport.insights.figures import as_data, as_share
from rapport.insights.periods import percent
from rapport.insights.personal_touch import personal_touch
from rapport.insights.report import Figure, Question, Report, Scope, Table


def build(scope: Scope) -> Report:
    found = personal_touch(scope.cases, **scope.window())
    replies, owned = found.replies, found.ownership
    kinds = (  # (the table's words, the chart's short label, replies)
        ("written by hand", "by hand", replies.by_hand),
        ("from a saved reply, changed", "saved, changed", replies.saved_edited),
        ("a saved reply word for word", "saved as is", replies.saved_unchanged),
        ("automatic (the desk's)", "automatic", replies.automatic),
    )
    kind_rows = tuple((name, n, percent(n, replies.replies)) for name, _, n in kinds)
    author_rows = tuple(
        (
            a.agent,
            a.replies.replies,
            a.replies.by_hand,
            a.replies.saved_edited,
            a.replies.saved_unchanged,
            a.replies.by_hand_percent,
        )
        for a in found.by_author
    )
    owner_rows = tuple(
        (name, n, percent(n, owned.resolved))
        for name, n in (
            ("one owner from start to end", owned.one_owner),
            ("changed hands", owned.changed_hands),
            ("nobody named", owned.no_owner),
        )
    )
    call_rows = tuple((calls, n) for calls, n in owned.calls_per_case.items())
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=(
            Figure("replies", "Replies sent", replies.replies),
            Figure("by_hand", "Written by hand", as_share(replies.by_hand_percent), "share"),
            Figure(
                "signed",
                "Signed by the person who wrote them",
                as_share(replies.signed_percent),
                "share",
            ),
            Figure("resolved", "Cases resolved", owned.resolved),
            Figure(
                "one_owner",
                "Owned by one person from start to end",
                as_share(owned.one_owner_percent),
                "share",
            ),
            Figure("calls_per_case", "Calls per resolved case", owned.average_calls),
        ),
        tables=(
            Table(
                "replies",
                "Replies sent in the period, by how they were written",
                ("reply", "replies", "%"),
                kind_rows,
                note="A person's reply is signed with their name; a chat line shows it in the "
                f"chat instead ({replies.chat_by_person} of them); automatic ones are signed "
                "by the desk.",
            ),
            Table(
                "by-author",
                "Replies per person (the 50 who wrote most)",
                (
                    "person",
                    "replies",
                    "by hand",
                    "from a saved reply, changed",
                    "saved reply word for word",
                    "by hand %",
                ),
                author_rows,
            ),
            Table(
                "ownership",
                "Cases resolved in the period, by who owned them",
                ("owner", "cases", "%"),
                owner_rows,
                note="Changed hands: moved from one named person to another at least once.",
            ),
            Table(
                "calls-per-case",
                "Cases resolved in the period, by calls made or taken",
                ("calls", "cases"),
                call_rows,
            ),
        ),
        charts=(
            charts.bars(
                "Replies by how they were written",
                table="replies",
                points=[charts.Point(short, n) for _, short, n in kinds],
            ),
            charts.histogram(
                "Calls per resolved case",
                table="calls-per-case",
                points=[charts.Point(calls, n) for calls, n in call_rows],
            ),
        ),
        data={
            "replies": as_data(replies, "signed", "by_hand_percent", "signed_percent"),
            "ownership": as_data(owned, "one_owner_percent", "average_calls"),
        },
    )


QUESTION = Question(
    slug="personal-touch",
    title="Personal touch",
    summary="Replies written by hand and signed, cases with one owner from start to end, "
    "calls per case.",
    build=build,
)
