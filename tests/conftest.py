"""Personas every test can use: an agent, a supervisor, an agent of another team, a customer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.cases.actions.messages import add_note
from rapport.cases.models import Case
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.people.actions.security import issue_api_token
from rapport.people.models import Agent, Customer, Site, Team
from rapport.routing.actions.opening import open_case

os.environ.setdefault("RAPPORT_TESTING", "1")
# The browser fixtures (one Playwright and one Chromium for the whole session), for the browser
# tests and the story tests alike; registered once here so no two conftests start their own.
pytest_plugins = ["tests.browser.fixtures"]
PASSWORD = "correct horse battery staple"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _shared_fixtures() -> Path:
    """Where the fixtures from other projects live, read in place (never copied into the repo):
    `$RAPPORT_SHARED_FIXTURES`, else `shared/fixtures` beside the clone (`../shared/fixtures`, as
    on the desk's machines and in CI, which clones under /work)."""
    override = os.environ.get("RAPPORT_SHARED_FIXTURES", "")
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parents[2] / "shared" / "fixtures"


# The one place a test learns where the shared fixtures are: use `shared_fixture(...)` inside a
# test, SHARED_FIXTURES for a path built at import time (a glob there finds nothing when absent).
SHARED_FIXTURES = _shared_fixtures()
_NO_SHARED_FIXTURES = (
    f"shared fixtures not found at {SHARED_FIXTURES} (set RAPPORT_SHARED_FIXTURES to their folder)"
)


def pytest_configure(config: pytest.Config) -> None:
    explicit = bool(os.environ.get("RAPPORT_SHARED_FIXTURES"))
    if (IN_CI or explicit) and not SHARED_FIXTURES.is_dir():
        raise pytest.UsageError(_NO_SHARED_FIXTURES)


# The fixtures through which a test reaches the database; pytest-django refuses any other access.
# `live_server` too: the browser fixtures add `transactional_db` to every test that asks for it.
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def reaches_database(item: pytest.Item) -> bool:
    """Whether a test can touch the database: it asks for a database fixture (itself or through
    another fixture, such as `world` or `live_server`) or carries the `django_db` mark."""
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & _DATABASE_FIXTURES) or item.get_closest_marker("django_db") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With RAPPORT_TESTS_DATABASE_ONLY=1 (CI's PostgreSQL stage, after the whole suite passed on
    SQLite), run only the tests that reach the database: the others run the same code on the
    same Python whatever the database, so a second run of them proves nothing new."""
    if os.environ.get("RAPPORT_TESTS_DATABASE_ONLY") != "1":
        return
    kept = [item for item in items if reaches_database(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not reaches_database(item)])
        items[:] = kept


def shared_fixture(*parts: str) -> Path:
    """A file or folder of the shared fixtures, for the test calling this. Without them the test
    skips on a developer's machine; CI (and an explicit override) refuse to start instead."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(_NO_SHARED_FIXTURES)
    return SHARED_FIXTURES.joinpath(*parts)


def require_shared_fixtures() -> None:
    """At the top of a test module built on the shared fixtures: skip the module without them."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(_NO_SHARED_FIXTURES, allow_module_level=True)


@dataclass
class World:
    clinic: Team
    dental: Team
    night_site: Site
    agent: Agent  # Dr. Ana Ortiz, night clinic
    colleague: Agent  # Dr. Ben Hale, night clinic, the customer's regular vet
    supervisor: Agent
    outsider: Agent  # dental team: must not see the clinic's cases
    customer: Customer
    case: Case

    def client_for(self, agent: Agent) -> Client:
        """Signed in; a supervisor also with an authenticator app and this session verified."""
        client = Client()
        client.force_login(agent.user)
        if agent.is_supervisor:
            device = agent.user.totpdevice_set.get_or_create(  # type: ignore[attr-defined]
                name="phone", confirmed=True
            )[0]
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def token_for(self, agent: Agent) -> str:
        return issue_api_token(agent=agent, name="test").raw


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_synchronously(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    settings.RAPPORT_ROUTING_LOAD_TTL = 0  # type: ignore[attr-defined]
    # Fast hashing keeps persona set-up cheap; production uses Django's default PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def world(db: None) -> World:
    night = Site.objects.create(name="Night clinic", timezone="Europe/Madrid", country="ES")
    clinic = Team.objects.create(name="Clinic", slug="clinic")
    dental = Team.objects.create(name="Dental", slug="dental")
    agent = create_agent(
        username="ana",
        display_name="Dr. Ana Ortiz",
        password=PASSWORD,
        site=night,
        timezone_name="Europe/Madrid",
        signature="Night Clinic · +34 911 234 567",
    )
    colleague = create_agent(username="ben", display_name="Dr. Ben Hale", password=PASSWORD)
    supervisor = create_agent(
        username="sam", display_name="Sam Reyes", password=PASSWORD, is_supervisor=True
    )
    outsider = create_agent(username="olga", display_name="Olga Dent", password=PASSWORD)
    clinic.members.add(agent, colleague)
    dental.members.add(outsider)
    customer = create_customer(
        name="Maria Lopez",
        preferred_name="Maria",
        by=agent,
        identities=[("email", "Maria.Lopez@Example.com"), ("phone", "+34 612 345 678")],
        timezone_name="Europe/Madrid",
        owner=colleague,
        deputy=agent,
    )
    case = open_case(
        customer=customer,
        subject="Puppy coughing at night",
        channel="phone",
        text="Mila (10 weeks) has been coughing since last night.",
        by=agent,
        owner=agent,
        team=clinic,
    )
    return World(clinic, dental, night, agent, colleague, supervisor, outsider, customer, case)


def dental_case(world: World, customer: Customer | None = None) -> Case:
    """A case of the dental team (Maria's unless another customer is given), owned by Olga."""
    return open_case(
        customer=customer or world.customer,
        subject="Tooth",
        channel="phone",
        text="Ouch",
        by=world.outsider,
        owner=world.outsider,
        team=world.dental,
    )


def clinic_case_of_a_stranger(world: World) -> Case:
    """A clinic case of Tom, a customer nobody at the clinic owns or stands in for."""
    tom = create_customer(name="Tom Baker", by=world.agent)
    return open_case(
        customer=tom,
        subject="Limping",
        channel="phone",
        text="Since Sunday",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )


@dataclass
class Tom:
    customer: Customer
    dental_case: Case  # his dentist's own case, with an internal note
    clinic_case: Case  # a new case that went to the clinic


def toms_cases(world: World) -> Tom:
    """Tom is the dentist's (the outsider's) customer; one of his cases went to the clinic."""
    customer = create_customer(
        name="Tom Baker",
        by=world.outsider,
        identities=[("email", "tom@example.com")],
        owner=world.outsider,
    )
    dental = open_case(
        customer=customer,
        subject="Crown came loose",
        channel="phone",
        text="Ouch",
        by=world.outsider,
        owner=world.outsider,
        team=world.dental,
    )
    add_note(case=dental, text="Dental secret: anxious patient, sedation", by=world.outsider)
    clinic = open_case(
        customer=customer,
        subject="Dog ate a crown",
        channel="email",
        text="Is he ok?",
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
    add_note(case=clinic, text="Clinic note: x-ray booked", by=world.agent)
    return Tom(customer, dental, clinic)


def totp_code(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now (RFC 6238 from the device's secret)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def missing_component(message: str) -> NoReturn:
    """A browser or server a test needs is not installed: a failure in CI (`.ci/run` installs
    every one), a skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{message}; CI must run these tests", pytrace=False)
    pytest.skip(message)
