"""`manage.py vapid_dev_keys`: the development VAPID key pair, made once (`make run` calls it).

Writes VAPID_DEV_KEYS_FILE (var/vapid-dev.json, git-ignored, mode 0600) unless it exists;
with DEBUG on and the VAPID variables empty, settings read it. Production sets the
variables instead (see push/vapid.py for their format).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from push.vapid import generate_keys

DEV_SUBJECT = "mailto:developer@tapntake.invalid"


class Command(BaseCommand):
    help = "Create the development VAPID keys (var/vapid-dev.json) if they do not exist yet."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Development keys are for DEBUG=1 only; set VAPID_* in the environment instead.")
        path = Path(settings.VAPID_DEV_KEYS_FILE)
        if path.exists():
            self.stdout.write(f"VAPID development keys: {path} (kept)")
            return
        private, public = generate_keys()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"private_key": private, "public_key": public, "subject": DEV_SUBJECT}, handle)
        self.stdout.write(f"VAPID development keys written to {path}; public key {public}")
