"""What cases store as their triage, in each shape it has had: for the API and case page tests."""

from __future__ import annotations

from typing import Any

# What a case stored before the learned layer (and still stores when the rules alone decide).
RULES_ONLY: dict[str, Any] = {
    "priority": "urgent",
    "urgent": True,
    "upset": True,
    "wants_human": False,
    "loop": False,
    "compliment": False,
    "recommended_contact": "callback",
    "reasons": [
        'urgent: "bleeding" (health or safety)',
        'upset: "ridiculous" (anger)',
        "contact: callback (nobody can take a call now)",
    ],
    "signals": {
        "urgent": ['urgent: "bleeding" (health or safety)'],
        "upset": ['upset: "ridiculous" (anger)'],
    },
    "at": "2026-11-23T20:40:21.123456+00:00",
}

# What the learned layer adds: the model that decided and, per learned hit, why.
LEARNED: dict[str, Any] = {
    "priority": "urgent",
    "urgent": True,
    "upset": False,
    "wants_human": False,
    "loop": False,
    "compliment": False,
    "recommended_contact": "call",
    "reasons": ['urgent: learned (0.91): "chest", "since yesterday"'],
    "signals": {"urgent": ['urgent: learned (0.91): "chest", "since yesterday"']},
    "model": {"name": "shipped", "version": "2026.12.1"},
    "learned": {
        "urgent": {
            "score": 0.91,
            "words": ["chest", "since yesterday"],
            "examples": [
                {"text": "My chest has hurt since yesterday, what do I do?", "labels": ["urgent"]}
            ],
        }
    },
    "at": "2026-12-07T01:00:00+00:00",
}
