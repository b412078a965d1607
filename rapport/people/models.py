"""Who is involved: customers and their identities, agents, teams and sites."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now

from rapport.lib.wallclock import known_zone


def _validate_timezone(value: str) -> None:
    if known_zone(value) is None:
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Madrid)")


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"
    SOCIAL = "social", "Social"
    WEB = "web", "Web form"
    SYSTEM = "system", "System"


class Brand(models.Model):
    """A business the desk serves (a clinic, a dental practice, an airline). It owns its contact
    page, phone number, email addresses, sites and teams; a case never leaves its brand, and
    routing never gives one to a person of another business."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    phone = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=7, blank=True, help_text="#RRGGBB for its pages")
    # Links and the second colour of its public pages; both carry white text or sit on white,
    # so both are refused below a 4.5:1 contrast with white (people/actions/agents.py).
    accent_colour = models.CharField(max_length=7, blank=True)
    # Shown on its contact page: what was uploaded, re-drawn as a PNG (people/photos.py).
    logo = models.FileField(upload_to="brands/logos/", blank=True)
    # Mail to any of these addresses opens cases in this brand (lower case).
    email_addresses = models.JSONField(default=list, blank=True)
    # One policy for every starting text an agent is given (saved replies, outreach drafts):
    # refuse it sent word for word, so what a customer reads was written for them.
    refuse_unedited_templates = models.BooleanField(default=True)
    # The sites allowed to embed its chat widget ("https://www.example.com", scheme and host,
    # no path): the chat's HTTP API answers their browsers' cross-site requests (CORS).
    chat_origins = models.JSONField(default=list, blank=True)
    # What its chat (the widget and /chat/) greets a visitor with.
    chat_greeting = models.CharField(max_length=300, blank=True)
    # A chat nobody has answered within this many minutes (or whose expected wait is longer) is
    # told so, with a call back or email offered instead (rapport/chat/offers.py).
    chat_answer_minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A place agents work from, with its own time zone and public holidays."""

    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="sites"
    )
    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[_validate_timezone])
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code for holidays")
    region = models.CharField(max_length=10, blank=True)
    # Opening hours that service-level deadlines are counted in; empty means around the clock.
    working_hours = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


# Left out of a person's initials: "Dr. Ana Ortiz" is "AO".
TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."})


def initials(name: str) -> str:
    """ "Dr. Ana Ortiz" -> "AO", "Sam" -> "S": the first letters of the first and last names."""
    words = [w for w in name.split() if w.lower() not in TITLES and w[:1].isalpha()]
    if not words:
        return (name.strip()[:1] or "?").upper()
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def first_name(name: str) -> str:
    """ "Dr. Ana Ortiz" -> "Ana": how a person is announced to a customer."""
    words = [w for w in name.split() if w.lower() not in TITLES]
    return words[0] if words else name.strip()


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    BUSY = "busy", "Busy"
    AWAY = "away", "Away"
    OFF = "off", "Off"


class Agent(models.Model):
    """A person who serves customers; `display_name` signs their replies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    display_name = models.CharField(max_length=100)
    signature = models.TextField(blank=True)
    # Their photo as Rapport re-drew it (a square PNG); without one, their initials are shown.
    photo = models.FileField(upload_to="agents/photos/", blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    timezone = models.CharField(max_length=64, default="UTC", validators=[_validate_timezone])
    # {"mon": [["09:00", "17:00"]], ...} in the agent's own time zone.
    working_hours = models.JSONField(default=dict, blank=True)
    skills = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField(default=20)
    # Live chats they hold at once: routing gives a new chat to someone else past it.
    chat_capacity = models.PositiveIntegerField(default=3)
    availability = models.CharField(
        max_length=10, choices=Availability.choices, default=Availability.AVAILABLE
    )
    is_supervisor = models.BooleanField(default=False)
    phone = models.CharField(max_length=32, blank=True)
    # Routing: who takes cases when nobody is on shift, and when an absent agent is back.
    on_call = models.BooleanField(default=False)
    away_until = models.DateTimeField(null=True, blank=True)
    # Set when a supervisor deactivated them (their user cannot sign in); the row and its
    # history stay. An inactive user without it is invited and has not chosen a password yet.
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def initials(self) -> str:
        """Shown where their photo would be, when they have none."""
        return initials(self.display_name)

    @property
    def state(self) -> AgentState:
        if self.user.is_active:
            return AgentState.ACTIVE
        if self.deactivated_at is not None:
            return AgentState.DEACTIVATED
        return AgentState.INVITED


class AgentState(models.TextChoices):
    """Where a person stands with the desk (derived, not stored: `Agent.state`)."""

    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited"
    DEACTIVATED = "deactivated", "Deactivated"


class Invitation(models.Model):
    """A one-time link that lets an invited agent choose their password. The link is signed
    (`rapport.people.invitations`), not stored; this row says whether it may still be used and
    which mail carried it."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # A newer link, or the agent's deactivation, ends this one.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The mail carrying the link, in the outbox of mail to agents (`rapport.mail.AgentMail`; an
    # id, not a key: the core does not know the mail app). None: the agent had no address.
    mail_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "-created_at"])]

    def __str__(self) -> str:
        return f"invitation of {self.agent_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def usable(self, at: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > at


class Team(models.Model):
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    members = models.ManyToManyField(Agent, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    """What an agent may ask to be emailed about; each is off until they opt in. The value is
    stored and is the API's `kind`, so it is never renamed."""

    ASSIGNED = "assigned", "A case is assigned to you"
    CUSTOMER_WROTE = "customer_wrote", "The customer wrote on your case"
    PROMISE_DUE = "promise_due", "A promise of yours is due in 30 minutes"
    MAKE_GOOD_APPROVAL = "make_good_approval", "A make-good waits for approval"


class NotificationChoice(models.Model):
    """An agent's choice for one kind of notice: emailed or not, and whether even off shift.
    No row is the default: not emailed."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="notification_choices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    email = models.BooleanField(default=False)
    even_off_shift = models.BooleanField(default=False)
    # Notices from before the agent opted in are not mailed: opting in never mails a backlog.
    email_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "kind"], name="notification_choice_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.agent_id}"


class TokenState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored. It works until it expires
    or is revoked; the row stays as the record of what existed."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= now():
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """One person, however many channels they use to reach us."""

    name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[_validate_timezone])
    language = models.CharField(max_length=10, default="en")
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    # The relationship: the person who knows this customer, and who stands in for them.
    owner = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_customers"
    )
    deputy = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="deputy_customers"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # Set when a public form or an unauthenticated mail named an address or number a known
    # customer holds: an agent confirms (merges) or dismisses it; nothing joins them by itself.
    likely_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="likely_duplicates"
    )
    duplicate_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def greeting_name(self) -> str:
        return self.preferred_name or self.name.split(" ")[0]


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    SOCIAL = "social", "Social handle"
    EXTERNAL = "external", "External id"


class Verification(models.TextChoices):
    """How an identity came to speak for its customer; blank: it does not (yet)."""

    NONE = "", "Not verified"
    AGENT = "agent", "Typed by an agent"
    CUSTOMER = "customer", "Confirmed by the customer"
    CHANNEL = "channel", "Proven by the channel"


class Identity(models.Model):
    """A normalised address of a customer. Verified, it is unique per kind, so one person is one
    customer; unverified (typed on a public form, or from a mail whose sender authentication
    failed) it only says what someone claimed, and never threads mail or receives replies."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)
    label = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    undeliverable_reason = models.CharField(max_length=300, blank=True)
    verification = models.CharField(
        max_length=10, choices=Verification.choices, blank=True, default=Verification.NONE
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.CharField(max_length=200, blank=True)
    # A social handle's account: its own id on the network, which stays when the handle changes
    # or passes to someone else (a Bluesky DID, a Mastodon account id with the instance it was
    # read on), written "<network>:<id>". Blank: no post proving the handle carried one.
    account_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=models.Q(verified_at__isnull=False),
                name="identity_verified_unique_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "account_id"],
                condition=models.Q(verified_at__isnull=False) & ~models.Q(account_id=""),
                name="identity_verified_account_unique",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="identity_unique_per_customer"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="identity_kind_value")]
        ordering = ["-is_primary", "kind", "id"]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class RapportNote(models.Model):
    """A personal fact worth remembering, pinned wherever the customer appears."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="rapport_notes")
    text = models.CharField(max_length=500)
    pinned = models.BooleanField(default=True)
    author = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-pinned", "-created_at"]

    def __str__(self) -> str:
        return self.text


class Asset(models.Model):
    """Something the customer owns or ordered, with free-form attributes."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="assets")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=50, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="order or serial number")
    attributes: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reference"])]

    def __str__(self) -> str:
        return self.name


class CustomerEventKind(models.TextChoices):
    """What happened to a customer: the `kind` of every `CustomerEvent`."""

    CREATED = "created", "Created"
    UPDATED = "updated", "Details changed"
    LIKELY_DUPLICATE = "likely_duplicate", "Flagged as a likely duplicate"
    DUPLICATE_DISMISSED = "duplicate_dismissed", "Duplicate flag dismissed"
    MERGED = "merged", "Another customer merged in"
    MERGED_INTO = "merged_into", "Merged into another customer"
    IDENTITY_ADDED = "identity_added", "Address added"
    IDENTITY_VERIFIED = "identity_verified", "Address verified"
    IDENTITY_REMOVED = "identity_removed", "Address removed"
    IDENTITY_UNDELIVERABLE = "identity_undeliverable", "Address undeliverable"
    NOTE_ADDED = "note_added", "Note added"
    NOTE_PINNED = "note_pinned", "Note pinned"
    NOTE_UNPINNED = "note_unpinned", "Note unpinned"
    NOTE_DELETED = "note_deleted", "Note deleted"
    ASSET_ADDED = "asset_added", "Asset added"
    RELATIONSHIP = "relationship", "Relationship changed"
    WORD_OF_MOUTH = "word_of_mouth", "Word of mouth recorded"
    ERASED = "erased", "Erased"
    SURVEYS_OPTED_OUT = "surveys_opted_out", "Asked not to be surveyed"
    HANDLE_CHANGED = "handle_changed", "Social handle changed"


class CustomerEvent(models.Model):
    """Audit row for every change to a customer (identities, merges, relationship)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40, choices=CustomerEventKind.choices)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.customer_id}"


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in refused"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGNED_OUT = "signed_out", "Signed out"
    SESSION_EXPIRED = "session_expired", "Session expired"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
    PASSWORD_RESET = "password_reset", "Password set with a reset link"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Authenticator app set up"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong one-time code"
    TWO_FACTOR_REMOVED = "two_factor_removed", "Authenticator app removed"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    DESK_CHANGED = "desk_changed", "Desk settings changed"
    AGENT_INVITED = "agent_invited", "Agent invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Password chosen from an invitation"
    AGENT_CHANGED = "agent_changed", "Agent's profile changed"
    AGENT_DEACTIVATED = "agent_deactivated", "Agent deactivated"
    AGENT_REACTIVATED = "agent_reactivated", "Agent reactivated"


class SecurityEvent(models.Model):
    """Audit of sign-ins, failures, lockouts, second factors and API tokens, for operators."""

    kind = models.CharField(max_length=30, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # What was typed at the sign-in form, kept even when no such user exists.
    username = models.CharField(max_length=150, blank=True)
    # Who did it, when it was not the user themself (a supervisor revoking a token).
    actor = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.created_at:%Y-%m-%d %H:%M}"
