"""The environment of `make run`'s embedded mode for a Django process a test starts itself."""

import os
from pathlib import Path


def embedded_env(tmp_path: Path, database: str) -> dict[str, str]:
    """This process's environment without the test services, on the SQLite file `database`
    under `tmp_path`, with media and SMS kept there too."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        SMS_FILE_PATH=str(tmp_path / "sms.jsonl"),
        SMS_BACKEND="console",
    )
    return env
