from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "rapport.cases"
    label = "cases"

    def ready(self) -> None:
        from rapport.cases.search import ensure_search_index

        # A later migration that rebuilds a table on SQLite drops its search triggers.
        post_migrate.connect(ensure_search_index, sender=self)
