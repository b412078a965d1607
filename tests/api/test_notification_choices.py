"""GET/PUT /agents/me/notifications: an agent's email-notification choices per kind."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from rapport.people.models import NoticeKind, NotificationChoice
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

KINDS = ["assigned", "customer_wrote", "promise_due", "make_good_approval"]


def test_every_kind_is_off_until_chosen(world: World, api: ApiClient) -> None:
    body = api.get("/agents/me/notifications").json()
    assert [c["kind"] for c in body["choices"]] == KINDS
    assert all(c["email"] is False and c["even_off_shift"] is False for c in body["choices"])
    assert body["choices"][0]["label"] == "A case is assigned to you"


def test_put_sets_the_kinds_listed_and_keeps_the_others(world: World, api: ApiClient) -> None:
    first = api.put(
        "/agents/me/notifications",
        {"choices": [{"kind": "assigned", "email": True, "even_off_shift": True}]},
    )
    assert first.status_code == 200
    second = api.put(
        "/agents/me/notifications", {"choices": [{"kind": "customer_wrote", "email": True}]}
    ).json()
    chosen = {c["kind"]: (c["email"], c["even_off_shift"]) for c in second["choices"]}
    assert chosen == {
        "assigned": (True, True),
        "customer_wrote": (True, False),
        "promise_due": (False, False),
        "make_good_approval": (False, False),
    }
    assert api.get("/agents/me/notifications").json() == second
    # Only Ana's choices changed.
    assert set(NotificationChoice.objects.values_list("agent_id", flat=True)) == {world.agent.pk}


def test_switching_on_again_mails_only_from_then(world: World, api: ApiClient) -> None:
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": True}]})
    first = NotificationChoice.objects.get(kind=NoticeKind.ASSIGNED).email_since
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": False}]})
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": True}]})
    again = NotificationChoice.objects.get(kind=NoticeKind.ASSIGNED).email_since
    assert first is not None and again is not None and again > first


def test_an_unknown_kind_is_refused_and_nothing_changes(world: World, api: ApiClient) -> None:
    response = api.put(
        "/agents/me/notifications",
        {
            "choices": [
                {"kind": "assigned", "email": True},
                {"kind": "weather", "email": True},
            ]
        },
    )
    assert_error(response, 422, "validation_error")
    assert not NotificationChoice.objects.exists()


def test_each_agent_has_their_own(world: World, api_as: Any) -> None:
    api_as(world.supervisor).put(
        "/agents/me/notifications", {"choices": [{"kind": "make_good_approval", "email": True}]}
    )
    mine = api_as(world.agent).get("/agents/me/notifications").json()
    assert all(c["email"] is False for c in mine["choices"])


def test_anonymous_is_refused(world: World) -> None:
    assert_error(ApiClient(None).get("/agents/me/notifications"), 401, "unauthorized")
    assert_error(
        ApiClient(None).put("/agents/me/notifications", {"choices": []}), 401, "unauthorized"
    )
    assert not NotificationChoice.objects.exists()


# -- Signature and photo (/agents/me/signature, /agents/me/photo) ---------------------------------


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 130)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_signature_and_photo_through_the_api(
    world: World, api: ApiClient, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    body = api.put("/agents/me/signature", {"signature": "Night Clinic\n+34 911 000 111"}).json()
    assert body["signature"] == "Night Clinic\n+34 911 000 111" and body["photo_url"] is None
    assert body["initials"] == "AO"
    assert api.get("/agents/me").json()["signature"] == "Night Clinic\n+34 911 000 111"
    photo = api.put("/agents/me/photo", {"content_base64": _png()}).json()
    assert photo["photo_url"] == f"/agents/{world.agent.pk}/photo/"
    served = world.client_for(world.colleague).get(photo["photo_url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    refused = api.put("/agents/me/photo", {"content_base64": base64.b64encode(b"<svg/>").decode()})
    assert_error(refused, 400, "bad_request", field="photo")
    assert_error(
        api.put("/agents/me/photo", {"content_base64": "%%%"}), 400, "bad_request", "photo"
    )
    world.agent.refresh_from_db()
    assert world.agent.photo  # the refused ones changed nothing
    assert api.delete("/agents/me/photo").json()["photo_url"] is None
    too_long = api.put("/agents/me/signature", {"signature": "x" * 1001})
    assert_error(too_long, 422, "validation_error")
