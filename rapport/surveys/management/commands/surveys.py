"""`rapport surveys`: what an operator scripts about surveys, through the same actions as the
desk and the API. The worker sends what is due on its own (`surveys_send` sweep); `send-due`
runs that sweep once, `send-now ID` sends one without its delay (every rule still holds)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.models import Customer
from rapport.surveys import selectors
from rapport.surveys.actions.answers import opt_out
from rapport.surveys.actions.sending import expire_due, send_due, send_now
from rapport.surveys.links import survey_url
from rapport.surveys.models import Survey, SurveyStatus

LINKED = (SurveyStatus.SENT, SurveyStatus.ANSWERED, SurveyStatus.EXPIRED)


def _row(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "kind": survey.kind,
        "case_id": survey.case_id,
        "customer_id": survey.customer_id,
        "agent": survey.agent.display_name if survey.agent else None,
        "status": survey.status,
        "skip_reason": survey.skip_reason or None,
        "due_at": survey.due_at.isoformat(),
        "url": survey_url(survey) if survey.status in LINKED else None,
        "score": survey.score,
        "comment": survey.comment,
        "follow_up_promise_id": survey.follow_up_promise_id,
    }


class Command(BaseCommand):
    help = (
        "Surveys: list [--case ID | --customer ID], send-due, send-now ID, "
        "opt-out CUSTOMER_ID, results. Add --json for JSON."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["list", "send-due", "send-now", "opt-out", "results"])
        parser.add_argument(
            "id", nargs="?", type=int, help="the survey (send-now), customer (opt-out)"
        )
        parser.add_argument("--case", type=int)
        parser.add_argument("--customer", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        now = timezone.now()
        if what == "send-due":
            result = {**send_due(now=now), **expire_due(now=now)}
            self._print(
                result,
                options,
                f"sent {len(result['sent'])}, skipped "
                f"{len(result['skipped'])}, waiting {len(result['waiting'])}, expired "
                f"{len(result['expired'])}",
            )
        elif what == "send-now":
            survey = Survey.objects.filter(pk=options["id"] or 0).first()
            if survey is None:
                raise CommandError(f"There is no survey #{options['id']}.")
            try:
                outcome = send_now(survey=survey, by=None, now=now)
            except ActionError as exc:
                raise CommandError(exc.message) from exc
            self._print(_row(outcome.survey), options, f"Survey #{survey.pk}: {outcome.what}")
        elif what == "opt-out":
            customer = Customer.objects.filter(pk=options["id"] or 0).first()
            if customer is None:
                raise CommandError(f"There is no customer #{options['id']}.")
            opt_out(customer=customer, via="the command line")
            self._print(
                {"customer_id": customer.pk, "opted_out": True},
                options,
                f"{customer.name} will not be surveyed.",
            )
        elif what == "results":
            r = selectors.results(Survey.objects.all())
            figures = {
                "csat_percent": r.csat_percent,
                "nps": r.nps,
                "response_rate": r.response_rate,
                "coverage": r.coverage,
                "called_back_within_24h": r.called_back_percent,
                "sent": r.sent,
                "answered": r.answered,
            }
            self._print(figures, options, "\n".join(f"{k}: {v}" for k, v in figures.items()))
        else:
            rows = Survey.objects.select_related("agent").order_by("-created_at", "-pk")
            if options["case"]:
                rows = rows.filter(case_id=options["case"])
            if options["customer"]:
                rows = rows.filter(customer_id=options["customer"])
            items = [_row(s) for s in rows[:500]]
            self._print(
                items,
                options,
                "\n".join(
                    f"#{i['id']} {i['kind']} case {i['case_id']} {i['status']}"
                    + (f" ({i['skip_reason']})" if i["skip_reason"] else "")
                    + (f" score {i['score']}" if i["score"] is not None else "")
                    for i in items
                )
                or "No surveys.",
            )

    def _print(self, data: Any, options: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data, indent=2) if options["json"] else text)
