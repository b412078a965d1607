"""Deciding a survey when a case is resolved: the CSAT about the case (scheduled after the
channel's delay, or skipped with the reason) and the customer's next NPS on its cadence."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from rapport.cases.hooks import CaseResolved
from rapport.cases.models import Case
from rapport.surveys.eligibility import csat_verdict
from rapport.surveys.models import SkipReason, Survey, SurveyKind, SurveyOptOut, SurveyStatus
from rapport.surveys.policy import csat_delay, nps_cadence, sampled


@transaction.atomic
def schedule_on_resolution(resolved: CaseResolved) -> list[Survey]:
    """`on_case_resolved`: the CSAT for this case (once per case) and the customer's NPS."""
    if not settings.RAPPORT_SURVEYS:
        return []
    case = Case.objects.select_related("customer__owner").get(pk=resolved.case_id)
    now = timezone.now()
    csat, eligible = _schedule_csat(case, resolved=resolved, now=now)
    surveys = [csat] if csat is not None else []
    if eligible:
        nps = _schedule_nps(case, now=now)
        if nps is not None:
            surveys.append(nps)
    return surveys


def _schedule_csat(
    case: Case, *, resolved: CaseResolved, now: datetime
) -> tuple[Survey | None, bool]:
    """The case's CSAT and whether a person really helped (which the NPS needs too)."""
    existing = Survey.objects.filter(case=case, kind=SurveyKind.CSAT).first()
    if existing is not None:
        if existing.status == SurveyStatus.SCHEDULED:
            # Resolved again after a reopening: the delay counts from this resolution.
            existing.due_at = now + csat_delay(case.origin_channel)
            existing.save(update_fields=["due_at"])
        return None, False
    verdict = csat_verdict(case, resolved_by=resolved.by)
    reason = verdict.skip_reason
    if not reason and SurveyOptOut.objects.filter(customer_id=case.customer_id).exists():
        reason = SkipReason.OPTED_OUT
    if not reason and not sampled(SurveyKind.CSAT, case.pk):
        reason = SkipReason.NOT_SAMPLED
    survey = Survey.objects.create(
        kind=SurveyKind.CSAT,
        customer_id=case.customer_id,
        case=case,
        agent=verdict.helper,
        status=SurveyStatus.SKIPPED if reason else SurveyStatus.SCHEDULED,
        skip_reason=reason,
        due_at=now + csat_delay(case.origin_channel),
        created_at=now,
    )
    helped = verdict.skip_reason in (SkipReason.NONE, SkipReason.TOO_SHORT)
    return survey, helped


def _schedule_nps(case: Case, *, now: datetime) -> Survey | None:
    """The customer's next NPS, unless one is waiting: `cadence` after their first resolved case,
    then no sooner than `cadence` after the last one decided."""
    cadence = nps_cadence()
    customer = case.customer
    if cadence is None or SurveyOptOut.objects.filter(customer=customer).exists():
        return None
    previous = Survey.objects.filter(customer=customer, kind=SurveyKind.NPS).order_by("-created_at")
    if previous.filter(status=SurveyStatus.SCHEDULED).exists():
        return None
    last = previous.first()
    if last is not None:
        due = (last.sent_at or last.created_at) + cadence
    else:
        first = Case.objects.filter(customer=customer, resolved_at__isnull=False).aggregate(
            first=Min("resolved_at")
        )["first"]
        due = (first or now) + cadence
    in_sample = sampled(SurveyKind.NPS, customer.pk * 10_000 + previous.count())
    return Survey.objects.create(
        kind=SurveyKind.NPS,
        customer=customer,
        case=case,
        agent=customer.owner or case.owner,
        status=SurveyStatus.SCHEDULED if in_sample else SurveyStatus.SKIPPED,
        skip_reason="" if in_sample else SkipReason.NOT_SAMPLED,
        due_at=max(due, now),
        created_at=now,
    )
