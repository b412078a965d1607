"""Live conversations: a chat is a case whose messages are numbered for the customer's screen.

Every line the customer sees is a `ChatEntry` with a `seq` that grows by one per conversation,
allocated under the conversation's row lock in the transaction that stores the line; the
socket only says "new up to seq N" after the commit, and each client fetches from its cursor.
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Brand


class ConversationState(models.TextChoices):
    OPEN = "open", "Open"
    ENDED = "ended", "Ended"


class Conversation(models.Model):
    """One customer's chat, reached by a random token only they hold (stored hashed)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conversations")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL)
    token_hash = models.CharField(max_length=64, unique=True)
    # The browser that started it (its signed cookie): its chats are its own.
    visitor_id = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=320, blank=True)
    # The email was proven by a code sent to it: the chat joined that customer's history.
    verified_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    customer_seen_seq = models.PositiveIntegerField(default=0)
    agent_seen_seq = models.PositiveIntegerField(default=0)
    # The agent's replies up to this seq were put in an email (or could not be: no address the
    # desk may write to); never emailed twice.
    emailed_seq = models.PositiveIntegerField(default=0)
    # When the oldest reply the customer has not seen (nor been emailed) is due to be emailed
    # (`rapport/chat/actions/unseen.py`); null: nothing waits.
    unseen_email_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(
        max_length=10, choices=ConversationState.choices, default=ConversationState.OPEN
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    # When the sweep checks that a person has answered (the brand's chat_answer_minutes after
    # the start); cleared once checked. Indexed: the sweep's query.
    answer_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the customer was told nobody can answer now and offered a call back or email.
    nobody_told_at = models.DateTimeField(null=True, blank=True)
    # The customer chose to continue by email (the address in `email`); once they prove it
    # theirs with the code (`verified_at`, the chat's one proof) the replies go there.
    by_email_at = models.DateTimeField(null=True, blank=True)
    # The widget's id for the start (its first line): a repeat returns this conversation.
    client_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~models.Q(client_id=""),
                name="chat_conversation_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"chat on case #{self.case_id}"


class EntryKind(models.TextChoices):
    IN = "in", "From the customer"
    OUT = "out", "From an agent"
    SYSTEM = "system", "System"


class ChatEntry(models.Model):
    """A line of the conversation, numbered: the customer's or agent's case message, or a
    visibly automatic system line ("Ana has joined")."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=6, choices=EntryKind.choices)
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="chat_entry"
    )
    text = models.TextField(blank=True, help_text="a system line's words")
    # The person a system line announces ("Ana has joined"): announced once, and named to the
    # customer as the person they are talking with.
    agent = models.ForeignKey(
        "people.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The widget's id for the line it sent: a retry after a lost answer stores nothing twice.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_entry_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_entry_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"


class CodeState(models.TextChoices):
    PENDING = "pending", "Waiting for the code"
    VERIFIED = "verified", "Verified"
    REPLACED = "replaced", "Replaced by a newer code"
    LOCKED = "locked", "Locked after too many wrong tries"
    EXPIRED = "expired", "Expired unused"


# A code moves only out of pending, once.
CODE_TRANSITIONS: dict[str, frozenset[str]] = {
    CodeState.PENDING: frozenset(
        {CodeState.VERIFIED, CodeState.REPLACED, CodeState.LOCKED, CodeState.EXPIRED}
    ),
}


class EmailCode(models.Model):
    """A one-time code mailed to the address a chat visitor gave, to prove it is theirs before
    the chat joins the history of the customer who holds it. Only a keyed hash of the code is
    kept; it expires, and a few wrong tries lock it. Settled, it forgets the address."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="codes")
    email = models.CharField(max_length=320, blank=True)
    code_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=CodeState.choices, default=CodeState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["conversation", "-created_at"], name="chat_code_latest")]

    def __str__(self) -> str:
        return f"code for chat {self.conversation_id} ({self.state})"
