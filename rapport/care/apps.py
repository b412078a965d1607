from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "rapport.care"
    label = "care"

    def ready(self) -> None:
        from rapport.care.sweeps import escalate_missed, remind_due
        from rapport.jobs.scheduler import register_sweep

        register_sweep("promise_reminders", remind_due)
        register_sweep("promise_escalation", escalate_missed)
