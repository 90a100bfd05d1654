"""A broker that goes away and comes back: the workers reconnect, rejoin their group and go on.

The worker runs every stage against a forwarder in front of the embedded broker. The first seed
is processed, then every connection is cut and refused for longer than the consumer session
timeout (the broker drops the worker from its group), then accepted again. The second seed must
give its two alerts, the first seed's alert must not come again (the state survived), the
worker must never have exited, and its log must say so in a few dozen lines, not hundreds.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from tests.integration.conftest import read_json, worker_env
from tests.integration.forwarder import Forwarder
from workers.app import group_id
from workers.stages import STAGE_NAMES
from workers.kafka.admin import apply_topics
from workers.kafka.broker import EmbeddedBroker, free_port
from workers.logs import CLIENT_LOGGERS
from workers.operations.offsets import wait_drained
from workers.pipeline import spawn_worker, stage_reads, stop_worker
from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.publish import replay_directory
from workers.topics import load_topics

pytestmark = pytest.mark.integration

SEEDS = PROJECT_ROOT / "seeds"
GOLD = json.loads((SEEDS / "gold.json").read_text())["alerts"]
SESSION_TIMEOUT_S = 6.0
OUTAGE_S = 15.0  # longer than the session timeout: the worker has to rejoin, not just reconnect
MAX_CLIENT_LINES = 60  # FRONTWIRE_LOG_REPEAT_S (10 s): each kind of client message at most twice or so


def _one_seed(stem: str, into: Path) -> Path:
    into.mkdir()
    for path in SEEDS.glob(f"{stem}.*"):
        shutil.copy(path, into / path.name)
    return into


def test_workers_reconnect_after_the_broker_goes_away_and_comes_back(tmp_path, data_dir):
    first, second = sorted({a["after"] for a in GOLD})
    settings = replace(Settings.from_env(), topic_prefix=f"o{uuid.uuid4().hex[:8]}.", data_dir=data_dir,
                       commit_interval_s=0.1)
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    group = group_id(settings, list(STAGE_NAMES))
    reads = stage_reads(settings, topics, {s: group for s in STAGE_NAMES})
    log_path = tmp_path / "worker.log"
    with Forwarder(target_port=free_port()) as forwarder, \
            EmbeddedBroker(port=forwarder.target_port, advertised_port=forwarder.port) as broker, \
            open(log_path, "wb") as log:
        bootstrap = broker.bootstrap_servers
        assert bootstrap.endswith(f":{forwarder.port}")
        asyncio.run(apply_topics(settings, bootstrap, list(topics.values())))
        env = dict(worker_env(settings), FRONTWIRE_SESSION_TIMEOUT_S=str(SESSION_TIMEOUT_S))
        worker = spawn_worker(settings, bootstrap, list(STAGE_NAMES), env, stdout=log)

        def alive() -> bool:
            assert worker.poll() is None, f"the worker exited with code {worker.returncode}"
            return True

        try:
            asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, _one_seed(first, tmp_path / "a")))
            assert asyncio.run(wait_drained(settings, bootstrap, reads, 120.0, alive=alive)), "first seed not drained"
            before = read_json(settings, bootstrap, topics["alerts"])
            connections = forwarder.connections

            forwarder.cut()
            deadline = time.monotonic() + OUTAGE_S
            while time.monotonic() < deadline:
                alive()
                time.sleep(0.5)
            forwarder.restore()

            asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, _one_seed(second, tmp_path / "b")))
            assert asyncio.run(wait_drained(settings, bootstrap, reads, 180.0, alive=alive)), "second seed not drained"
            after = read_json(settings, bootstrap, topics["alerts"])
            alive()
        finally:
            stop_worker(worker)
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in before) == sorted(
        (a["geonameid"], a["new_status"]) for a in GOLD if a["after"] == first)
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in after) == sorted(
        (a["geonameid"], a["new_status"]) for a in GOLD), "after the outage: each seed alert exactly once"
    assert forwarder.connections > connections, "the worker never connected again"
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    client = [x for x in lines if x["logger"].startswith(CLIENT_LOGGERS)]
    # unfiltered, aiokafka wrote about 900 lines in this outage (measured); repeats are now held back and counted
    assert 0 < len(client) <= MAX_CLIENT_LINES, f"{len(client)} client log lines in a {OUTAGE_S:.0f} s outage"
    assert any(x.get("repeated", 0) > 0 for x in client), "no line says how many repeats were held back"
