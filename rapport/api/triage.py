"""/cases/{id}/triage/corrections: an agent's word on what triage read (the same action as the
case page); /triage/models: the models that decide, for supervisors."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.base import Id, Input, PageQuery
from rapport.cases.access import case_for_agent, message_for_agent
from rapport.lib.access import named
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.actions.models import activate_model
from rapport.triage.models import TriageCorrection, TriageSignal
from rapport.triage.overview import overview

router = Router(tags=["triage"])


class CorrectionIn(Input):
    signal: TriageSignal
    value: bool = Field(description='true: the message was this ("was upset"); false: it was not.')
    message_id: int | None = Field(
        None, ge=1, description="The customer's message triage read; default: their newest."
    )


class CorrectionOut(Schema):
    id: int
    case_id: int
    message_id: int | None
    signal: TriageSignal
    value: bool
    agent_id: int | None
    agent: str = Field(description="Who corrected it (their display name).")
    created_at: datetime
    model: str = Field(description='The model that read it, "name version"; empty: the rules.')

    @classmethod
    def of(cls, correction: TriageCorrection) -> Self:
        return cls(
            id=correction.pk,
            case_id=correction.case_id,
            message_id=correction.message_id,
            signal=TriageSignal(correction.signal),
            value=correction.value,
            agent_id=correction.agent_id,
            agent=correction.agent.display_name if correction.agent else "",
            created_at=correction.created_at,
            model=f"{correction.model_name} {correction.model_version}".strip(),
        )


class CorrectionPage(Schema):
    items: list[CorrectionOut]
    next: str | None


NEWEST = Keyset("created_at", descending=True)


@router.post(
    "/cases/{int:case_id}/triage/corrections",
    response={201: CorrectionOut, **WRITE_ERRORS},
    summary="Correct a triage signal",
)
def correct(request: HttpRequest, case_id: Id, payload: CorrectionIn) -> HttpStatus[CorrectionOut]:
    """The same word twice is one correction; a changed mind replaces your earlier one. The case
    shows the signal as corrected, and its priority follows unless an agent set it by hand."""
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    message = named(
        lambda pk: message_for_agent(agent, pk),
        payload.message_id,
        field="message_id",
        what="message",
    )
    correction = correct_signal(
        agent=agent,
        case=case,
        signal=payload.signal.value,
        value=payload.value,
        message=message,
    )
    return HttpStatus(201, CorrectionOut.of(correction))


@router.get(
    "/cases/{int:case_id}/triage/corrections",
    response={200: CorrectionPage, **READ_ERRORS},
    summary="A case's triage corrections",
)
def corrections(request: HttpRequest, case_id: Id, page: Query[PageQuery]) -> CorrectionPage:
    """Newest first."""
    case = case_for_agent(agent_of(request), case_id)
    rows, next_cursor = keyset_page(
        TriageCorrection.objects.filter(case=case).select_related("agent"),
        keyset=NEWEST,
        limit=page.limit,
        cursor=page.cursor,
    )
    return CorrectionPage(items=[CorrectionOut.of(row) for row in rows], next=next_cursor)


class TriageModelEntryOut(Schema):
    name: str = Field(description='"desk" (trained here) or "shipped" (ships with Rapport).')
    version: str
    active: bool = Field(description="Whether it decides now (exactly one does).")
    trained_at: datetime | None = Field(description="Null for the shipped model.")
    trained_by: int | None = Field(description="The agent who trained it; null: the command.")
    corrections: int = Field(description="How many agents' corrections it learned from.")
    figures: dict[str, Any] = Field(
        description="Cross-validated on its training data; a desk model also its scores and "
        "the model before it's on the frozen evaluation set."
    )


class TriageModelPage(Schema):
    items: list[TriageModelEntryOut]
    next: str | None = Field(description="Always null: every model is on the one page.")


class ActiveModelIn(Input):
    version: str | None = Field(
        max_length=80, description="A desk model's version; null: the shipped model decides."
    )


def _models_page() -> TriageModelPage:
    seen = overview()
    items = [
        TriageModelEntryOut(
            name=model.name,
            version=model.version,
            active=model.active,
            trained_at=model.trained_at,
            trained_by=model.trained_by_id,
            corrections=model.corrections,
            figures=model.figures,
        )
        for model in seen.models
    ]
    items.append(
        TriageModelEntryOut(
            name="shipped",
            version=seen.shipped_version,
            active=seen.deciding is None,
            trained_at=None,
            trained_by=None,
            corrections=0,
            figures={"cross_validated": seen.shipped_figures},
        )
    )
    return TriageModelPage(items=items, next=None)


@router.put(
    "/triage/models/active",
    response={200: TriageModelPage, **WRITE_ERRORS},
    summary="Choose which triage model decides (supervisors)",
)
@supervisor_required
def choose_model(request: HttpRequest, payload: ActiveModelIn) -> TriageModelPage:
    """Every web process and worker follows within 30 seconds. Audited as a desk change.
    Training is `rapport triage train` (tens of seconds of CPU: not for a request)."""
    activate_model(version=payload.version, by=agent_of(request))
    return _models_page()


@router.get(
    "/triage/models",
    response={200: TriageModelPage, **READ_ERRORS},
    summary="Triage models (supervisors)",
)
@supervisor_required
def triage_models(request: HttpRequest) -> TriageModelPage:
    """The desk's own models, newest first, then the shipped one."""
    return _models_page()
