from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "rapport.care"
    label = "care"

    def ready(self) -> None:
        from rapport.care.actions.departures import hand_over_promises
        from rapport.care.actions.promises import schedule_policy_follow_up
        from rapport.care.sweeps import escalate_missed, remind_due, warn_soon
        from rapport.cases.hooks import on_case_resolved
        from rapport.jobs.items import name_items
        from rapport.jobs.scheduler import register_sweep
        from rapport.routing.hooks import on_agent_deactivated

        on_case_resolved.subscribe(schedule_policy_follow_up)
        on_agent_deactivated.subscribe(hand_over_promises)

        register_sweep("promise_warnings", warn_soon)
        register_sweep("promise_reminders", remind_due)
        register_sweep("promise_escalation", escalate_missed)
        name_items("promise", "promise_warnings", "promise_reminders", "promise_escalation")
