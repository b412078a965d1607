"""The inbox's selection bar: one action on the ticked cases, done and refused counted."""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages

from rapport.cases.actions.bulk import MAX_BULK_CASES
from rapport.cases.models import Case, CaseEvent, CaseEventKind, Status
from rapport.people.actions.customers import create_customer
from rapport.people.models import Team
from rapport.workspace.forms import BulkForm
from tests.conftest import World, dental_case
from tests.workspace.helpers import assert_login_required, make_cases


def _flashed(response: object) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_the_inbox_shows_a_tick_per_case_and_the_bar(world: World) -> None:
    html = world.client_for(world.agent).get("/?view=team").content.decode()
    assert f'name="case" value="{world.case.pk}" form="bulk-form"' in html
    assert 'id="bulk-form"' in html and 'action="/cases/bulk/"' in html
    for action in ("assign", "team", "status", "tag", "merge"):
        assert f'<option value="{action}">' in html


def test_assign_three_ticked_cases_and_come_back_to_the_same_list(world: World) -> None:
    cases = make_cases(world, 3, owners=[world.agent])
    response = world.client_for(world.agent).post(
        "/cases/bulk/",
        {
            "case": [c.pk for c in cases],
            "action": "assign",
            "owner": world.colleague.pk,
            "next": "/?view=team&sort=due",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/?view=team&sort=due"
    assert _flashed(response) == [("success", "3 of 3 cases assigned to Dr. Ben Hale.")]
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("owner", flat=True)
    ) == {world.colleague.pk}
    assert CaseEvent.objects.filter(kind=CaseEventKind.ASSIGNED, actor=world.agent).count() == 3


def test_refusals_are_counted_and_each_says_why(world: World) -> None:
    theirs = dental_case(world, create_customer(name="Tom Baker", by=world.outsider))
    closed = make_cases(world, 1)[0]
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    response = world.client_for(world.agent).post(
        "/cases/bulk/",
        {"case": [world.case.pk, theirs.pk, closed.pk], "action": "status", "status": "resolved"},
    )
    assert response["Location"] == "/"
    assert _flashed(response) == [
        ("success", "1 of 3 cases set to resolved; 2 refused (see why below)."),
        ("warning", f"#{theirs.pk} refused: There is no case #{theirs.pk} you can open."),
        ("warning", f"#{closed.pk} refused: A closed case cannot become resolved."),
    ]
    assert Case.objects.get(pk=world.case.pk).status == Status.RESOLVED
    assert Case.objects.get(pk=theirs.pk).status != Status.RESOLVED


def test_nothing_ticked_or_no_value_changes_nothing_and_says_so(world: World) -> None:
    def post(data: dict[str, object]) -> list[tuple[str, str]]:
        return _flashed(world.client_for(world.agent).post("/cases/bulk/", data))

    assert post({"action": "tag", "tag": "x"}) == [
        ("error", "Cases: Select the cases to change first.")
    ]
    assert post({"case": [world.case.pk], "action": "assign"}) == [
        ("error", "Choose the agent to assign the cases to.")
    ]
    assert post({"case": [world.case.pk], "action": "team", "team": 999_999}) == [
        ("error", "There is no team #999999.")
    ]
    assert post({"case": ["1; drop"], "action": "tag", "tag": "x"}) == [
        ("error", "Cases: '1; drop' is not a case number.")
    ]
    assert not CaseEvent.objects.filter(
        case=world.case, kind__in=[CaseEventKind.ASSIGNED, CaseEventKind.TAGS]
    ).exists()


def test_the_outsider_changes_nothing_of_the_clinic(world: World) -> None:
    response = world.client_for(world.outsider).post(
        "/cases/bulk/", {"case": [world.case.pk], "action": "tag", "tag": "mine"}
    )
    assert _flashed(response) == [
        ("success", "0 of 1 case tagged “mine”; 1 refused (see why below)."),
        ("warning", f"#{world.case.pk} refused: There is no case #{world.case.pk} you can open."),
    ]
    assert Case.objects.get(pk=world.case.pk).tags == []


def test_a_next_elsewhere_is_not_followed(world: World) -> None:
    response = world.client_for(world.agent).post(
        "/cases/bulk/",
        {"case": [world.case.pk], "action": "tag", "tag": "x", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    assert_login_required("/cases/bulk/", method="post")


def test_a_team_change_reads_as_one_on_the_case_page(world: World) -> None:
    night = Team.objects.create(name="Night shift", slug="night")
    night.members.add(world.agent)
    client = world.client_for(world.agent)
    client.post("/cases/bulk/", {"case": [world.case.pk], "action": "team", "team": night.pk})
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Moved to another team; Dr. Ana Ortiz still owns it" in page
    assert "Team: Night shift" in page


def test_more_cases_than_a_bulk_change_takes_are_refused_saying_how_many(world: World) -> None:
    response = world.client_for(world.agent).post(
        "/cases/bulk/",
        {"case": list(range(1, MAX_BULK_CASES + 2)), "action": "tag", "tag": "x"},
    )
    assert response.status_code == 302
    assert _flashed(response) == [
        (
            "error",
            f"Cases: Select at most {MAX_BULK_CASES} cases at once "
            f"({MAX_BULK_CASES + 1} are selected).",
        )
    ]


def test_a_selection_past_the_form_field_limit_gets_the_same_clear_answer(world: World) -> None:
    # Past DATA_UPLOAD_MAX_NUMBER_FIELDS Django refuses the body before any view reads it.
    ticked = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    response = world.client_for(world.agent).post(
        "/cases/bulk/", {"case": list(range(1, ticked + 1)), "action": "tag", "tag": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Select at most {MAX_BULK_CASES} cases at once" in page
    assert 'id="back-to-inbox"' in page


def test_the_inbox_bar_knows_the_limit_and_the_form_fits_under_the_field_limit(
    world: World,
) -> None:
    html = world.client_for(world.agent).get("/").content.decode()
    assert f'data-bulk-max="{MAX_BULK_CASES}"' in html
    # The most cases a bulk change takes, with every other field of the bar, csrf and next.
    assert MAX_BULK_CASES + len(BulkForm.base_fields) + 2 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
