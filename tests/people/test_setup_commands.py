"""`rapport create-site`, `create-team` and `create-agent`: a new desk's first people, set up
from the command line, who can then sign in and are routed cases."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from rapport.people.actions.customers import create_customer
from rapport.people.models import Agent, Site, Team
from rapport.routing.actions.opening import open_case

PASSWORD = "night shift at the clinic"


def run(command: str, *args: str, stdin: str | None = None, **options: object) -> str:
    out = StringIO()
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_a_new_desk_is_set_up_and_its_first_agent_signs_in_and_gets_cases() -> None:
    assert "created" in run("create_site", "Madrid", timezone="Europe/Madrid", country="es")
    assert "created" in run("create_team", "night-clinic", name="Night clinic")
    said = run(
        "create_agent",
        "ana",
        name="Dr. Ana Ortiz",
        email="ana@clinic.example",
        site="Madrid",
        team=["night-clinic"],
        signature="Night clinic, Calle Mayor 1",
        hours="mon-sun 00:00-24:00",
        password_stdin=True,
        stdin=f"{PASSWORD}\n",
    )
    assert said.strip() == "Agent Dr. Ana Ortiz (ana) at Madrid, in Night clinic."
    agent = Agent.objects.select_related("site", "user").get(user__username="ana")
    assert agent.site == Site.objects.get(name="Madrid") and agent.site.country == "ES"
    assert agent.timezone == "Europe/Madrid"  # the site's, when not given
    assert list(agent.teams.all()) == [Team.objects.get(slug="night-clinic")]
    assert agent.user.check_password(PASSWORD) and not agent.is_supervisor
    assert agent.working_hours["sun"] == [["00:00", "24:00"]]

    client = Client()
    assert client.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200  # the workspace, not "no agent profile"

    customer = create_customer(name="Maria Lopez", by=None, identities=[("email", "m@x.es")])
    case = open_case(customer=customer, subject="", channel="email", text="Mila", by=None)
    assert case.owner_id == agent.pk  # routed to the only agent there is


@pytest.mark.django_db
def test_a_supervisor_without_site_or_team() -> None:
    said = run("create_agent", "sam", name="Sam Rivera", supervisor=True, password_stdin=True,
               stdin=f"{PASSWORD}\n")  # fmt: skip
    assert said.strip() == "Supervisor Sam Rivera (sam)."
    agent = Agent.objects.get(user__username="sam")
    assert agent.is_supervisor and agent.site is None and agent.timezone == "UTC"


@pytest.mark.django_db
def test_bad_input_is_refused_clearly_and_nothing_is_half_made() -> None:
    run("create_site", "Madrid", timezone="Europe/Madrid")
    with pytest.raises(CommandError, match="already a site"):
        run("create_site", "Madrid", timezone="Europe/Madrid")
    with pytest.raises(CommandError):
        run("create_site", "Mars", timezone="Mars/Olympus_Mons")
    with pytest.raises(CommandError, match="not a slug"):
        run("create_team", "Night Clinic", name="Night clinic")
    with pytest.raises(CommandError, match="no site called 'Paris'"):
        run("create_agent", "ana", name="Ana", site="Paris", password_stdin=True, stdin="x\n")
    with pytest.raises(CommandError, match="no team 'dental'"):
        run("create_agent", "ana", name="Ana", team=["dental"], password_stdin=True, stdin="x\n")
    with pytest.raises(CommandError, match="'noon' is not a time"):
        run("create_agent", "ana", name="Ana", hours="mon noon-18:00", password_stdin=True,
            stdin=f"{PASSWORD}\n")  # fmt: skip
    with pytest.raises(CommandError, match="too short"):
        run("create_agent", "ana", name="Ana", password_stdin=True, stdin="short\n")
    with pytest.raises(CommandError, match="--password-stdin"):
        run("create_agent", "ana", name="Ana")  # no terminal to ask at, and no flag
    with pytest.raises(CommandError):
        run("create_agent", "ana", name="Ana", timezone="Nowhere/Land", password_stdin=True,
            stdin=f"{PASSWORD}\n")  # fmt: skip
    # The refused agent left no sign-in behind.
    assert not get_user_model().objects.filter(username="ana").exists()
    run("create_agent", "ana", name="Ana", password_stdin=True, stdin=f"{PASSWORD}\n")
    with pytest.raises(CommandError, match="already a user"):
        run("create_agent", "ana", name="Ana", password_stdin=True, stdin=f"{PASSWORD}\n")
