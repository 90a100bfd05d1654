"""`frontwire ingest FILE --once` (the real command, in its own process) against a local feed of the two
seed articles, with every stage running: the seeds' alerts come out, and a second run publishes nothing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import orjson
import pytest

from tests.integration.conftest import read_all_async, read_json, worker_env
from tests.integration.feedserver import FeedServer, rss
from workers.app import group_id
from workers.kafka.lag import LagProbe
from workers.pipeline import spawn_worker, stage_reads, stop_worker
from workers.settings import PROJECT_ROOT
from workers.stage5_alerts.core import live_alerts
from workers.stages import STAGE_NAMES

pytestmark = pytest.mark.integration

SEEDS = PROJECT_ROOT / "seeds"
GOLD = json.loads((SEEDS / "gold.json").read_text())
EXPECTED = sorted((a["geonameid"], a["new_status"]) for a in GOLD["alerts"])


def _rfc822(iso: str) -> str:
    from email.utils import format_datetime

    from workers.timeutil import parse_time

    return format_datetime(parse_time(iso), usegmt=True)


def _ingest_once(settings, bootstrap, sources_file) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix,
           "FRONTWIRE_DATA_DIR": str(settings.data_dir), "FRONTWIRE_INGEST_ALLOW_PRIVATE": "1",
           "FRONTWIRE_INGEST_HOST_DELAY_S": "0.05", "FRONTWIRE_INGEST_CONTACT": "ops@frontwire.test"}
    return subprocess.run([sys.executable, "-m", "workers", "ingest", str(sources_file), "--once"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_feed_of_the_seeds_gives_the_seed_alerts_and_a_second_run_publishes_nothing(
        settings, bootstrap, topics, tmp_path):
    with FeedServer() as srv:
        items = []
        for text in sorted(SEEDS.glob("*.txt")):
            meta = json.loads(text.with_name(text.stem + ".meta.json").read_text())
            srv.add_bytes(f"/news/{text.stem}", text.read_bytes(), "text/plain; charset=utf-8")
            items.append({"title": text.stem, "link": srv.url(f"/news/{text.stem}"),
                          "pubDate": _rfc822(meta["published_at"]), "guid": text.stem})
        srv.add_bytes("/rss.xml", rss(items), "application/rss+xml")
        sources_file = tmp_path / "sources.yaml"
        sources_file.write_text(f"sources:\n  - name: seeds\n    feed: {srv.url('/rss.xml')}\n    language: en\n"
                                "    interval_s: 60\n")
        stages = list(STAGE_NAMES)
        worker = spawn_worker(settings, bootstrap, stages, worker_env(settings))
        try:
            async def go() -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str], list]:
                reads = stage_reads(settings, topics, {s: group_id(settings, stages) for s in stages})
                async with LagProbe(settings, bootstrap, reads) as probe:
                    first = await asyncio.to_thread(_ingest_once, settings, bootstrap, sources_file)
                    assert await probe.wait_drained(120, alive=lambda: worker.poll() is None)
                    second = await asyncio.to_thread(_ingest_once, settings, bootstrap, sources_file)
                    assert await probe.wait_drained(60, alive=lambda: worker.poll() is None)
                alerts = [orjson.loads(v) for _, v in await read_all_async(settings, bootstrap, topics["alerts"])]
                return first, second, alerts

            first, second, alerts = asyncio.run(go())
        finally:
            stop_worker(worker)
    assert first.returncode == 0, first.stderr
    assert "published 2 article(s) from 1 source(s)" in first.stdout, first.stdout
    assert second.returncode == 0, second.stderr
    assert "published 0 article(s) from 1 source(s)" in second.stdout, second.stdout
    raw = read_json(settings, bootstrap, topics["raw"])
    assert sorted(m["url"] for m in raw) == sorted(i["link"] for i in items)
    assert sorted(m["published_at"] for m in raw) == sorted(
        json.loads(p.read_text())["published_at"] for p in SEEDS.glob("*.meta.json"))
    live = live_alerts(alerts)
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in live) == EXPECTED
    assert all(ev["url"] in {i["link"] for i in items} for a in live for ev in a["evidence"])
    # `frontwire status` lists the source with its last success and no error
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix}
    status = subprocess.run([sys.executable, "-m", "workers", "status", "--json"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    (source,) = orjson.loads(status.stdout)["sources"]
    assert source["source"] == "seeds" and source["last_success"] and source["last_error"] is None
    assert source["published"] == 2 and source["entries_seen"] == 4
