"""Social listening: public posts and reviews taken in as cases, and how the desk answered them.

A post arrives by the signed webhook, an import file or a platform adapter's poll; each is kept
once per (platform, post id), whichever way it came, and becomes a customer's message on a case
(`rapport/social/actions/ingest.py`). A platform Rapport cannot post to is answered there by a
person, who records here what they did (`SocialResponse`): nothing claims "sent" for it.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Agent, Customer


class Source(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    IMPORT = "import", "Import"
    POLL = "poll", "Poll"


class ResponseTarget(models.TextChoices):
    """Which first-response target a post set on its case (blank: it kept the case's own)."""

    NONE = "", "The case's own"
    PUBLIC_POST = "public_post", "Public post"
    REVIEW = "review", "Review"


class SocialPost(models.Model):
    """One public post or review, as its platform gave it."""

    # A lowercase slug: "mastodon", "bluesky", "trustpilot".
    platform = models.CharField(max_length=40)
    post_id = models.CharField(max_length=200)
    # Normalised as the customer's social identity holds it (no "@"; Mastodon keeps
    # "user@instance").
    author_handle = models.CharField(max_length=200)
    # The author's account id as the platform gave it (a Bluesky DID; a Mastodon account id with
    # the instance it was read on, "109348@mastodon.example"); blank when the source had none.
    author_id = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    posted_at = models.DateTimeField()
    # The platform's id of the post this one answers (blank: none).
    in_reply_to = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    is_review = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Null only inside the transaction that takes the post in: the row is claimed first, so
    # the same post arriving twice at once waits on the unique constraint, then is a duplicate.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="social_posts"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="social_posts"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="social_posts"
    )
    response_target = models.CharField(
        max_length=20, choices=ResponseTarget.choices, blank=True, default=ResponseTarget.NONE
    )
    received_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["posted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "post_id"], name="social_post_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="social_post_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "posted_at"], name="social_post_case"),
            # An account's later posts (is this one its newest?), read on every post taken in.
            models.Index(fields=["platform", "author_id", "posted_at"], name="social_post_author"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.post_id}"


class ResponseKind(models.TextChoices):
    PUBLIC_REPLY = "public_reply", "Replied in public"
    MOVED_PRIVATE = "moved_private", "Moved to a private channel"
    CALLED = "called", "We called them"


class SocialResponse(models.Model):
    """What a person did about a post: answered it in public (by name, with the reply's link),
    took the conversation to a private channel, or called the customer. Recorded by the agent
    who did it; Rapport did not post it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="social_responses")
    post = models.ForeignKey(
        SocialPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    agent = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=now)
    url = models.URLField(max_length=2000, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class MastodonCursor(models.Model):
    """Where the desk is in one Mastodon account's mentions (rapport/social/polling.py): the
    newest notification taken in (moved only after its mention was ingested), when to ask again
    after a rate limit, and what went wrong last, for the operator."""

    instance = models.URLField(max_length=300, unique=True)
    since_id = models.CharField(max_length=100, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    # Rate limited: no request before this time (the instance's X-RateLimit-Reset).
    resume_at = models.DateTimeField(null=True, blank=True)
    ok_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.instance} since {self.since_id or 'the start'}"
