"""Everything the desk holds on one person, table by table: what export reads and erasure clears.

One place names every table that holds a customer's data, so the export and the erasure cannot
disagree about what "everything" is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from rapport.care.models import Appointment, Promise, Referral, WordOfMouth
from rapport.cases.models import Attachment, Call, Case, CaseEvent, Message, Notification
from rapport.chat.models import ChatEntry, Conversation, EmailCode
from rapport.mail.models import AwaitedMessage, InboundEmail
from rapport.outreach.models import MakeGood, OutreachTask
from rapport.people.models import Customer, Identity, IdentityKind
from rapport.social.models import SocialPost, SocialResponse


@dataclass(frozen=True, slots=True)
class Held:
    """The customer, the records merged into them, and querysets of what hangs off them."""

    customer: Customer
    customer_ids: list[int]
    case_ids: list[int]
    email_addresses: list[str]

    @property
    def theirs(self) -> Q:
        """A row on one of their cases or on one of them (its `case` or `customer`)."""
        return Q(case_id__in=self.case_ids) | Q(customer_id__in=self.customer_ids)

    @property
    def customers(self) -> QuerySet[Customer]:
        return Customer.objects.filter(pk__in=self.customer_ids).order_by("pk")

    @property
    def identities(self) -> QuerySet[Identity]:
        return Identity.objects.filter(customer_id__in=self.customer_ids).order_by("pk")

    @property
    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(pk__in=self.case_ids).order_by("pk")

    @property
    def messages(self) -> QuerySet[Message]:
        return Message.objects.filter(self.theirs).order_by("pk")

    @property
    def attachments(self) -> QuerySet[Attachment]:
        return Attachment.objects.filter(message__in=self.messages.values("pk")).order_by("pk")

    @property
    def calls(self) -> QuerySet[Call]:
        return Call.objects.filter(self.theirs).order_by("pk")

    @property
    def case_events(self) -> QuerySet[CaseEvent]:
        return CaseEvent.objects.filter(case_id__in=self.case_ids).order_by("pk")

    @property
    def notifications(self) -> QuerySet[Notification]:
        return Notification.objects.filter(case_id__in=self.case_ids).order_by("pk")

    @property
    def promises(self) -> QuerySet[Promise]:
        return Promise.objects.filter(self.theirs).order_by("pk")

    @property
    def referrals(self) -> QuerySet[Referral]:
        return Referral.objects.filter(promise__in=self.promises.values("pk")).order_by("pk")

    @property
    def appointments(self) -> QuerySet[Appointment]:
        return Appointment.objects.filter(promise__in=self.promises.values("pk")).order_by("pk")

    @property
    def word_of_mouth(self) -> QuerySet[WordOfMouth]:
        return WordOfMouth.objects.filter(
            Q(referrer_id__in=self.customer_ids) | Q(referred_id__in=self.customer_ids)
        ).order_by("pk")

    @property
    def make_goods(self) -> QuerySet[MakeGood]:
        return MakeGood.objects.filter(self.theirs).order_by("pk")

    @property
    def outreach_tasks(self) -> QuerySet[OutreachTask]:
        return OutreachTask.objects.filter(self.theirs).order_by("pk")

    @property
    def awaited_messages(self) -> QuerySet[AwaitedMessage]:
        return AwaitedMessage.objects.filter(self.theirs).order_by("pk")

    @property
    def conversations(self) -> QuerySet[Conversation]:
        """Their chats: the name and email they typed, the state of each conversation."""
        return Conversation.objects.filter(case_id__in=self.case_ids).order_by("pk")

    @property
    def chat_entries(self) -> QuerySet[ChatEntry]:
        """The chats' lines (their words live in `messages`; system lines hold their own text)."""
        return ChatEntry.objects.filter(conversation__case_id__in=self.case_ids).order_by("pk")

    @property
    def email_codes(self) -> QuerySet[EmailCode]:
        """Codes mailed to prove an address they gave in a chat."""
        return EmailCode.objects.filter(conversation__case_id__in=self.case_ids).order_by("pk")

    @property
    def social_posts(self) -> QuerySet[SocialPost]:
        """Their public posts and reviews as the desk took them in (handle, name, words, link)."""
        return SocialPost.objects.filter(self.theirs).order_by("pk")

    @property
    def social_responses(self) -> QuerySet[SocialResponse]:
        """What agents recorded doing about those posts (a reply's link, a note)."""
        return SocialResponse.objects.filter(case_id__in=self.case_ids).order_by("pk")

    @property
    def inbound_emails(self) -> QuerySet[InboundEmail]:
        """Mail that became their cases, and mail from their addresses that did not (auto-replies,
        bounces, rejected mail)."""
        mine = self.theirs
        if self.email_addresses:
            mine |= Q(sender__in=self.email_addresses) | Q(envelope_from__in=self.email_addresses)
        return InboundEmail.objects.filter(mine).order_by("pk")


def held_for(customer: Customer) -> Held:
    """The customer and every record merged into them (the same person, found earlier)."""
    ids = [customer.pk]
    frontier = [customer.pk]
    while frontier:  # merges chain: A into B, B into C
        frontier = [
            pk
            for pk in Customer.objects.filter(merged_into_id__in=frontier).values_list(
                "pk", flat=True
            )
            if pk not in ids
        ]
        ids += frontier
    case_ids = list(Case.objects.filter(customer_id__in=ids).values_list("pk", flat=True))
    emails = list(
        Identity.objects.filter(customer_id__in=ids, kind=IdentityKind.EMAIL).values_list(
            "value", flat=True
        )
    )
    return Held(customer=customer, customer_ids=ids, case_ids=case_ids, email_addresses=emails)
