"""A business's logo (`/api/v1/desk/brands/{id}/logo`): the same actions as the supervisor's
business page; the answer is the business as `GET /desk/brands` gives it."""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest
from ninja import Field, Router

from rapport.api.auth import agent_of
from rapport.api.customers import WRITE_ERRORS
from rapport.api.desk import BrandOut
from rapport.api.schemas.base import Id, Input
from rapport.lib.errors import ActionError
from rapport.people.access import brand_by_id
from rapport.people.actions.branding import remove_brand_logo, set_brand_logo
from rapport.people.photos import MAX_BYTES

router = Router(tags=["desk"])


class LogoIn(Input):
    content_base64: str = Field(
        max_length=-(-MAX_BYTES // 3) * 4,  # 2 MB, base64-encoded
        description="A PNG, JPEG, WebP or GIF image of at most 2 MB, base64-encoded; it is "
        "re-drawn as a PNG of at most 480 x 160 pixels, its proportions kept.",
    )


@router.put(
    "/{brand_id}/logo", response={200: BrandOut, **WRITE_ERRORS}, summary="Set a business's logo"
)
def set_logo(request: HttpRequest, brand_id: Id, body: LogoIn) -> BrandOut:
    """Supervisors only. Anything that is not a readable image, or is over 2 MB, is a 400
    naming `logo`, and the logo stays as it was. Its contact page shows it at once."""
    brand = brand_by_id(brand_id)
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ActionError("content_base64 is not valid base64.", field="logo") from exc
    return BrandOut.of(set_brand_logo(brand, data=data, by=agent_of(request)))


@router.delete(
    "/{brand_id}/logo",
    response={200: BrandOut, **WRITE_ERRORS},
    summary="Remove a business's logo",
)
def remove_logo(request: HttpRequest, brand_id: Id) -> BrandOut:
    """Supervisors only. Its pages show its name alone."""
    return BrandOut.of(remove_brand_logo(brand_by_id(brand_id), by=agent_of(request)))
