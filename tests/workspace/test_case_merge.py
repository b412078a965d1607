from __future__ import annotations

from rapport.cases.models import Case, Message, Status
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_merge_into_another_case_of_the_customer(world: World) -> None:
    target = open_case(
        customer=world.customer,
        subject="Cough follow-up",
        channel="email",
        text="Still coughing",
        by=None,
        owner=world.agent,
    )
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="merge-target"' in html
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/merge/",
        {"target": target.pk, "reason": "Same cough"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/cases/{target.pk}/"
    assert f"Case #{world.case.pk} was merged into this case." in response.content.decode()
    assert Message.objects.filter(case=target).count() == 2
    assert Case.objects.get(pk=world.case.pk).status == Status.CLOSED


def test_merge_with_another_customers_case_shows_the_reason(world: World) -> None:
    stranger = create_customer(name="Someone Else", by=None)
    target = open_case(
        customer=stranger, subject="Other", channel="email", text="x", by=None, owner=world.agent
    )
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/merge/", {"target": target.pk}, follow=True
    )
    assert "Only cases of the same customer can be merged" in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).status == Status.NEW


def test_wrong_person_is_refused(world: World) -> None:
    dental = open_case(
        customer=world.customer,
        subject="Tooth",
        channel="phone",
        text="Ouch",
        by=None,
        owner=world.outsider,
        team=world.dental,
    )
    # The outsider can neither merge the clinic case nor merge into it.
    outsider = world.client_for(world.outsider)
    assert outsider.post(f"/cases/{world.case.pk}/merge/", {"target": dental.pk}).status_code == 404
    assert outsider.post(f"/cases/{dental.pk}/merge/", {"target": world.case.pk}).status_code == 404
    assert_login_required(f"/cases/{world.case.pk}/merge/", method="post")
    assert Case.objects.get(pk=dental.pk).status == Status.NEW
