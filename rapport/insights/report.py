"""The frame every insights question plugs into: what a question is asked about (`Scope`), what it
answers (`Report`: figures, tables, charts), the filters read from a page's or the API's query
string, exact percentiles computed by the database, and a table as CSV.

A question is a function `(scope: Scope) -> Report` in `rapport/insights/questions/`; the web
page, its CSV downloads and `GET /api/v1/insights/<question>` all render the same `Report`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from rapport.cases.models import Case
from rapport.insights.charts import Chart
from rapport.insights.rollups import Keys
from rapport.lib.forms import Form
from rapport.people.models import Agent, Brand, Site, Team

DEFAULT_DAYS = 7

Cell = str | int | float | None


@dataclass(frozen=True)
class Scope:
    """What a question is asked about: the cases the supervisor may see, narrowed by the team,
    site (of the case's owner), agent (the owner) and brand filters; the window [since, until)
    (dates are whole days in the desk's zone); the zone day buckets are cut in; and now."""

    cases: QuerySet[Case]
    since: datetime
    until: datetime
    zone: ZoneInfo
    now: datetime
    filters: Mapping[str, str] = field(default_factory=dict)
    # The filters as the kept days' columns when the cases are the whole desk's narrowed only
    # by them (a supervisor's): the figures kept per day may answer (`rollups.py`).
    kept: Keys | None = None

    def window(self) -> dict[str, Any]:
        """A selector's window, with what lets kept days answer part of it."""
        return {
            "since": self.since,
            "until": self.until,
            "zone": self.zone,
            "kept": self.kept,
            "now": self.now,
        }


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Cell
    unit: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(row) for row in self.rows],
        }


@dataclass(frozen=True)
class Report:
    question: str
    title: str
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    # The question's own JSON keys for the API, beside figures and tables.
    data: Mapping[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


@dataclass(frozen=True)
class Question:
    slug: str  # the page's and the API's path segment
    title: str
    summary: str  # one line on the index
    build: Callable[[Scope], Report]
    live: bool = False  # about now: the period filters do not apply


class FilterError(Exception):
    """A filter the desk cannot apply: which one, and why, for the person who typed it."""

    def __init__(self, errors: Mapping[str, str], form: FiltersForm | None = None) -> None:
        self.errors = dict(errors)
        self.form = form
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class DayOrTimeField(forms.CharField):
    """A day (YYYY-MM-DD, a whole day in the desk's zone) or an exact time with its offset."""

    def to_python(self, value: Any) -> date | datetime | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            stamp = parse_datetime(text)
        except ValueError:
            stamp = None
        if stamp is None or stamp.tzinfo is None:
            raise forms.ValidationError(
                f"{text!r} is not a date: use YYYY-MM-DD (or a time with its offset, "
                "e.g. 2026-11-20T09:00:00+01:00).",
                code="invalid",
            )
        return stamp


def _choice(queryset: QuerySet[Any], what: str, empty: str) -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(
        queryset=queryset,
        required=False,
        empty_label=empty,
        error_messages={"invalid_choice": f"There is no {what} with id %(value)s."},
    )


class FiltersForm(Form):
    """The filters of every insights page and API call (GET parameters)."""

    since = DayOrTimeField(required=False, label="Since", widget=forms.DateInput({"type": "date"}))
    until = DayOrTimeField(
        required=False, label="Until (included)", widget=forms.DateInput({"type": "date"})
    )
    team = _choice(Team.objects.order_by("name"), "team", "Every team")
    site = _choice(Site.objects.order_by("name"), "site", "Every site")
    agent = _choice(
        Agent.objects.filter(user__is_active=True).order_by("display_name"),
        "active agent",
        "Everyone",
    )
    brand = _choice(Brand.objects.order_by("name"), "business", "Every business")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None:
            start = _start(since, _desk_zone())
            end = _end(until, _desk_zone())
            if end <= start:
                self.add_error("until", "Until must be after since.")
            elif end - start > MAX_PERIOD:
                self.add_error("since", MAX_PERIOD_ERROR)
        elif since is not None and timezone.now() - _start(since, _desk_zone()) > MAX_PERIOD:
            self.add_error("since", MAX_PERIOD_ERROR)
        return data


# Weekly tables have a row per week of the period: 261 at most, not 15,654 for 1900 to 2199.
MAX_PERIOD = timedelta(days=5 * 366)
MAX_PERIOD_ERROR = "Choose a period of at most five years."


def _desk_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _start(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=zone)


def _end(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A day given as `until` is included: the window ends at the next midnight."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time(0), tzinfo=zone)


FILTER_NAMES = ("since", "until", "team", "site", "agent", "brand")


def read_filters(data: Mapping[str, Any]) -> FiltersForm:
    """The filters given (only the known names); raises FilterError saying which is wrong."""
    given = {name: data[name] for name in FILTER_NAMES if data.get(name) not in (None, "")}
    form = FiltersForm(given)
    if not form.is_valid():
        raise FilterError(
            {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()},
            form=form,
        )
    return form


def scope_for(cases: QuerySet[Case], form: FiltersForm, *, now: datetime) -> Scope:
    """The scope of a checked filters form over the cases a supervisor may see. Without dates:
    the last seven days, today included (whole days in the desk's zone)."""
    zone = _desk_zone()
    data = form.cleaned_data
    whole_desk = not cases.query.where
    today = now.astimezone(zone).date()
    until = _end(data.get("until") or today, zone)
    first_day = until.astimezone(zone).date() - timedelta(DEFAULT_DAYS)
    since = _start(data.get("since") or first_day, zone)
    if data.get("team"):
        cases = cases.filter(team=data["team"])
    if data.get("site"):
        cases = cases.filter(owner__site=data["site"])
    if data.get("agent"):
        cases = cases.filter(owner=data["agent"])
    if data.get("brand"):
        cases = cases.filter(brand=data["brand"])
    given = {name: str(form.data[name]) for name in FILTER_NAMES if name in form.data}
    kept = None
    if whole_desk:
        kept = Keys(
            **{name: data[name].pk for name in ("team", "site", "agent", "brand") if data.get(name)}
        )
    return Scope(
        cases=cases, since=since, until=until, zone=zone, now=now, filters=given, kept=kept
    )


# -- CSV ------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: Cell) -> Cell:
    """A text cell a spreadsheet could run gets a leading apostrophe: one starting with a
    formula character once invisible characters are left out and full-width forms are read as
    their ASCII (NFKC: the full-width equals sign is "="), as some spreadsheets read them."""
    if not isinstance(cell, str):
        return cell
    visible = unicodedata.normalize("NFKC", cell).lstrip("\u200b\u200c\u200d\u2060\ufeff ")
    if cell.startswith(FORMULA_STARTS) or visible.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe(column) for column in table.columns])
    writer.writerows([_safe(cell) for cell in row] for row in table.rows)
    return out.getvalue()
