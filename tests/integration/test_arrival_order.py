"""Same input, same alerts: the development scenarios in one archive give the same live alerts whether they
are replayed (a) into running workers, (b) before the workers start (a backlog read from four partitions
in any order), or (c) while a chaos loop SIGKILLs workers; and those alerts are the scenarios' gold.

Each scenario's files are prefixed with its name, so the file order inside a scenario holds; the order
across the archive is whatever the partitions and the processes make of it.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.integration.chaos import Fleet, chaos
from tests.integration.conftest import read_json, worker_env
from workers.app import group_id
from workers.evaluate import gold_scenarios
from workers.kafka.admin import apply_topics
from workers.operations.offsets import wait_drained
from workers.pipeline import spawn_worker, stop_worker
from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.publish import replay_directory
from workers.stage5_alerts.core import live_alerts
from workers.stages import STAGE_NAMES, STAGES
from workers.topics import TopicSpec, load_topics

pytestmark = pytest.mark.integration

DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev"


def _archive(dest: Path) -> Path:
    """Every development scenario's articles and sidecars in one folder, each name prefixed with its scenario."""
    dest.mkdir()
    for scenario in gold_scenarios(DEV):
        for path in scenario.iterdir():
            if path.name not in ("gold.json", "README.md"):
                shutil.copy(path, dest / f"{scenario.name}__{path.name}")
    return dest


def _gold() -> list[tuple[int, str]]:
    return sorted((int(a["geonameid"]), a["new_status"]) for s in gold_scenarios(DEV)
                  for a in json.loads((s / "gold.json").read_text())["alerts"])


def _topics(settings: Settings, bootstrap: str, run: str) -> tuple[Settings, dict[str, TopicSpec]]:
    isolated = replace(settings, topic_prefix=f"{settings.topic_prefix}{run}.")
    specs = load_topics(isolated.topics_file, isolated.topic_prefix)
    asyncio.run(apply_topics(isolated, bootstrap, list(specs.values())))
    return isolated, specs


def _drain(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec], groups: dict[str, str],
           alive: Any = None) -> None:
    reads = [(groups[s.name], topics[role]) for s in STAGES for role in s.inputs]
    assert asyncio.run(wait_drained(settings, bootstrap, reads, 180.0, alive=alive)), "the pipeline did not drain"


def _live(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec]) -> dict[str, tuple[int, str]]:
    return {a["alert_id"]: (a["settlement"]["id"], a["new_status"])
            for a in live_alerts(read_json(settings, bootstrap, topics["alerts"]))}


def _all_in_one(settings: Settings, bootstrap: str, archive: Path, replay_first: bool) -> dict[str, tuple[int, str]]:
    """Runs (a) and (b): one `worker all`, started before or after the replay."""
    run, topics = _topics(settings, bootstrap, "backlog" if replay_first else "live")
    replay = lambda: asyncio.run(replay_directory(run, bootstrap, topics["raw"].name, archive))  # noqa: E731
    if replay_first:
        replay()
    worker = spawn_worker(run, bootstrap, list(STAGE_NAMES), worker_env(run))
    try:
        if not replay_first:
            replay()
        group = group_id(run, list(STAGE_NAMES))
        _drain(run, bootstrap, topics, {s: group for s in STAGE_NAMES}, alive=lambda: worker.poll() is None)
        return _live(run, bootstrap, topics)
    finally:
        stop_worker(worker)


def _under_chaos(settings: Settings, bootstrap: str, archive: Path, logs: Path) -> tuple[dict[str, tuple[int, str]], int]:
    """Run (c): one process per stage, a random one SIGKILLed and restarted every few seconds during the replay."""
    run, topics = _topics(settings, bootstrap, "chaos")
    fleet = Fleet(run, bootstrap, logs, {stage: [stage] for stage in STAGE_NAMES})
    done = threading.Event()

    def replay() -> None:
        try:
            asyncio.run(replay_directory(run, bootstrap, topics["raw"].name, archive, rate=2.0))
        finally:
            done.set()

    try:
        time.sleep(4.0)  # the first members join before the first kill
        publisher = threading.Thread(target=replay, daemon=True)
        publisher.start()
        chaos(fleet, done, time.monotonic() + 90.0, random.Random(5), every_s=3.0, max_kills=8)
        publisher.join(timeout=120.0)
        assert done.is_set()
        _drain(run, bootstrap, topics, {s: group_id(run, [s]) for s in STAGE_NAMES}, alive=lambda: not fleet.dead())
        return _live(run, bootstrap, topics), fleet.kills
    finally:
        fleet.stop()


@pytest.mark.timeout(600)
@pytest.mark.skipif(not DEV.is_dir(), reason=f"development scenarios not found at {DEV}")
def test_the_live_alerts_do_not_depend_on_arrival_order_restarts_or_backlog(settings, bootstrap, tmp_path):
    archive = _archive(tmp_path / "archive")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = _all_in_one(settings, bootstrap, archive, replay_first=False)
    backlog = _all_in_one(settings, bootstrap, archive, replay_first=True)
    chaotic, kills = _under_chaos(settings, bootstrap, archive, logs)
    print(f"\narrival order: {len(live)} live alerts replayed into running workers, {len(backlog)} from a backlog, "
          f"{len(chaotic)} under {kills} SIGKILLs; gold {len(_gold())}")
    assert kills >= 3
    assert sorted(live.values()) == _gold()
    assert backlog == live
    assert chaotic == live
