from django.apps import AppConfig


class RiiaConfig(AppConfig):
    name = "riia"
    verbose_name = "Regions, organisations and people"
