"""Figures kept per day of the desk, so a long window reads a few rows a day instead of every
case and message of it (`rapport/insights/rollups.py`). Each row is a count a live query would
give for one local day and one (owner, team, brand) of the cases, as they were when the day was
built; a day whose facts changed since is marked stale and read live until it is built again."""

from __future__ import annotations

from django.db import models


class RollupDay(models.Model):
    """One local day (in `zone`) a question keeps: its rows are complete for that day unless
    `stale` (a fact of the day changed after it was built: a late message, a case re-assigned
    or merged)."""

    question = models.CharField(max_length=40)
    day = models.DateField()
    zone = models.CharField(max_length=64)
    stale = models.BooleanField(default=False)
    # The kept figures hold until then, when time alone changes them (a case of the day not
    # answered yet reaches its first-response deadline); read live and built again after.
    changes_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "day"], name="rollup_day_once")]

    def __str__(self) -> str:
        return f"{self.question} {self.day} ({self.zone}{', stale' if self.stale else ''})"


class RollupMark(models.Model):
    """How far the rollups' sweep has read a table's new rows (by id): it reads from `previous`
    (two sweeps back), so a row whose transaction committed after a higher id was read is still
    seen once."""

    name = models.CharField(max_length=40, primary_key=True)
    seen = models.BigIntegerField(default=0)
    previous = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.previous}..{self.seen}"


class KeptDay(models.Model):
    """What every kept row is counted per: a local day, and the owner, team and brand of the
    cases (ids, not keys: a row outlives nothing it counts, and is rebuilt when they change)."""

    day = models.DateField()
    # A row of the whole desk's day (owner, team and brand empty), read when nothing is
    # filtered: a year is then 365 rows, not one per owner, team and brand of each day.
    whole = models.BooleanField(default=False)
    owner = models.BigIntegerField(null=True)
    team = models.BigIntegerField(null=True)
    brand = models.BigIntegerField(null=True)

    class Meta:
        abstract = True
        # A filtered window reads the rows of its owner (or site's owners), team or brand.
        indexes = [
            models.Index(fields=[key, "day"], name=f"%(class)s_{key}")
            for key in ("owner", "team", "brand")
        ]


class SentimentDay(KeptDay):
    """Customers' messages of one local day and cases' owner, team and brand, and those triage
    read as upset, urgent or a compliment (each message once per signal)."""

    messages = models.IntegerField()
    upset = models.IntegerField()
    urgent = models.IntegerField()
    compliment = models.IntegerField()

    class Meta(KeptDay.Meta):
        indexes = [
            *KeptDay.Meta.indexes,
            models.Index(
                fields=[
                    *("whole", "day", "owner", "team", "brand"),
                    *("messages", "upset", "urgent", "compliment"),
                ],
                name="sentiment_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.messages} messages"


class UpsetReasonDay(KeptDay):
    """Upset messages of one local day and cases' owner, team and brand per kind of reason (a
    message with two kinds counts under both)."""

    kind = models.CharField(max_length=40)
    messages = models.IntegerField()

    class Meta(KeptDay.Meta):
        indexes = [
            *KeptDay.Meta.indexes,
            models.Index(
                fields=["whole", "day", "kind", "owner", "team", "brand", "messages"],
                name="upset_reason_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.messages}"


class WaitCounts(KeptDay):
    """Customer-started cases per team and brand of the case (or the whole desk's), counted per
    wait bucket (`rapport/insights/waits.py`: -1 not answered yet) and per origin channel, or per
    priority (a row has one of the two: the channel rows count each case once, the priority rows
    count them again for the by-priority percentiles)."""

    channel = models.CharField(max_length=10, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    bucket = models.SmallIntegerField()
    cases = models.IntegerField()
    on_time = models.IntegerField()  # answered by the first-response deadline, or none set
    no_deadline = models.IntegerField()  # answered, no first-response deadline set
    late = models.IntegerField()  # not answered and past the deadline when the day was built

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.channel or self.priority} {self.bucket}: {self.cases}"


def _wait_indexes(prefix: str) -> list[models.Index]:
    return [
        models.Index(
            fields=[
                *(key, "day", "channel", "priority", "bucket"),
                *("cases", "on_time", "no_deadline", "late"),
            ],
            name=f"{prefix}_{key}",
        )
        for key in ("whole", "team", "brand")
    ]


class WaitDay(WaitCounts):
    """The cases created on one local day (`WaitCounts`). What the time-to-a-named-human page
    reads for its settled days outside whole months; an agent or a site reads live."""

    class Meta:
        indexes = _wait_indexes("wait_day")


class WaitMonth(WaitCounts):
    """The sum of the `WaitDay` rows of every day of one local calendar month (`day`: its first
    day), kept only when every day of it is kept and rebuilt whenever one of them is built
    (`rapport/insights/wait_months.py`): a year's whole-desk rows are ~12 months' instead of
    ~365 days'."""

    class Meta:
        indexes = _wait_indexes("wait_month")


class WaitTotalDay(KeptDay):
    """The customer-started cases created on one local day per team and brand (or the whole
    desk's), and those answered: the `WaitDay` channel rows of the day summed, for the page's
    new and answered cases per day, week or month."""

    cases = models.IntegerField()
    answered = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=[key, "day", "cases", "answered"], name=f"wait_total_day_{key}")
            for key in ("whole", "team", "brand")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.cases} cases, {self.answered} answered"


class ReplyDay(KeptDay):
    """The desk's replies of one local day and cases' owner, team and brand, per author (empty:
    automatic), by how they were written (`rapport/insights/personal_touch.py`)."""

    author = models.BigIntegerField(null=True)
    replies = models.IntegerField()
    by_hand = models.IntegerField()
    saved_edited = models.IntegerField()
    saved_unchanged = models.IntegerField()
    automatic = models.IntegerField()
    chat_by_person = models.IntegerField()

    class Meta(KeptDay.Meta):
        indexes = [
            *KeptDay.Meta.indexes,
            models.Index(
                fields=[
                    *("whole", "day", "author", "owner", "team", "brand"),
                    *("replies", "by_hand", "saved_edited", "saved_unchanged"),
                    *("automatic", "chat_by_person"),
                ],
                name="reply_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} by {self.author}: {self.replies} replies"


class ResolvedDay(KeptDay):
    """Cases resolved on one local day per owner, team and brand: who owned them (one person,
    handed over, nobody), their calls, and how many had one, two, three or more."""

    resolved = models.IntegerField()
    one_owner = models.IntegerField()
    changed_hands = models.IntegerField()
    no_owner = models.IntegerField()
    calls = models.IntegerField()
    one_call = models.IntegerField()
    two_calls = models.IntegerField()
    more_calls = models.IntegerField()

    class Meta(KeptDay.Meta):
        indexes = [
            *KeptDay.Meta.indexes,
            models.Index(
                fields=[
                    *("whole", "day", "owner", "team", "brand"),
                    *("resolved", "one_owner", "changed_hands", "no_owner", "calls"),
                    *("one_call", "two_calls", "more_calls"),
                ],
                name="resolved_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.resolved} resolved"
