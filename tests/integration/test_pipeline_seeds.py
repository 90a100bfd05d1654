"""The whole pipeline on a real broker: the seeds give exactly their three alerts."""

from __future__ import annotations

import asyncio
import json

import pytest

import orjson

from tests.integration.conftest import read_all_async, read_json, worker_env
from workers.kafka.lag import LagProbe
from workers.pipeline import run_pipeline, spawn_worker, stage_reads, stop_worker
from workers.app import group_id
from workers.stages import STAGE_NAMES
from workers.schemas import validate
from workers.settings import PROJECT_ROOT
from workers.stage0_replay.publish import replay_directory
from workers.stage5_alerts.core import live_alerts

pytestmark = pytest.mark.integration

SEEDS = PROJECT_ROOT / "seeds"
GOLD = json.loads((SEEDS / "gold.json").read_text())
EXPECTED = {(a["geonameid"], a["new_status"]) for a in GOLD["alerts"]}


def _fold(text: str) -> str:
    """Whitespace and typographic quotes folded, as extraction normalises them."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    return " ".join(text.translate(table).split())


def _seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def test_seeds_give_exactly_their_three_alerts_and_every_message_matches_its_schema(settings, bootstrap, topics):
    result = asyncio.run(run_pipeline(settings, bootstrap, SEEDS))
    pairs = [(a["settlement"]["id"], a["new_status"]) for a in result.alerts]
    assert sorted(pairs) == sorted(EXPECTED)
    names = {a["settlement"]["id"]: a["settlement"]["name"] for a in result.alerts}
    assert names == {707292: "Izium", 703656: "Kupiansk", 712926: "Balakliia"}
    text = _fold(_seed_text())
    for alert in result.alerts:
        assert alert["evidence"], alert
        for ev in alert["evidence"]:
            assert _fold(ev["quote"]) in text, ev["quote"]
    forbidden = {e["geonameid"] for e in GOLD["must_not_alert"] if "geonameid" in e}
    assert not forbidden & {p[0] for p in pairs}
    # every message every stage produced matches the schema its topic declares
    seen = {}
    for role, spec in topics.items():
        messages = read_json(settings, bootstrap, spec)
        seen[role] = len(messages)
        for message in messages:
            validate(settings.schemas_dir, spec.value_schema, message)
    assert seen["raw"] == 2 and seen["extracted"] == 2 and seen["unique"] == 2 and seen["normalized"] == 2
    assert seen["claims"] >= 3 and seen["status"] >= 3 and seen["deadletter"] == 0
    # the seeds may be processed in either order: a shift found late is sent late, one it removes is withdrawn
    assert seen["alerts"] == len(result.messages) == 3 + 2 * result.withdrawn
    assert live_alerts(read_json(settings, bootstrap, topics["alerts"])) == result.alerts


def test_replaying_the_same_directory_twice_into_one_pipeline_adds_no_alert(settings, bootstrap, topics):
    stages = list(STAGE_NAMES)
    group = group_id(settings, stages)
    worker = spawn_worker(settings, bootstrap, stages, worker_env(settings))
    try:
        async def go() -> None:
            reads = stage_reads(settings, topics, {s: group for s in stages})
            async with LagProbe(settings, bootstrap, reads) as probe:
                await replay_directory(settings, bootstrap, topics["raw"].name, SEEDS,
                                       after_each=lambda _i: probe.wait_drained(90))
                assert await probe.wait_drained(90)
                first = await read_all_async(settings, bootstrap, topics["alerts"])
                assert len(first) == 3, [orjson.loads(v) for _, v in first]
                await replay_directory(settings, bootstrap, topics["raw"].name, SEEDS,
                                       after_each=lambda _i: probe.wait_drained(90))
                assert await probe.wait_drained(90)

        asyncio.run(go())
        alerts = read_json(settings, bootstrap, topics["alerts"])
        assert len(alerts) == 3
        assert len({a["alert_id"] for a in alerts}) == 3
        assert len(read_json(settings, bootstrap, topics["raw"])) == 4  # both replays really went through
    finally:
        assert stop_worker(worker) in (0, -15)
