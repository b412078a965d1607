"""The questions a supervisor can ask, each a function `(scope) -> Report` in its own module.

To add one: write `rapport/insights/questions/<name>.py` with a `QUESTION` (report.Question) and
list it in `QUESTIONS` below; its page, CSV downloads and API endpoint follow."""

from __future__ import annotations

from rapport.insights.questions import (
    personal_touch,
    promises,
    queue,
    sentiment,
    surveys,
    time_to_human,
)
from rapport.insights.report import Question

QUESTIONS: dict[str, Question] = {
    question.slug: question
    for question in (
        time_to_human.QUESTION,
        promises.QUESTION,
        surveys.QUESTION,
        personal_touch.QUESTION,
        sentiment.QUESTION,
        queue.QUESTION,
    )
}
