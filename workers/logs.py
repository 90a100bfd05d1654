"""Structured logs: one JSON object per line on stderr, quiet (WARNING) by default."""

from __future__ import annotations

import logging
from typing import Any

import orjson

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with its `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(doc, default=str).decode()


JsonFormatter.converter = __import__("time").gmtime  # type: ignore[assignment]


def logging_config(level: str) -> dict[str, Any]:
    """A dictConfig for JSON lines on stderr at `level` (faust and aiokafka one level quieter)."""
    quieter = "ERROR" if level in ("WARNING", "ERROR", "CRITICAL") else level
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "faust": {"level": quieter},
            "mode": {"level": quieter},
            "aiokafka": {"level": quieter},
            "trafilatura": {"level": "ERROR"},
        },
    }


def setup_logging(level: str) -> None:
    """Configure logging for a command (workers get the same config through faust)."""
    import logging.config

    logging.config.dictConfig(logging_config(level))
