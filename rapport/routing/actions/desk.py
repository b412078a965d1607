"""The only functions that change what routing and deadlines count with: a site's opening
hours, its closures, and the SLA policies. Each is atomic; the routing snapshot forgets the old
values through the model signals (rapport/routing/apps.py). `by` is the agent asking (only a
supervisor may), or None for the operator at the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import transaction

from rapport.lib.errors import ActionError, Forbidden
from rapport.lib.hours import HoursError, hours_as_text, parse_weekly
from rapport.people.actions.audit import record_desk_change
from rapport.people.models import Agent, Channel, Site
from rapport.routing.models import Closure, SlaPolicy

MAX_TARGET = timedelta(days=365)


def _allowed(by: Agent | None) -> None:
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can change opening hours, closures or service levels.")


@transaction.atomic
def set_site_hours(
    *, site: Site, working_hours: Mapping[str, Sequence[Sequence[str]]], by: Agent | None
) -> Site:
    """The site's opening hours; empty means around the clock (deadlines count every hour)."""
    _allowed(by)
    hours = {day: [list(shift) for shift in shifts] for day, shifts in working_hours.items()}
    try:
        parse_weekly(hours)
    except HoursError as exc:
        raise ActionError(str(exc), field="working_hours") from exc
    before = hours_as_text(site.working_hours or {}) or "around the clock"
    site.working_hours = hours
    site.save(update_fields=["working_hours"])
    after = hours_as_text(hours) or "around the clock"
    record_desk_change(by=by, what=f"Site {site.name}: hours: {before} → {after}")
    return site


@transaction.atomic
def add_closure(*, site: Site, day: date, reason: str = "", by: Agent | None) -> Closure:
    """A day the site is closed beyond its public holidays; adding it again updates the reason."""
    _allowed(by)
    closure, _ = Closure.objects.update_or_create(
        site=site, day=day, defaults={"reason": " ".join(reason.split())[:200]}
    )
    why = f" ({closure.reason})" if closure.reason else ""
    record_desk_change(by=by, what=f"Site {site.name}: closed on {day}{why}")
    return closure


@transaction.atomic
def remove_closure(*, site: Site, day: date, by: Agent | None) -> bool:
    _allowed(by)
    deleted, _ = Closure.objects.filter(site=site, day=day).delete()
    if deleted:
        record_desk_change(by=by, what=f"Site {site.name}: open on {day} after all")
    return bool(deleted)


@transaction.atomic
def set_sla_policy(
    *,
    priority: str,
    channel: str = "",
    first_response: timedelta,
    next_response: timedelta,
    resolution: timedelta,
    business_hours: bool = True,
    by: Agent | None,
) -> SlaPolicy:
    """The targets for a priority (and, optionally, one channel), replacing any before."""
    _allowed(by)
    if priority not in SlaPolicy.Priority.values:
        raise ActionError(f"{priority!r} is not a priority.", field="priority")
    if channel and channel not in Channel.values:
        raise ActionError(f"{channel!r} is not a channel.", field="channel")
    targets = {"first": first_response, "next": next_response, "resolution": resolution}
    for name, target in targets.items():
        if not timedelta(minutes=1) <= target <= MAX_TARGET:
            raise ActionError(f"The {name} target must be between 1 minute and a year.")
    if first_response > resolution:
        raise ActionError("The first answer cannot be due after the resolution.")
    policy, _ = SlaPolicy.objects.update_or_create(
        priority=priority,
        channel=channel,
        defaults={
            "first_response_minutes": int(first_response.total_seconds() // 60),
            "next_response_minutes": int(next_response.total_seconds() // 60),
            "resolution_minutes": int(resolution.total_seconds() // 60),
            "business_hours": business_hours,
        },
    )
    counted = "opening hours" if business_hours else "around the clock"
    record_desk_change(
        by=by,
        what=f"Service level {policy}: first {policy.first_response_minutes} min, next "
        f"{policy.next_response_minutes} min, resolved {policy.resolution_minutes} min ({counted})",
    )
    return policy


@transaction.atomic
def remove_sla_policy(*, priority: str, channel: str = "", by: Agent | None) -> bool:
    _allowed(by)
    deleted, _ = SlaPolicy.objects.filter(priority=priority, channel=channel).delete()
    if deleted:
        which = f"{priority} {channel}".strip()
        record_desk_change(by=by, what=f"Service level {which}: back to the built-in target")
    return bool(deleted)
