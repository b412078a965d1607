from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "rapport.routing"
    label = "routing"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from rapport.cases import hooks
        from rapport.jobs.items import name_items
        from rapport.jobs.scheduler import register_sweep
        from rapport.people.models import Agent, Brand, Site, Team
        from rapport.routing import deadlines
        from rapport.routing.escalation import sweep_deadlines
        from rapport.routing.models import Closure, SlaPolicy
        from rapport.routing.snapshot import forget

        for model in (get_user_model(), Agent, Brand, Site, Team, Closure, SlaPolicy):
            post_save.connect(forget, sender=model, dispatch_uid=f"snapshot-save-{model.__name__}")
            post_delete.connect(
                forget, sender=model, dispatch_uid=f"snapshot-delete-{model.__name__}"
            )
        m2m_changed.connect(forget, sender=Team.members.through, dispatch_uid="snapshot-members")
        register_sweep("sla", sweep_deadlines)
        name_items("case", "sla_warning", "sla_breach", "owner_return")
        # A person's answer, a status change and a priority change move the case's deadlines.
        hooks.on_human_response.subscribe(deadlines.on_human_response)
        hooks.on_status_change.subscribe(deadlines.on_status_change)
        hooks.on_priority_change.subscribe(deadlines.on_priority_change)
