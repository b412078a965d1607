from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "rapport.insights"
    label = "insights"

    def ready(self) -> None:
        from rapport.insights.rollups import sweep_rollups
        from rapport.jobs.scheduler import register_sweep

        register_sweep("insights_rollups", sweep_rollups)
