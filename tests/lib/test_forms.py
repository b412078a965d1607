"""The web forms refuse what the database could not hold, in one place (rapport.lib.forms.Form):
a date outside 1900-2199, a number past 64 bits, a NUL or lone surrogate in text."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client

import rapport
from rapport.care.forms import FollowUpForm
from rapport.care.models import Promise
from rapport.lib.forms import Form
from tests.conftest import World


def _every_form() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(rapport.__path__, "rapport."):
        if ".migrations" not in module.name and not module.name.endswith(".cli"):
            importlib.import_module(module.name)
    found: list[type[forms.Form]] = []
    todo = list(forms.Form.__subclasses__())
    while todo:
        form = todo.pop()
        todo += form.__subclasses__()
        if form.__module__.startswith("rapport."):
            found.append(form)
    return found


def test_every_form_of_the_product_derives_from_the_checked_form() -> None:
    everything = _every_form()
    assert len(everything) > 20
    unchecked = [f"{f.__module__}.{f.__name__}" for f in everything if not issubclass(f, Form)]
    assert unchecked == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_at": "0001-01-01T10:00"}, "between 1900 and 2199"),
        ({"due_at": "2300-01-01T10:00"}, "between 1900 and 2199"),
        ({"purpose": "Mila\ud83d"}, "lone surrogate"),
        ({"purpose": "Mila\x00"}, "Null characters are not allowed"),
    ],
)
def test_the_checked_form_names_the_problem(data: dict[str, str], message: str) -> None:
    form = FollowUpForm(data)
    assert not form.is_valid()
    assert message in str(form.errors)


def test_a_follow_up_in_year_one_is_refused_on_the_page(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(
        f"/care/cases/{world.case.pk}/follow-up/",
        {"due_at": "0001-01-01T10:00", "purpose": "Far back"},
        follow=True,
    )
    assert response.status_code == 200
    assert "between 1900 and 2199" in response.content.decode()
    assert not Promise.objects.exists()
    assert client.get(f"/customers/{world.customer.pk}/").status_code == 200


def test_the_contact_form_refuses_a_time_in_year_one(world: World) -> None:
    response = Client().post(
        "/contact/",
        {
            "name": "Maria",
            "phone": "+34 612 345 678",
            "about": "Call me in year one",
            "when": "0001-01-01T10:00",
            "timezone": "Europe/Madrid",
        },
    )
    assert response.status_code == 400
    assert "between 1900 and 2199" in response.content.decode()
    assert not Promise.objects.exists()


def test_a_number_past_64_bits_is_a_form_error_not_a_500(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(
        f"/customers/{world.customer.pk}/merge/", {"target": str(2**64)}, follow=True
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
