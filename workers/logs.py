"""Structured logs: one JSON object per line on stderr, quiet (WARNING) by default."""

from __future__ import annotations

import logging
import sys
import threading
import time
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


JsonFormatter.converter = time.gmtime  # type: ignore[assignment]


class TextFormatter(logging.Formatter):
    """One human line a record: `warning: skipped 10-passwd.txt: a symbolic link, not followed`.

    On a terminal the line first clears the current one (`clear_line`), so that it lands above a
    progress bar drawn there, which redraws itself below it.
    """

    def __init__(self, clear_line: bool = False) -> None:
        super().__init__()
        self.clear_line = clear_line

    def format(self, record: logging.LogRecord) -> str:
        text = f"{record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return ("\r\x1b[K" if self.clear_line else "") + text


def resolve_format(log_format: str, stream: Any = None) -> str:
    """`json` or `text`: `auto` is text when the stream (stderr) is a terminal, json otherwise."""
    if log_format in ("json", "text"):
        return log_format
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


CLIENT_LOGGERS = ("aiokafka", "faust", "mode")


class RepeatFilter(logging.Filter):
    """One record per (logger, level, message template) every `window_s` from the Kafka client libraries.

    While a broker is away, aiokafka logs each failed connect, fetch and metadata request: about 60
    lines a second (measured in tests/integration/test_broker_outage.py). The first of a kind goes
    through; its repeats within the window are held back, and the next one let through carries
    `repeated`, how many were held back. Our own loggers are never filtered.
    """

    def __init__(self, window_s: float = 10.0, prefixes: tuple[str, ...] = CLIENT_LOGGERS,
                 clock: Any = time.monotonic) -> None:
        super().__init__()
        self.window_s, self.prefixes, self.clock = window_s, prefixes, clock
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}  # key -> (last let through, held back)
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.window_s <= 0 or not record.name.startswith(self.prefixes):
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last[0] < self.window_s:
                self._seen[key] = (last[0], last[1] + 1)
                return False
            if len(self._seen) > 1000:
                self._seen.clear()
            self._seen[key] = (now, 0)
        if last is not None and last[1]:
            record.repeated = last[1]
        return True


READY_LOGGER = "workers.ready"  # the one line a worker logs when it is ready: shown unless the level is ERROR


def logging_config(level: str, repeat_window_s: float = 10.0, log_format: str = "json") -> dict[str, Any]:
    """A dictConfig for log lines on stderr at `level` (faust and aiokafka one level quieter, repeats held back).

    `log_format` is `json`, `text` or `auto` (text on a terminal, JSON otherwise: `resolve_format`).
    """
    quieter = "ERROR" if level in ("WARNING", "ERROR", "CRITICAL") else level
    text = resolve_format(log_format) == "text"
    formatter = ({"()": TextFormatter, "clear_line": bool(getattr(sys.stderr, "isatty", lambda: False)())}
                 if text else {"()": JsonFormatter})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "filters": {"repeats": {"()": RepeatFilter, "window_s": repeat_window_s}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr",
                                "filters": ["repeats"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **{name: {"level": quieter} for name in CLIENT_LOGGERS},
            "trafilatura": {"level": "ERROR"},
            READY_LOGGER: {"level": "INFO" if level in ("DEBUG", "INFO", "WARNING") else level},
        },
    }


def setup_logging(level: str, repeat_window_s: float = 10.0, log_format: str = "json") -> None:
    """Configure logging for a command (workers get the same config through faust)."""
    import logging.config

    logging.config.dictConfig(logging_config(level, repeat_window_s, log_format))
