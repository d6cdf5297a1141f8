import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")

application = get_asgi_application()

from events.asgi import with_event_streams  # noqa: E402 - apps load with the application above
from tntproject.startup import require_production_settings  # noqa: E402 - settings must be configured first

# GET /api/v1/events without a thread per open stream (events/asgi.py); everything else as Django serves it.
application = with_event_streams(application)

require_production_settings()
