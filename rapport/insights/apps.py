from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "rapport.insights"
    label = "insights"

    def ready(self) -> None:
        from rapport.insights.personal_touch import PERSONAL_TOUCH_KEPT
        from rapport.insights.rollups import register_kept, sweep_rollups
        from rapport.jobs.scheduler import register_sweep

        register_kept(PERSONAL_TOUCH_KEPT)
        register_sweep("insights_rollups", sweep_rollups)
