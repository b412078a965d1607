"""What a supervisor sees of triage's learning: which model decides, the stored desk models with
their figures, and the latest corrections with who made them and when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapport.triage import learned
from rapport.triage.models import TriageCorrection, TriageModel

RECENT = 50


@dataclass(frozen=True, slots=True)
class Overview:
    shipped_version: str
    shipped_figures: dict[str, Any]  # cross-validated on the shipped data
    models: list[TriageModel]  # newest first, without their bytes
    deciding: TriageModel | None  # None: the shipped model
    corrections: int  # all of them, on every case
    recent: list[TriageCorrection]


def overview() -> Overview:
    shipped = learned.load_shipped()
    models = list(
        TriageModel.objects.select_related("trained_by")
        .defer("data")
        .order_by("-trained_at", "-pk")
    )
    recent = TriageCorrection.objects.select_related("agent", "case").order_by("-created_at", "-pk")
    return Overview(
        shipped_version=shipped.version,
        shipped_figures=shipped.figures,
        models=models,
        deciding=next((model for model in models if model.active), None),
        corrections=TriageCorrection.objects.count(),
        recent=list(recent[:RECENT]),
    )


def describe(model: TriageModel | None) -> str:
    """How a choice of model reads in a sentence: "Desk model 3", "The shipped model"."""
    return f"Desk model {model.version}" if model is not None else "The shipped model"
