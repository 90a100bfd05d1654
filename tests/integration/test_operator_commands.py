"""Operators and subscribers (issue 16): one-line failures without a broker, readiness, a tail that ends."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import worker_env
from workers.kafka.admin import apply_topics
from workers.kafka.broker import free_port
from workers.kafka.reach import EXIT_UNREACHABLE
from workers.operations.deadletters import read_dead_letters
from workers.operations.status import pipeline_status
from workers.pipeline import stop_worker
from workers.settings import PROJECT_ROOT
from workers.stage0_replay.publish import replay_directory
from workers.subscribe import StartAt, tail_alerts
from workers.topics import load_topics

pytestmark = pytest.mark.integration

TIMEOUT_S = 1.5
BROKER_COMMANDS = [
    ("run", str(PROJECT_ROOT / "seeds")),
    ("replay", str(PROJECT_ROOT / "seeds")),
    ("status",),
    ("dlq", "list"),
    ("dlq", "replay", "--reason", "invalid_json"),
    ("topics", "apply"),
    ("alerts", "tail"),
    ("eval", str(PROJECT_ROOT / "eval" / "scenarios" / "soledar-2023-01"), "--broker"),
    ("worker", "all"),
]


@pytest.mark.parametrize("command", BROKER_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_without_a_broker_each_command_fails_in_one_line_within_its_timeout(command, tmp_path):
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": address, "FRONTWIRE_LOG_FORMAT": "text",
           "FRONTWIRE_DATA_DIR": os.environ.get("FRONTWIRE_DATA_DIR", str(tmp_path))}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "workers", *command, "--timeout", str(TIMEOUT_S)], env=env,
                          capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert proc.returncode == EXIT_UNREACHABLE, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and address in errors[0] and "--timeout" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and "Unclosed" not in proc.stderr
    if command[0] != "worker":  # the worker logs one line per attempt while it waits (docs/operations.md)
        assert proc.stderr.strip() == errors[0]
    if command[0] != "eval":  # eval scores in-process first (no broker), then probes for --broker
        assert took < TIMEOUT_S + 15, took


def test_clients_that_cannot_reach_the_broker_are_closed(settings, tmp_path):
    """Without the probe, every client still closes when it fails: Python sees no unclosed client."""
    from aiokafka.errors import KafkaConnectionError

    address = f"127.0.0.1:{free_port()}"
    specs = load_topics(settings.topics_file, settings.topic_prefix)
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    attempts = [
        lambda: read_dead_letters(settings, address, specs["deadletter"]),
        lambda: pipeline_status(settings, address),
        lambda: apply_topics(settings, address, list(specs.values())),
        lambda: tail_alerts(settings, address, json_out=True, start=StartAt("beginning"), exit_at_end=True),
        lambda: replay_directory(settings, address, specs["raw"].name, tmp_path),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for attempt in attempts:
            with pytest.raises(KafkaConnectionError):
                asyncio.run(attempt())
        gc.collect()
    unclosed = [str(w.message) for w in caught if "Unclosed" in str(w.message)]
    assert unclosed == []


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_readyz_turns_200_only_after_partitions_are_assigned(settings, bootstrap, topics, tmp_path):
    port = free_port()
    log_path = tmp_path / "worker.log"
    env = {**os.environ, **worker_env(settings), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "FRONTWIRE_WEB_PORT": str(port)}
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "workers", "worker", "dedup"], env=env,
                                  stdout=log, stderr=log)
    answers: list[tuple[int, dict]] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert worker.poll() is None, log_path.read_text()[-2000:]
            try:
                answers.append(_get(f"http://127.0.0.1:{port}/readyz"))
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
                continue
            if answers[-1][0] == 200:
                health = _get(f"http://127.0.0.1:{port}/healthz")
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"never ready: {answers[-3:]}")
        time.sleep(1.0)  # the ready line is logged by a check every 0.5 s
    finally:
        stop_worker(worker)
    not_ready = [doc for code, doc in answers if code == 503]
    assert not_ready, "the endpoint answered 200 from its first request: the test did not see the assignment"
    assert all(not doc["ready"] and doc["reason"] for doc in not_ready)
    assert answers[-1][1]["partitions"] == [f"{topics['extracted'].name}[0]"]
    assert health[0] == 200
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    ready = [line for line in lines if line.get("logger") == "workers.ready"]
    assert len(ready) == 1 and ready[0]["partitions"] == [f"{topics['extracted'].name}[0]"], lines
    assert ready[0]["stages"] == ["dedup"] and ready[0]["group"] == f"{settings.topic_prefix}frontwire-dedup"


async def _produce_alerts(bootstrap: str, topic: str, alerts: list[dict], partition: int) -> None:
    """Send alerts in one record batch (linger), as a stage that emits several shifts of one settlement does."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=200, enable_idempotence=False)
    await producer.start()
    try:
        futures = [await producer.send(topic, orjson.dumps(a), key=str(a["settlement"]["id"]).encode(),
                                       partition=partition) for a in alerts]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def _alert(n: int, settlement: int) -> dict:
    return {"alert_id": f"a{n}", "settlement": {"id": settlement, "name": f"S{settlement}", "oblast": None,
                                                "lat": 0.0, "lon": 0.0},
            "previous_status": "unknown", "new_status": "contested", "event": "entry", "confidence": 0.5,
            "evidence": [], "emitted_at": "2022-09-10T18:00:00Z"}


def test_alerts_tail_exit_at_end_returns_every_alert_the_last_included(settings, bootstrap, topics):
    topic = topics["alerts"].name
    first = [_alert(n, 707292) for n in range(5)]
    second = [_alert(n, 703656) for n in range(5, 12)]
    asyncio.run(_produce_alerts(bootstrap, topic, first, 0))
    time.sleep(1.1)
    boundary = datetime.now(timezone.utc)
    time.sleep(0.1)
    asyncio.run(_produce_alerts(bootstrap, topic, second, 1))
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix}

    def tail(*args: str) -> list[str]:
        proc = subprocess.run([sys.executable, "-m", "workers", "alerts", "tail", "--json", "--exit-at-end", *args],
                              env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return [json.loads(line)["alert_id"] for line in proc.stdout.splitlines()]

    everything = [a["alert_id"] for a in first + second]
    assert sorted(tail("--from-beginning")) == sorted(everything)
    assert tail("--offset", "beginning", "--settlement", "703656") == [a["alert_id"] for a in second]
    assert tail("--offset", "end") == []
    assert sorted(tail("--offset", "3")) == ["a10", "a11", "a3", "a4", "a8", "a9"]
    since = (boundary - timedelta(milliseconds=50)).isoformat().replace("+00:00", "Z")
    assert tail("--since", since) == [a["alert_id"] for a in second]
    bad = subprocess.run([sys.executable, "-m", "workers", "alerts", "tail", "--offset", "soon"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--offset" in bad.stderr


def test_dlq_replay_refuses_an_unknown_reason_and_lists_the_known_ones(settings, bootstrap, topics):
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix}
    proc = subprocess.run([sys.executable, "-m", "workers", "dlq", "replay", "--reason", "nonsense"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: unknown reason 'nonsense'; known reasons: ")
    for reason in ("invalid_json", "raw_too_large", "symlink", "stage_error"):
        assert reason in proc.stderr
    known = subprocess.run([sys.executable, "-m", "workers", "dlq", "replay", "--reason", "raw_too_large"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert known.returncode == 0 and "0 dead letter(s) matched" in known.stdout, known.stderr
