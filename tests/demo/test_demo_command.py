"""`rapport demo` loads the stories' world once, through the actions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from rapport.cases.access import cases_for_agent
from rapport.cases.models import Call, Case, CaseEvent, DeliveryStatus, Direction, Message, Status
from rapport.cases.search import search_cases
from rapport.people.models import Agent, Asset, Customer, RapportNote, Site


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Agent, Site, Customer, Case, Message, Call, CaseEvent, RapportNote, Asset)
    }


@pytest.mark.django_db
def test_demo_loads_the_stories_once() -> None:
    output = run_demo()
    assert "supervisor" in output and "rapport-demo" in output and "ana" in output

    supervisor = Agent.objects.get(user__username="supervisor")
    assert supervisor.is_supervisor
    assert authenticate(username="supervisor", password="rapport-demo") is not None
    assert authenticate(username="ana", password="rapport-demo") is not None
    assert Site.objects.values("timezone").distinct().count() == 3

    maria = Customer.objects.get(name="Maria Lopez")
    assert maria.owner and maria.owner.display_name == "Dr. Ben Hale"
    assert maria.deputy and maria.deputy.display_name == "Dr. Ana Ortiz"
    assert maria.rapport_notes.filter(text__contains="Mila, 10-week yellow lab").exists()
    night = Case.objects.get(subject="Puppy coughing at night")
    assert night.owner == maria.deputy  # the night doctor, not the regular vet
    assert night.status == Status.RESOLVED
    assert night.messages.filter(direction=Direction.NOTE, text__contains="Follow-up").exists()

    dimensions = Asset.objects.get(name="Cello dimensions")
    assert dimensions.attributes["body length"] == "75.5 cm"
    assert Case.objects.filter(subject="Case arrived without its wheels").exists()
    assert sum("au-482" in tags for tags in Case.objects.values_list("tags", flat=True)) == 5
    assert Case.objects.filter(subject__contains="real person", priority="urgent").exists()

    # History spread over past weeks, not all stamped "now".
    oldest = Message.objects.order_by("created_at").first()
    newest = Message.objects.order_by("-created_at").first()
    assert oldest and newest and (newest.created_at - oldest.created_at).days > 30
    # Nobody is emailed: demo replies count as delivered.
    assert not Message.objects.filter(delivery_status=DeliveryStatus.QUEUED).exists()

    # The data is searchable and visible through the normal access rules.
    ana = Agent.objects.get(user__username="ana")
    assert set(search_cases(cases_for_agent(ana), "Mila")) == set(
        Case.objects.filter(customer=maria)
    )
    carlo = Agent.objects.get(user__username="carlo")
    assert not search_cases(cases_for_agent(carlo), "Mila").exists()

    before = counts()
    second = run_demo()
    assert "already loaded" in second
    assert counts() == before
