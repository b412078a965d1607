"""Story 5: flight AU 482 is cancelled; each of its 30 passengers gets personal outreach."""

from __future__ import annotations

from rapport.cases.models import CallOutcome
from rapport.demo.world import SUPERVISOR, Builder
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience, log_outreach_call, send_outreach_message
from rapport.outreach.models import OutreachOutcome, OutreachTask, Severity
from rapport.people.models import Agent

FLIGHT = "AU 482"
# name, phone, email, what we know, booking attributes that set who is called first, owner
PASSENGERS: list[tuple[str, str, str, str, dict[str, str], str | None]] = [
    (
        "Rosa Delgado",
        "+34 699 112 233",
        "rosa.delgado@example.com",
        "Travelling with an infant; connection to Lima",
        {"travelling_today": "yes", "connection": "MNL → LIM"},
        "carlo",
    ),
    (
        "Marco Bellini",
        "+33 6 12 34 56 78",
        "marco.bellini@example.it",
        "Wheelchair assistance booked",
        {"medical_need": "yes", "assistance": "WCHR"},
        "carlo",
    ),
    ("Jun Santos", "+63 917 123 4567", "jun.santos@example.ph", "", {}, "grace"),
    ("Emily Clarke", "+1 604 555 0188", "emily.clarke@example.ca", "", {}, "grace"),
    (
        "Ahmed Haddad",
        "+1 416 555 0123",
        "ahmed.haddad@example.com",
        "Frequent flyer, gold",
        {"loyalty": "gold"},
        "grace",
    ),
]
FIRST_NAMES = (  # noqa: SIM905 -- a list of names reads best as text
    "Lucía Pablo Inés Diego Carmen Mateo Sofía Andrés Elena Tomás Paula Javier Marta Hugo Clara "
    "Miguel Nuria Raúl Irene Óscar Teresa Iván Alba Sergio Julia"
).split()
LAST_NAMES = (  # noqa: SIM905 -- a list of names reads best as text
    "Reyes Cruz Bautista Ocampo Navarro Villanueva Garcia Mendoza Aquino Soriano Castillo "
    "Ramos Torres Flores Rivera Gomez Santiago Lim Tan Domingo Pascual Morales Luna Herrera"
).split()
EXTRA_PASSENGERS = 25


def passengers() -> list[tuple[str, str, str, str, dict[str, str], str | None]]:
    """The five passengers of the story and 25 more, so the progress board means something."""
    rows = list(PASSENGERS)
    for index in range(EXTRA_PASSENGERS):
        first, last = FIRST_NAMES[index], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        attributes: dict[str, str] = {}
        if index % 9 == 0:
            attributes["travelling_today"] = "yes"
        elif index % 6 == 1:
            attributes["loyalty"] = "gold"
        handle = f"{first}.{last}".lower().replace(" ", "")
        rows.append(
            (
                f"{first} {last}",
                f"+34 655 {100 + index:03d} {200 + index * 3:03d}",
                f"{handle}@example.com",
                "",
                attributes,
                None,
            )
        )
    return rows


def owner_of(task: OutreachTask) -> Agent:
    if task.owner is None:  # add_audience gives every task a person; a demo bug otherwise
        raise RuntimeError(f"Outreach task {task.pk} has no owner")
    return task.owner


def airline(b: Builder) -> None:
    """Story 5: a cancelled flight; each passenger gets personal outreach, phone first."""
    customers = []
    for index, (name, phone, email, fact, attributes, agent) in enumerate(passengers()):
        since = b.ago(days=30 + index % 20)
        customer = b.customer(
            name,
            [("phone", phone), ("email", email)],
            since=since,
            owner=agent,
            deputy=("grace" if agent == "carlo" else "carlo") if agent else None,
        )
        b.own(
            customer,
            agent or "carlo",
            f"Booking {FLIGHT} Madrid → Manila",
            kind="booking",
            reference=f"AU482-{7301 + index}",
            attributes={"flight": FLIGHT, "seat": f"{12 + index // 6}{'ABCDEF'[index % 6]}"}
            | attributes,
            when=since,
        )
        if fact:
            b.remember(customer, agent or "carlo", fact, when=since)
        customers.append(customer)

    supervisor = b.agents[SUPERVISOR]
    incident = b.at(
        b.ago(hours=20),
        create_incident,
        title=f"Flight {FLIGHT} Madrid → Manila cancelled",
        by=supervisor,
        description="Technical fault; the aircraft is grounded in Madrid. Offer a seat on "
        "tomorrow's 09:40, a hotel voucher tonight, or a full refund.",
        severity=Severity.CRITICAL,
        team=b.teams["airline"],
    )
    b.at(
        b.ago(hours=19, minutes=50),
        add_audience,
        incident=incident,
        by=supervisor,
        asset_reference=FLIGHT,
    )
    tasks = {
        task.customer_id: task
        for task in incident.tasks.select_related("case", "owner", "incident", "customer")
    }
    for task in tasks.values():
        b.cases.append(task.case)
    by_name = {c.name: tasks[c.pk] for c in customers}
    # The first hours of outreach, most affected first: (who, call outcome, result, notes).
    worked = [
        (
            "Rosa Delgado",
            CallOutcome.REACHED,
            OutreachOutcome.REBOOKED,
            "Rebooked on tomorrow's "
            "09:40 with a bassinet seat; Lima connection moved; hotel voucher issued.",
        ),
        (
            "Marco Bellini",
            CallOutcome.REACHED,
            OutreachOutcome.REBOOKED,
            "Rebooked on the 09:40; wheelchair assistance re-confirmed at both ends.",
        ),
        (
            "Jun Santos",
            CallOutcome.REACHED,
            OutreachOutcome.REFUNDED,
            "Prefers a full refund; processed, 5-7 days.",
        ),
        ("Emily Clarke", CallOutcome.VOICEMAIL, "", "Voicemail left with my direct number."),
        ("Ahmed Haddad", CallOutcome.NO_ANSWER, "", "No answer; will try again after 18:00."),
        (
            customers[5].name,
            CallOutcome.REACHED,
            OutreachOutcome.REBOOKED,
            "Rebooked on the 09:40.",
        ),
        (
            customers[6].name,
            CallOutcome.REACHED,
            OutreachOutcome.DECLINED,
            "Staying with family in Madrid; will book again later. Thanked us for calling.",
        ),
        (customers[7].name, CallOutcome.NO_ANSWER, "", "No answer."),
        (customers[8].name, CallOutcome.WRONG_NUMBER, "", "Number belongs to someone else."),
    ]
    for minutes, (name, call_outcome, outcome, notes) in enumerate(worked):
        task = by_name[name]
        b.at(
            b.ago(hours=18, minutes=-12 * minutes),
            log_outreach_call,
            task=task,
            by=owner_of(task),
            call_outcome=call_outcome,
            outcome=outcome,
            notes=notes,
            duration_seconds=60 if call_outcome != CallOutcome.REACHED else 420,
        )
    emily = by_name["Emily Clarke"]
    b.at(
        b.ago(hours=17, minutes=55),
        send_outreach_message,
        task=emily,
        by=owner_of(emily),
        text=f"Hi Emily,\n\nI'm {owner_of(emily).display_name} from Aurora Air. Your flight "
        f"{FLIGHT} was cancelled, and I'm sorry for the trouble. I've held a seat for you on "
        "tomorrow's 09:40 — call me to confirm, or tell me if you'd rather have a refund.",
    )
