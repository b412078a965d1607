from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "rapport.surveys"
    label = "surveys"

    def ready(self) -> None:
        from rapport.cases.hooks import on_case_resolved
        from rapport.jobs.items import name_items
        from rapport.jobs.scheduler import register_sweep
        from rapport.surveys.actions.scheduling import schedule_on_resolution
        from rapport.surveys.actions.sending import expire_due, send_due
        from rapport.surveys.policy import check_settings

        check_settings()
        on_case_resolved.subscribe(schedule_on_resolution)
        register_sweep("surveys_send", send_due)
        register_sweep("surveys_expire", expire_due)
        name_items("survey", "surveys_send", "surveys_expire")
