"""Bad input on each stage's input topic lands in the dead-letter topic; the next good one still flows."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import read_all, read_json, worker_env
from workers.app import group_id
from workers.stages import STAGE_NAMES, STAGES
from workers.kafka.lag import LagProbe
from workers.pipeline import spawn_worker, stage_reads, stop_worker

pytestmark = pytest.mark.integration

TEXT = ("Ukrainian troops entered Kupiansk on Saturday, officials said.\n"
        "Fighting continued in the streets of the town, according to the regional governor.")
SETTLEMENT = {"id": 703656, "name": "Kupiansk", "oblast": "Kharkiv", "lat": 49.71, "lon": 37.61}
IZIUM = {"id": 707292, "name": "Izium", "oblast": "Kharkiv", "lat": 49.21, "lon": 37.28}
EXTRACTED = {"article_id": "good-1", "source": "test-wire", "url": None, "published_at": "2022-09-10T12:00:00Z",
             "title": "Troops enter Kupiansk", "text": TEXT, "language": "en", "language_probability": 1.0,
             "content_type": "text/plain", "comments": []}
DEDUP_TEXT = ("Farmers in the Poltava region began the grain harvest early this year.\n"
              "Prices at the local market rose after a dry summer, traders said.")
NORMALIZE_TEXT = ("The city council of Lviv opened a new library in the old town.\n"
                  "Hundreds of readers came on the first day, the mayor's office said.")
CLAIM_START = TEXT.index("Kupiansk")
GOOD = {
    "extract": {"article_id": "good-0", "source": "test-wire", "published_at": "2022-09-10T12:00:00Z",
                "content_type": "text/plain", "body": "Troops enter Kupiansk\n\n" + TEXT},
    "dedup": dict(EXTRACTED, article_id="good-2", text=DEDUP_TEXT),
    "normalize": dict(EXTRACTED, article_id="good-3", text=NORMALIZE_TEXT),
    "claims": dict(EXTRACTED, article_id="good-4", text=TEXT, published_at="2022-09-11T12:00:00Z",
                   mentions=[{"settlement": SETTLEMENT, "surface": "Kupiansk", "confidence": 1.0,
                              "span": [CLAIM_START, CLAIM_START + len("Kupiansk")]}]),
    "alerts": {"claim_id": "c1", "article_id": "good-5", "source": "test-wire", "url": None,
               "published_at": "2022-09-10T12:00:00Z", "settlement": IZIUM, "event": "withdrawal",
               "actor": "russia", "implies": "ukrainian_control", "quote": "Russian troops withdrew from Izium.",
               "attribution": None, "counted": True, "reason": "rule", "hedged": False},
}
# a good message on the stages' further inputs (normalize also reads the duplicates)
GOOD_ALSO = {
    ("normalize", "duplicates"): {"article_id": "good-3d", "duplicate_of": "good-3", "similarity": 0.9, "kind": "near",
                                  "source": "other-wire", "url": None, "published_at": "2022-09-10T13:00:00Z",
                                  "article": dict(GOOD["normalize"], article_id="good-3d", source="other-wire",
                                                  published_at="2022-09-10T13:00:00Z")},
}
# the good message of each stage, found on its output topic by this field
PRODUCED_BY = {"extract": ("article_id", "good-0"), "dedup": ("article_id", "good-2"),
               "normalize": ("article_id", "good-3"), "claims": ("article_id", "good-4")}
OUTPUT = {"extract": "extracted", "dedup": "unique", "normalize": "normalized", "claims": "claims",
          "alerts": "alerts"}
BAD = [b"{not json", b"\xff\xfe\xfa", orjson.dumps({"article_id": 5}), orjson.dumps([1, 2, 3])]


def _json_only(messages):
    """JSON objects among raw messages (output topics of one stage are input topics of the next,
    where this test also put garbage)."""
    out = []
    for _, value in messages:
        try:
            doc = orjson.loads(value)
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict):
            out.append(doc)
    return out


def test_malformed_messages_go_to_dead_letters_and_good_ones_still_flow(settings, bootstrap, topics):
    stages = list(STAGE_NAMES)
    group = group_id(settings, stages)
    worker = spawn_worker(settings, bootstrap, stages, worker_env(settings))
    try:
        async def go() -> None:
            producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
            await producer.start()
            try:
                for spec in STAGES:
                    for role in spec.inputs:
                        for bad in BAD:
                            await producer.send_and_wait(topics[role].name, bad, key=b"bad")
                        good = GOOD[spec.name] if role == spec.reads else GOOD_ALSO[(spec.name, role)]
                        await producer.send_and_wait(topics[role].name, orjson.dumps(good),
                                                     key=str(good.get("article_id", "k")).encode())
            finally:
                await producer.stop()
            async with LagProbe(settings, bootstrap, stage_reads(settings, topics, {s: group for s in stages})) as p:
                assert await p.wait_drained(90)

        asyncio.run(go())
        dead = read_json(settings, bootstrap, topics["deadletter"])
        by_stage = {}
        for d in dead:
            by_stage.setdefault(d["stage"], []).append(d)
        for spec in STAGES:
            reasons = sorted(d["reason"] for d in by_stage.get(spec.name, []))
            expected = ["invalid_json", "not_utf8", "schema_violation", "schema_violation"] * len(spec.inputs)
            assert reasons == sorted(expected), (spec.name, reasons)
            inputs = {topics[role].name for role in spec.inputs}
            assert all(d["topic"] in inputs and d["offset"] is not None for d in by_stage[spec.name])
            assert {d["topic"] for d in by_stage[spec.name]} == inputs
        assert any(d["payload"] == "{not json" for d in dead)
        assert any(d["payload_base64"] for d in dead)
        for stage, (field, value) in PRODUCED_BY.items():
            produced = _json_only(read_all(settings, bootstrap, topics[OUTPUT[stage]]))
            assert any(m.get(field) == value for m in produced), f"{stage} did not process its good message"
        normalized = _json_only(read_all(settings, bootstrap, topics["normalized"]))
        assert any(m.get("article_id") == "good-3d" and m.get("duplicate_of") == "good-3" for m in normalized)
        alerts = read_json(settings, bootstrap, topics["alerts"])
        assert any(a["evidence"][0]["article_id"] == "good-5" and a["new_status"] == "ukrainian_control"
                   for a in alerts)
        assert worker.poll() is None, "the worker died"
    finally:
        stop_worker(worker)
