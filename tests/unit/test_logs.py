"""Structured logs: JSON lines, and Kafka client messages that repeat are held back, with a count."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from workers.logs import RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _record(name: str, msg: str, *args: object, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_repeats_of_a_client_message_are_held_back_then_counted():
    clock = Clock()
    f = RepeatFilter(window_s=10.0, clock=clock)
    template = "Unable connect to node with id %s: %s"
    passed = []
    for second in range(25):  # one failed connect a second for 25 s, the error text changing
        clock.now = 100.0 + second
        record = _record("aiokafka", template, 111, f"Connect call failed ({second})")
        if f.filter(record):
            passed.append((second, getattr(record, "repeated", 0)))
    assert passed == [(0, 0), (10, 9), (20, 9)]


def test_other_messages_levels_and_our_own_loggers_are_not_held_back():
    f = RepeatFilter(window_s=10.0, clock=Clock())
    assert f.filter(_record("aiokafka", "Unable to update metadata from %s", 111))
    assert f.filter(_record("aiokafka", "Failed fetch messages from %s", 111))  # another template
    assert f.filter(_record("aiokafka", "Unable to update metadata from %s", 111, level=logging.WARNING))
    for _ in range(5):
        assert f.filter(_record("workers.runner", "waiting for the broker"))  # ours: every line


def test_a_window_of_zero_lets_every_line_through():
    f = RepeatFilter(window_s=0.0, clock=Clock())
    assert all(f.filter(_record("aiokafka", "same")) for _ in range(5))


SCRIPT = """
import logging, logging.config
from workers.logs import logging_config
logging.config.dictConfig(logging_config("WARNING", repeat_window_s=60.0))
for i in range(3):
    logging.getLogger("aiokafka").error("Unable connect to node with id %s: %s", 111, i)
logging.getLogger("workers.test").warning("ours", extra={"attempt": 1})
"""


def test_the_logging_config_writes_json_lines_and_holds_client_repeats_back():
    # in a child process: dictConfig replaces every handler, pytest's own included
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(x["level"], x["logger"], x["msg"]) for x in lines] == [
        ("error", "aiokafka", "Unable connect to node with id 111: 0"), ("warning", "workers.test", "ours")]
    assert lines[1]["attempt"] == 1
