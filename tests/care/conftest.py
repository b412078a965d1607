"""Care personas on top of `world`: the clinic's follow-up policy and an API client."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from rapport.care.actions.promises import create_follow_up_policy
from rapport.care.models import FollowUpPolicy
from tests.api.conftest import ApiClient
from tests.conftest import World


@pytest.fixture
def clinic_policy(world: World) -> FollowUpPolicy:
    return create_follow_up_policy(
        name="Clinic visit",
        tags=["clinic-visit"],
        purpose="Check the meds are helping",
        script="Are the meds helping? Any new symptoms? Call us back any time.",
        at_time=time(10, 0),
    )


@pytest.fixture
def api_as(world: World) -> Any:
    def make(agent: Any) -> ApiClient:
        return ApiClient(world.token_for(agent))

    return make
