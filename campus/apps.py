from django.apps import AppConfig


class CampusConfig(AppConfig):
    """The whole campus picture across apps: today only the demo campus (`manage.py seed_demo`)."""

    name = "campus"
    verbose_name = "Campus"
