"""A business's colours and logo through /api/v1/desk/brands: the same actions as its page;
colours too light to read are refused naming the field; a logo is re-drawn as a PNG."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.test import Client
from PIL import Image

from rapport.people.actions.agents import create_brand
from rapport.people.models import Brand
from tests.conftest import World
from tests.images import png


def test_a_supervisor_sets_the_colours_and_too_light_ones_are_refused(
    world: World, api_as: Any
) -> None:
    sam = api_as(world.supervisor)
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    body = {"name": "Sonrisa", "slug": "sonrisa", "colour": "#0B5D3B", "accent_colour": "#C2185B"}
    saved = sam.put(f"/desk/brands/{brand.pk}", body)
    assert saved.status_code == 200, saved.content
    assert (saved.json()["colour"], saved.json()["accent_colour"]) == ("#0b5d3b", "#c2185b")
    for field in ("colour", "accent_colour"):
        light = sam.put(f"/desk/brands/{brand.pk}", body | {field: "#ffcc00"})
        assert light.status_code == 400
        error = light.json()["error"]
        assert error["field"] == field and "1.5:1" in error["message"]
    brand.refresh_from_db()
    assert brand.accent_colour == "#c2185b"


def test_a_logo_is_redrawn_shown_on_the_contact_page_and_removed(world: World, api_as: Any) -> None:
    sam = api_as(world.supervisor)
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    upload = base64.b64encode(png(1000, 200)).decode()
    saved = sam.put(f"/desk/brands/{brand.pk}/logo", {"content_base64": upload})
    assert saved.status_code == 200, saved.content
    assert saved.json()["logo"] == "/contact/sonrisa/logo.png"
    served = Client().get("/contact/sonrisa/logo.png")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:  # type: ignore[attr-defined]
        assert image.size == (480, 96)  # fits 480 x 160, proportions kept
    assert 'id="brand-logo" src="/contact/sonrisa/logo.png" alt="Sonrisa"' in (
        Client().get("/contact/sonrisa/").content.decode()
    )
    not_image = sam.put(
        f"/desk/brands/{brand.pk}/logo",
        {"content_base64": base64.b64encode(b"<svg onload=alert(1)>").decode()},
    )
    assert not_image.status_code == 400 and not_image.json()["error"]["field"] == "logo"
    forbidden = api_as(world.agent).delete(f"/desk/brands/{brand.pk}/logo")
    assert forbidden.status_code == 403
    assert Brand.objects.get().logo
    removed = sam.delete(f"/desk/brands/{brand.pk}/logo")
    assert removed.status_code == 200 and removed.json()["logo"] is None
    assert Client().get("/contact/sonrisa/logo.png").status_code == 404
