"""State that survives a SIGKILL: dedup remembers, the status table does not alert twice."""

from __future__ import annotations

import asyncio
import shutil
import signal
from pathlib import Path

import pytest

from tests.integration.conftest import read_json, worker_env
from workers.app import group_id
from workers.stages import STAGE_NAMES
from workers.kafka.lag import LagProbe
from workers.pipeline import spawn_worker, stage_reads, stop_worker
from workers.settings import PROJECT_ROOT
from workers.stage0_replay.publish import replay_directory

pytestmark = pytest.mark.integration

KHARKIV = PROJECT_ROOT.parent / "shared" / "eval" / "dev" / "kharkiv-2022-09-balakliia"


def _copy(names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        for path in KHARKIV.glob(f"{name}.*"):
            shutil.copy(path, dest / path.name)
    return dest


def _kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


async def _replay_and_drain(settings, bootstrap, topics, directory, groups: dict[str, str]) -> None:
    async with LagProbe(settings, bootstrap, stage_reads(settings, topics, groups)) as probe:
        await replay_directory(settings, bootstrap, topics["raw"].name, directory)
        assert await probe.wait_drained(120), await probe.lags()


def test_dedup_worker_remembers_an_article_after_sigkill(settings, bootstrap, topics, tmp_path):
    first = _copy(["04-izium-withdrawal-wire"], tmp_path / "first")
    second = _copy(["05-izium-withdrawal-republished"], tmp_path / "second")
    env = worker_env(settings)
    extract = spawn_worker(settings, bootstrap, ["extract"], env)
    dedup = spawn_worker(settings, bootstrap, ["dedup"], env)
    groups = {"extract": group_id(settings, ["extract"]), "dedup": group_id(settings, ["dedup"])}
    try:
        asyncio.run(_replay_and_drain(settings, bootstrap, topics, first, groups))
        unique = read_json(settings, bootstrap, topics["unique"])
        assert len(unique) == 1
        original_id = unique[0]["article_id"]
        _kill(dedup)  # no drain, no commit of anything still in memory
        dedup = spawn_worker(settings, bootstrap, ["dedup"], env)
        asyncio.run(_replay_and_drain(settings, bootstrap, topics, second, groups))
        duplicates = read_json(settings, bootstrap, topics["duplicates"])
        # at-least-once: a redelivery after the rebalance may repeat the record, never change it
        assert duplicates and {(d["duplicate_of"], d["kind"]) for d in duplicates} == {(original_id, "near")}
        assert len({d["article_id"] for d in duplicates}) == 1
        assert len(read_json(settings, bootstrap, topics["unique"])) == 1
    finally:
        stop_worker(dedup)
        stop_worker(extract)


def test_claims_worker_killed_mid_replay_every_alert_exactly_once(settings, bootstrap, topics, tmp_path):
    """SIGKILL the claims worker between articles, restart it: each expected shift alerts once."""
    names = ["01-balakliia-fighting", "02-liveblog-sept-9", "03-kupiansk-entered", "04-izium-withdrawal-wire"]
    env = worker_env(settings)
    others = [s for s in STAGE_NAMES if s != "claims"]
    rest = spawn_worker(settings, bootstrap, others, env)
    claims = spawn_worker(settings, bootstrap, ["claims"], env)
    groups = {s: group_id(settings, others) for s in others}
    groups["claims"] = group_id(settings, ["claims"])
    try:
        for i, name in enumerate(names):
            asyncio.run(_replay_and_drain(settings, bootstrap, topics, _copy([name], tmp_path / name), groups))
            if i == 1:
                _kill(claims)
                claims = spawn_worker(settings, bootstrap, ["claims"], env)
        alerts = read_json(settings, bootstrap, topics["alerts"])
        shifts = sorted((a["settlement"]["name"], a["new_status"]) for a in alerts)
        assert shifts == sorted([("Balakliia", "contested"), ("Balakliia", "ukrainian_control"),
                                 ("Shevchenkove", "ukrainian_control"), ("Kupiansk", "contested"),
                                 ("Izium", "ukrainian_control"), ("Kupiansk", "ukrainian_control")])
        assert len({a["alert_id"] for a in alerts}) == len(alerts)
    finally:
        stop_worker(claims)
        stop_worker(rest)
