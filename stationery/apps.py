from django.apps import AppConfig


class StationeryConfig(AppConfig):
    name = "stationery"
    verbose_name = "Stationery"
