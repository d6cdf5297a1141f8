"""Structured logging: one JSON object per line, tagged with the request id."""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(options: dict) -> None:
    """Django's LOGGING_CONFIG: structured lines on stdout, the root at `options["level"]`."""
    import logging.config

    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
            "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "json",
                    "filters": ["request_id"],
                }
            },
            "root": {"handlers": ["stdout"], "level": options.get("level", "INFO")},
            "loggers": {
                "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
                "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
                "tnt.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
                # pypdf warns about every malformed upload; the refusal itself is logged by stationery.
                "pypdf": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
            },
        }
    )
