import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")

application = get_wsgi_application()

from tntproject.startup import require_production_settings  # noqa: E402 - settings must be configured first

require_production_settings()
