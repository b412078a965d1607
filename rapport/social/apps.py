from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "rapport.social"
    label = "social"
    verbose_name = "Social listening"
