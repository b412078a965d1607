"""The public contact page: a phone number, opening hours, and a person who will call back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rapport.care.windows import describe_window
from rapport.lib.errors import ActionError
from rapport.lib.forms import Form
from rapport.lib.wallclock import WallClockField, in_zone, known_zone
from rapport.people.access import brand_by_slug
from rapport.people.models import Brand, Site
from rapport.portal.actions import request_callback
from rapport.routing.service import site_calendar

DAYS = (
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
)


class CallbackForm(Form):
    name = forms.CharField(max_length=200)
    phone = forms.CharField(max_length=40, help_text="With the country code, e.g. +44 20 7946 0958")
    email = forms.EmailField(required=False)
    about = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    when = WallClockField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for the first free time.",
    )
    timezone = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def clean_timezone(self) -> str:
        value: str = self.cleaned_data.get("timezone") or ""
        return value if known_zone(value) else ""

    def window_start(self) -> datetime | None:
        """The time typed, on the visitor's own clock (their browser's zone)."""
        when: datetime | None = self.cleaned_data.get("when")
        if when is None:
            return None
        zone = self.cleaned_data.get("timezone") or settings.TIME_ZONE
        return in_zone(when, zone, field="when")


@dataclass(frozen=True)
class SiteHours:
    name: str
    timezone: str
    days: list[str]  # "Mon 08:00 to 20:00", in the site's zone; empty around the clock
    around_the_clock: bool
    open_now: bool
    opens_at: datetime | None  # when closed: when it opens next (holidays and closures counted)


def _opening_hours(now: datetime, brand: Brand | None) -> list[SiteHours]:
    """Every site (of the brand), with its hours in its own zone and whether it is open now;
    the page shows the next opening on the visitor's clock too (portal.js), the site's without
    script."""
    hours = []
    sites = Site.objects.order_by("name")
    if brand is not None:
        # Its own sites; a business without any is where its people work.
        own = sites.filter(brand=brand)
        sites = own if own.exists() else sites.filter(agent__teams__brand=brand).distinct()
    for site in sites:
        week = site.working_hours or {}
        calendar = site_calendar(site)
        open_now = calendar.is_open(now)
        days = [
            f"{label} " + ", ".join(f"{start} to {end}" for start, end in week[key])
            for key, label in DAYS
            if week.get(key)
        ]
        hours.append(
            SiteHours(
                name=site.name,
                timezone=site.timezone,
                days=days,
                around_the_clock=not week,
                open_now=open_now,
                opens_at=None if open_now else calendar.next_open(now),
            )
        )
    return hours


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, brand_slug: str = "") -> HttpResponse:
    """`/contact/<brand>/`: that business's number, sites and people. `/contact/` on a desk
    with several businesses asks which one; on a desk without brands it is the page itself."""
    brand = brand_by_slug(brand_slug) if brand_slug else None
    if brand is None and Brand.objects.exists():
        return render(
            request, "portal/choose_brand.html", {"brands": Brand.objects.order_by("name")}
        )
    form = CallbackForm(request.POST or None)
    context: dict[str, Any] = {
        "form": form,
        "brand": brand,
        "support_phone": (brand.phone if brand else "") or settings.RAPPORT_SUPPORT_PHONE,
        "hours": _opening_hours(timezone.now(), brand),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise = request_callback(
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                about=data["about"],
                window_start=form.window_start(),
                timezone_name=data["timezone"],
                brand=brand,
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            customer = promise.customer
            window = describe_window(
                promise.due_at, promise.window_end or promise.due_at, timezone=customer.timezone
            )
            return render(
                request,
                "portal/callback_booked.html",
                {**context, "promise": promise, "window": window, "agent": promise.owner},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/contact.html", context, status=status)
