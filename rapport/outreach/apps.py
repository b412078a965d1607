from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "rapport.outreach"
    label = "outreach"
