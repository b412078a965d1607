from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "rapport.people"
    label = "people"

    def ready(self) -> None:
        from rapport.people import signin  # models must be loaded first

        signin.connect()
