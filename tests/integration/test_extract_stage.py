"""The extraction stage on a real broker: every corpus page accounted for, slow pages do not stall the worker."""

from __future__ import annotations

import asyncio
import time
import urllib.request

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import read_json, worker_env
from workers.app import group_id
from workers.kafka.broker import free_port
from workers.kafka.lag import LagProbe
from workers.pipeline import spawn_worker, stop_worker
from workers.records import RawArticle
from workers.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "html"


def _raw(article_id: str, body: str, content_type: str = "text/html") -> bytes:
    return orjson.dumps(RawArticle(article_id=article_id, source="corpus", url=None,
                                   published_at="2024-01-01T00:00:00Z", content_type=content_type,
                                   body=body).to_dict())


async def _publish(bootstrap: str, topic: str, messages: list[tuple[str, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
                                max_request_size=8_000_000)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


def test_every_corpus_page_is_extracted_or_dead_lettered(settings, bootstrap, topics):
    pages = sorted(CORPUS.glob("p*.html"))
    assert len(pages) == 200, f"expected the 200 corpus pages under {CORPUS}"
    messages = []
    for page in pages:
        raw = page.read_bytes()
        try:
            messages.append((page.stem, _raw(page.stem, raw.decode("utf-8"))))
        except UnicodeDecodeError:
            import base64

            doc = orjson.loads(_raw(page.stem, ""))
            del doc["body"]
            doc["body_base64"] = base64.b64encode(raw).decode()
            messages.append((page.stem, orjson.dumps(doc)))
    worker = spawn_worker(settings, bootstrap, ["extract"], worker_env(settings))
    try:
        asyncio.run(_publish(bootstrap, topics["raw"].name, messages))

        async def drain() -> bool:
            async with LagProbe(settings, bootstrap, [(group_id(settings, ["extract"]), topics["raw"])]) as probe:
                return await probe.wait_drained(240)

        assert asyncio.run(drain())
        assert worker.poll() is None, "the extraction worker died"
    finally:
        stop_worker(worker)
    extracted = {m["article_id"] for m in read_json(settings, bootstrap, topics["extracted"])}
    dead = {d["key"]: d["reason"] for d in read_json(settings, bootstrap, topics["deadletter"])}
    assert all(reason for reason in dead.values())
    missing = {p.stem for p in pages} - extracted - set(dead)
    assert not missing, f"lost pages: {sorted(missing)}"
    print(f"\ncorpus through the stage: {len(extracted)} extracted, {len(dead)} dead-lettered "
          f"({sorted(set(dead.values()))})")


def test_a_slow_page_does_not_stall_the_worker(settings, bootstrap, topics):
    """Parsing runs off the event loop: /healthz answers while a multi-second page is extracted."""
    port = free_port()
    env = dict(worker_env(settings), FRONTWIRE_WEB_PORT=str(port))
    paragraph = "Ukrainian forces said fighting continued near the river crossing overnight. " * 12
    slow_body = "Headline of a very long report\n\n" + "\n\n".join(f"{i} {paragraph}" for i in range(4500))
    worker = spawn_worker(settings, bootstrap, ["extract"], env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait for the endpoint (worker up)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        asyncio.run(_publish(bootstrap, topics["raw"].name, [
            ("slow", _raw("slow", slow_body, "text/plain")),
            ("after", _raw("after", "Short headline\n\n" + paragraph, "text/plain")),
        ]))
        worst = 0.0
        started = time.monotonic()
        extracted: set[str] = set()
        dead: dict[str, str] = {}

        def both_done() -> bool:  # the two land on different partitions, in either order
            return "after" in extracted and ("slow" in extracted or "slow" in dead)

        while time.monotonic() - started < 120 and not both_done():
            t0 = time.monotonic()
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.1)
            extracted = {m["article_id"] for m in read_json(settings, bootstrap, topics["extracted"])}
            dead = {d["key"]: d["reason"] for d in read_json(settings, bootstrap, topics["deadletter"])}
        assert "after" in extracted
        assert "slow" in extracted or dead.get("slow") == "text_too_large"
        print(f"\nslow page: {len(slow_body) / 1e6:.1f} MB ({dead.get('slow', 'extracted')}), both done in "
              f"{time.monotonic() - started:.1f}s, worst /healthz answer {worst * 1000:.0f} ms")
        assert worst < 2.0, f"event loop blocked for {worst:.1f}s"
    finally:
        stop_worker(worker)
