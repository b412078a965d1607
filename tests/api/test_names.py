"""A name the API is given cannot hold the invisible characters that override text direction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

REFUSED = "must not contain U+2067, an invisible character that changes the direction text reads in"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/customers", {"name": "Ana\u2067 Ortiz"}, "name"),
        ("/customers", {"name": "Ana", "preferred_name": "A\u2067na"}, "preferred_name"),
        ("/customers", {"name": "Ana", "organization": "Acme\u2067"}, "organization"),
        ("/desk/brands", {"name": "Night\u2067", "slug": "night2"}, "name"),
        ("/desk/teams", {"name": "Front\u2067", "slug": "front"}, "name"),
        ("/agents", {"email": "lena@clinic.example", "display_name": "Lena\u2067"}, "display_name"),
        ("/saved-replies", {"title": "Cough\u2067", "text": "Hi"}, "title"),
    ],
)
def test_a_name_with_an_override_is_refused(
    world: World, api_as: Any, path: str, body: dict[str, Any], field: str
) -> None:
    sam: ApiClient = api_as(world.supervisor)
    error = assert_error(sam.post(path, body), 422, "validation_error", field=field)
    assert error["message"] == f"{field}: {REFUSED}"
