"""A business's name, logo and colours on its contact page, set on the supervisor's business
page (and audited); nobody else may change them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.people.actions.agents import create_brand
from rapport.people.models import Brand, SecurityEvent, SecurityEventKind
from tests.conftest import World
from tests.images import png


def _form(brand: Brand, **changes: str) -> dict[str, str]:
    return {"name": brand.name, "slug": brand.slug, "phone": "", "addresses": "",
            "colour": "", "accent_colour": "", "chat_origins": "", **changes}  # fmt: skip


def test_a_supervisor_gives_a_business_its_colours_and_logo(world: World) -> None:
    brand = create_brand(name="Sonrisa <Dental>", slug="sonrisa", by=None)
    sam = world.client_for(world.supervisor)
    page = f"/supervisor/desk/brands/{brand.pk}/"
    saved = sam.post(page, _form(brand, colour="#0b5d3b", accent_colour="#c2185b"))
    assert saved.status_code == 302
    light = sam.post(page, _form(brand, colour="#0b5d3b", accent_colour="#ffcc00"))
    assert "too light" in light.content.decode() and light.status_code == 400
    logo = SimpleUploadedFile("logo.png", png(300, 300), "image/png")
    uploaded = sam.post(f"{page}logo/", {"logo": logo}, follow=True)
    assert "logo is saved" in uploaded.content.decode()
    html = Client().get("/contact/sonrisa/").content.decode()
    assert "Talk to a person at Sonrisa &lt;Dental&gt;" in html
    assert 'src="/contact/sonrisa/logo.png" alt="Sonrisa &lt;Dental&gt;"' in html
    assert "/chat/brand.css?colour=%230b5d3b&amp;accent=%23c2185b" in html
    css = Client().get("/chat/brand.css", {"colour": "#0b5d3b", "accent": "#c2185b"})
    assert css.content.decode() == (
        ":root { --brand: #0b5d3b; }\n:root { --brand-accent: #c2185b; }\n"
    )
    changes = SecurityEvent.objects.filter(kind=SecurityEventKind.DESK_CHANGED)
    assert any("logo added" in e.detail for e in changes)
    removed = sam.post(f"{page}logo/", {"remove": "1"}, follow=True)
    assert "logo is removed" in removed.content.decode()
    assert Client().get("/contact/sonrisa/logo.png").status_code == 404


def test_a_file_that_is_not_an_image_changes_nothing(world: World) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    sam = world.client_for(world.supervisor)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", "image/png")
    answer = sam.post(f"/supervisor/desk/brands/{brand.pk}/logo/", {"logo": fake}, follow=True)
    assert "not an image Rapport can read" in answer.content.decode()
    assert not Brand.objects.get().logo


def test_only_a_supervisor_changes_the_logo(world: World) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    logo = SimpleUploadedFile("logo.png", png(), "image/png")
    url = f"/supervisor/desk/brands/{brand.pk}/logo/"
    assert world.client_for(world.agent).post(url, {"logo": logo}).status_code == 404
    assert Client().post(url, {"logo": logo}).status_code == 302  # to sign in
    assert not Brand.objects.get().logo
