"""System checks of the VAPID configuration (push.vapid).

No keys at all: push is off and every notification goes by SMS, which is a working campus,
so `check --deploy` only notes it (Info, below `--fail-level WARNING`). Keys set but
incomplete, malformed or not a pair would make every push fail: an Error.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, register

from .vapid import vapid_config


@register("push")
def check_vapid_keys(app_configs=None, **kwargs) -> list[CheckMessage]:
    return [
        Error(problem, hint="See push/vapid.py for the formats; manage.py vapid_dev_keys makes a pair.", id="push.E001")
        for problem in vapid_config().problems
    ]


@register("push", deploy=True)
def check_push_is_on(app_configs=None, **kwargs) -> list[CheckMessage]:
    config = vapid_config()
    if settings.DEBUG or config.enabled or config.problems:
        return []
    return [
        Info(
            "Web Push is off: VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY and VAPID_SUBJECT are not set, "
            "so every notification goes by SMS.",
            id="push.I001",
        )
    ]
