from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "rapport.workspace"
    label = "workspace"

    def ready(self) -> None:
        from rapport.workspace import signin  # models must be loaded first

        signin.connect()
