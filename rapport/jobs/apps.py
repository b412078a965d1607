from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background machinery: the worker, the scheduler and the RQ worker. It imports no other
    Rapport app: features register their sweeps with it from their own `AppConfig.ready`."""

    name = "rapport.jobs"
    label = "jobs"

    def ready(self) -> None:
        from rapport.jobs.items import forget_stale
        from rapport.jobs.scheduler import register_sweep

        register_sweep("deferred_items", forget_stale)
