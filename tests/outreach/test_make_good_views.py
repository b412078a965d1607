"""Make-goods in the workspace: recorded from the case, shown on the order, approved by a
supervisor, totalled per period and reason."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.outreach.actions.make_goods import record_make_good, set_approval_limit
from rapport.outreach.models import ApprovalLimit, MakeGood
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_recording_from_the_case_shows_it_on_the_order_and_the_customer(world: World) -> None:
    order = add_asset(
        customer=world.customer, name="Flight case", kind="order", reference="ORD-2291", by=None
    )
    set_approval_limit(agent=None, currency="CAD", amount="100", by=world.supervisor)
    url = f"/outreach/cases/{world.case.pk}/make-goods/"
    form = {
        "kind": "part_next_day",
        "description": "Wheel kit WK-7 sent express",
        "reason": "missing part",
        "amount": "60",
        "currency": "CAD",
        "asset": str(order.pk),
    }
    assert world.client_for(world.outsider).post(url, form).status_code == 404
    assert_login_required(url, method="post")
    response = world.client_for(world.agent).post(url, form)
    assert response.status_code == 302 and response["Location"] == f"/cases/{world.case.pk}/"
    made = MakeGood.objects.get()
    assert made.asset == order and made.status == "approved"

    for page_url in (f"/cases/{world.case.pk}/", f"/customers/{world.customer.pk}/"):
        page = world.client_for(world.agent).get(page_url).content.decode()
        assert f'data-asset-id="{order.pk}"' in page and "on ORD-2291" in page
        assert "Wheel kit WK-7 sent express" in page and "60.00 CAD" in page
    case_page = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    form_html = case_page.split('id="make-good-form"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_html)
    assert token is not None and len(token.group(1)) >= 32


def test_a_supervisor_approves_on_the_make_goods_page(world: World) -> None:
    pending = record_make_good(
        case=world.case,
        by=world.agent,
        kind="refund",
        description="Refund of the night visit",
        reason="long wait",
        amount="120",
        currency="EUR",
    )
    assert world.client_for(world.agent).get("/outreach/make-goods/").status_code == 403
    assert world.client_for(world.outsider).get("/outreach/make-goods/").status_code == 403
    assert_login_required("/outreach/make-goods/")
    page = world.client_for(world.supervisor).get("/outreach/make-goods/").content.decode()
    assert f'data-make-good-id="{pending.pk}"' in page and "120.00 EUR" in page

    url = f"/outreach/make-goods/{pending.pk}/decide/"
    assert world.client_for(world.agent).post(url, {"decision": "approve"}).status_code == 403
    response = world.client_for(world.supervisor).post(url, {"decision": "approve"}, follow=True)
    assert "approved" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.approved_by == world.supervisor
    page = world.client_for(world.supervisor).get("/outreach/make-goods/").content.decode()
    assert 'class="total-row"' in page and "long wait" in page

    limit = world.client_for(world.supervisor).post(
        "/outreach/make-goods/limits/", {"agent": world.agent.pk, "currency": "eur", "amount": "75"}
    )
    assert limit.status_code == 302
    assert ApprovalLimit.objects.get(agent=world.agent).amount == 75
    assert (
        world.client_for(world.agent)
        .post("/outreach/make-goods/limits/", {"currency": "EUR", "amount": "1000"})
        .status_code
        == 403
    )


def test_query_count_is_constant_on_the_make_goods_page(world: World) -> None:
    def make(n: int) -> None:
        for i in range(n):
            record_make_good(
                case=world.case,
                by=world.agent,
                kind="credit",
                description=f"Credit {i}",
                reason=f"reason {i % 3}",
                amount="500",
                currency="EUR",
            )

    make(1)
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as few:
        client.get("/outreach/make-goods/")
    make(15)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/outreach/make-goods/").content.decode()
    assert page.count('class="make-good"') == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_limit_for_an_agent_who_does_not_exist_is_refused_not_given_to_everyone(
    world: World,
) -> None:
    """A made-up agent id used to fall through to "everyone else" and set their limit."""
    response = world.client_for(world.supervisor).post(
        "/outreach/make-goods/limits/",
        {"agent": 999_999, "currency": "EUR", "amount": "5000"},
        follow=True,
    )
    assert "There is no agent #999999." in response.content.decode()
    assert not ApprovalLimit.objects.exists()


def test_an_order_of_another_customer_is_refused_on_the_case(world: World) -> None:
    stranger = create_customer(name="Stranger", by=None)
    theirs = add_asset(customer=stranger, name="Order", reference="ORD-1", by=None)
    response = world.client_for(world.agent).post(
        f"/outreach/cases/{world.case.pk}/make-goods/",
        {"kind": "goodwill", "description": "Tea", "reason": "wait", "asset": theirs.pk},
        follow=True,
    )
    assert f"There is no order #{theirs.pk}." in response.content.decode()
    assert not MakeGood.objects.exists()


def test_after_recording_the_answer_stays_on_our_own_pages(world: World) -> None:
    url = f"/outreach/cases/{world.case.pk}/make-goods/"
    form = {"kind": "goodwill", "description": "Tea", "reason": "wait"}
    ana = world.client_for(world.agent)
    customer_page = f"/customers/{world.customer.pk}/"
    assert ana.post(url, {**form, "next": customer_page})["Location"] == customer_page
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = ana.post(url, {**form, "next": elsewhere})
        assert response["Location"] == f"/cases/{world.case.pk}/", elsewhere
