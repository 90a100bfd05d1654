"""Reliability on a real broker: workers before the broker, hostile input, metrics and status, dead-letter replay.

Drains use true end offsets (workers.operations.offsets): on the embedded broker ListOffsets can
miss the tail of the last batch, so a lag computed from it may read zero too early.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import replace
from typing import Any, Callable
from unittest import mock

import orjson
import pytest
import typer
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest
from typer.testing import CliRunner

from tests.integration.conftest import worker_env
from workers.app import group_id
from workers.stages import STAGE_NAMES, STAGES
from workers.cli_operations import register
from workers.kafka.broker import EmbeddedBroker, free_port
from workers.kafka.lag_metrics import LagMetrics
from workers.kafka.ledger import PublishedLedger
from workers.operations.deadletters import DeadLetterEntry, read_dead_letters
from workers.operations.offsets import read_topic, true_lags, wait_drained
from workers.operations.status import pipeline_status
from workers.pipeline import spawn_worker, stage_reads, stop_worker
from workers.records import Claim, ExtractedArticle, NormalizedArticle, RawArticle, Rejection
from workers.kafka.retry import backoff_delays
from workers.runner import BrokerUnavailable, wait_for_broker
from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.publish import replay_directory
from workers.stage5_alerts.core import alert_id_for, live_alerts
from workers.binder import decode_message
from workers.topics import TopicSpec, load_topics

pytestmark = pytest.mark.integration

SEEDS = PROJECT_ROOT / "seeds"
SEED_ALERTS = {(a["geonameid"], a["new_status"]) for a in json.loads((SEEDS / "gold.json").read_text())["alerts"]}
ALL = list(STAGE_NAMES)


# ---------------------------------------------------------------- helpers

def drain(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec], workers: list[Any],
          timeout_s: float = 120.0) -> None:
    """Wait until the `worker all` group has committed every record of every stage input."""
    group = group_id(settings, ALL)
    reads = stage_reads(settings, topics, {s: group for s in ALL})

    def alive() -> bool:
        for w in workers:
            assert w.poll() is None, f"a worker exited with code {w.returncode}"
        return True

    if not asyncio.run(wait_drained(settings, bootstrap, reads, timeout_s, alive=alive)):
        behind = [p for p in asyncio.run(true_lags(settings, bootstrap, reads)) if p.lag]
        raise Stuck(behind)


class Stuck(AssertionError):
    """The pipeline did not drain: the partitions still behind."""

    def __init__(self, behind: list[Any]) -> None:
        super().__init__(f"the pipeline did not drain; behind: {behind}")
        self.behind = behind


async def produce(bootstrap: str, messages: list[tuple[str, bytes | None, bytes]]) -> list[tuple[int, int]]:
    """Send (topic, key, value) messages one by one; their (partition, offset)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
                                max_request_size=8_000_000)
    await producer.start()
    try:
        out = []
        for topic, key, value in messages:
            md = await producer.send_and_wait(topic, value, key=key)
            out.append((md.partition, md.offset))
        return out
    finally:
        await producer.stop()


def read_json(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[dict[str, Any]]:
    """Every message of a topic as JSON, read to the true end (see workers.operations.offsets)."""
    return [orjson.loads(m.value) for m in asyncio.run(read_topic(settings, bootstrap, spec))]


def dead_letters(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec]) -> list[DeadLetterEntry]:
    return asyncio.run(read_dead_letters(settings, bootstrap, topics["deadletter"]))


def operator_cli() -> typer.Typer:
    """A fresh command with the operator commands registered, as `workers.cli` does."""
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def main() -> None:
        """frontwire (test)."""

    register(app)
    return app


def run_cli(settings: Settings, bootstrap: str | None, *args: str) -> Any:
    """Invoke an operator command in-process (logging left alone: the runner's streams close after it)."""
    env = {"FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix, "KAFKA_BOOTSTRAP_SERVERS": bootstrap or ""}
    with mock.patch("workers.logs.setup_logging"):
        return CliRunner().invoke(operator_cli(), list(args), env=env, catch_exceptions=False)


def _registered_in_main_cli() -> bool:
    from workers.cli import cli

    return any(c.name == "status" or (c.callback and c.callback.__name__ == "status") for c in cli.registered_commands)


# ---------------------------------------------------------------- workers before the broker

def test_workers_started_before_the_broker_wait_then_process_the_seeds(tmp_path, data_dir):
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    settings = replace(Settings.from_env(), bootstrap_servers=bootstrap, topic_prefix=f"b{uuid.uuid4().hex[:8]}.",
                       data_dir=data_dir, commit_interval_s=0.1)
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = spawn_worker(settings, bootstrap, ALL, worker_env(settings), stdout=log)
        try:
            time.sleep(4.0)
            assert worker.poll() is None, "the worker gave up before the broker started"
            with EmbeddedBroker(port=port):
                _wait_for_topics(settings, bootstrap, topics, worker, 60.0)  # the worker creates them
                asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, SEEDS))
                drain(settings, bootstrap, topics, [worker])
                alerts = live_alerts(read_json(settings, bootstrap, topics["alerts"]))  # the seeds, in either order
                stop_worker(worker)
        finally:
            stop_worker(worker)
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in alerts) == sorted(SEED_ALERTS)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    waits = [x for x in lines if x.get("msg", "").startswith(f"waiting for the broker at {bootstrap} (attempt ")]
    assert len(waits) >= 3, log_path.read_text()[-2000:]
    assert [w["attempt"] for w in waits] == list(range(1, len(waits) + 1))
    delays = [w["retry_in_s"] for w in waits]
    assert delays[:3] == [0.5, 1.0, 2.0] and max(delays) <= 5.0  # exponential backoff, capped
    assert any(x.get("msg", "").startswith(f"the broker at {bootstrap} answered") for x in lines)


def test_waiting_for_the_broker_backs_off_logs_each_attempt_and_never_the_password(caplog):
    secret = "pw-S3CRET-7f3a"
    settings = replace(Settings.from_env(), security_protocol="SASL_PLAINTEXT", sasl_username="frontwire",
                       sasl_password=secret, topic_prefix="w.")
    bootstrap = f"127.0.0.1:{free_port()}"
    with caplog.at_level(logging.DEBUG):
        started = time.monotonic()
        with pytest.raises(BrokerUnavailable, match="FRONTWIRE_BROKER_WAIT_S"):
            wait_for_broker(settings, bootstrap, timeout_s=2.0)
        waited = time.monotonic() - started
    assert 1.9 <= waited < 6.0
    attempts = [r for r in caplog.records if r.getMessage().startswith(f"waiting for the broker at {bootstrap}")]
    assert [r.retry_in_s for r in attempts][:2] == [0.5, 1.0] and len(attempts) >= 2
    assert all(r.levelname == "WARNING" and r.bootstrap == bootstrap for r in attempts)
    assert not [r for r in caplog.records if r.name.startswith("aiokafka") and r.levelno >= logging.ERROR]
    everything = caplog.text + "".join(str(vars(r)) for r in caplog.records)
    assert secret not in everything and secret not in repr(settings)
    assert list(itertools.islice(backoff_delays(), 6)) == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def _wait_for_topics(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec], worker: Any,
                     timeout_s: float) -> None:
    async def names() -> set[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            return set(await admin.list_topics())
        finally:
            await admin.close()

    deadline = time.monotonic() + timeout_s
    wanted = {t.name for t in topics.values()}
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker exited"
        if wanted <= asyncio.run(names()):
            return
        time.sleep(0.3)
    raise AssertionError("the worker did not create the topics")


# ---------------------------------------------------------------- hostile input (hypothesis)

TEXT = ("Ukrainian troops entered Kupiansk on Saturday, officials said.\n"
        "Fighting continued in the streets of the town, according to the regional governor.")
KUPIANSK = {"id": 703656, "name": "Kupiansk", "oblast": "Kharkiv", "lat": 49.71, "lon": 37.61}
RAW = {"article_id": "g", "source": "garbage-wire", "url": None, "published_at": "2022-09-10T12:00:00Z",
       "content_type": "text/plain", "body": "Troops enter Kupiansk\n\n" + TEXT}
EXTRACTED = {"article_id": "g", "source": "garbage-wire", "url": None, "published_at": "2022-09-10T12:00:00Z",
             "title": "Troops enter Kupiansk", "text": TEXT, "language": "en", "language_probability": 1.0,
             "content_type": "text/plain", "comments": []}
NORMALIZED = dict(EXTRACTED, mentions=[{"settlement": KUPIANSK, "surface": "Kupiansk", "confidence": 1.0,
                                        "span": [TEXT.index("Kupiansk"), TEXT.index("Kupiansk") + 8]}])
CLAIM = {"claim_id": "c", "article_id": "g", "source": "garbage-wire", "url": None,
         "published_at": "2022-09-10T12:00:00Z", "settlement": KUPIANSK, "event": "entry", "actor": "ukraine",
         "implies": "contested", "quote": "Ukrainian troops entered Kupiansk on Saturday, officials said.",
         "attribution": "officials", "counted": True, "reason": "rule", "hedged": False}
# stage -> (template, schema, record builder): the stage's own parse decides what is valid
INPUTS: dict[str, tuple[dict[str, Any], str, Callable[[dict[str, Any]], Any]]] = {
    "extract": (RAW, "raw_article", RawArticle.from_dict),
    "dedup": (EXTRACTED, "extracted_article", ExtractedArticle.from_dict),
    "normalize": (EXTRACTED, "extracted_article", ExtractedArticle.from_dict),
    "claims": (NORMALIZED, "normalized_article", NormalizedArticle.from_dict),
    "alerts": (CLAIM, "claim", Claim.from_dict),
}
ONE_TO_ONE = {"extract": ("extracted",), "dedup": ("unique", "duplicates"), "normalize": ("normalized",)}
MAX_RAW = 20_000  # FRONTWIRE_MAX_RAW_BYTES of the worker under attack: oversize bodies stay cheap
NEVER_VALID = {"random_bytes", "invalid_utf8", "deep_nesting", "not_an_object", "empty"}

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
BAD_UTF8 = [b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80", b"\xf8\x88\x80\x80\x80"]


def _dumps(value: Any) -> bytes:
    """JSON as any producer might write it (integers beyond 64 bits included)."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _nested(depth: int, as_object: bool) -> str:
    return ('{"a":' * depth + "1" + "}" * depth) if as_object else ("[" * depth + "1" + "]" * depth)


@st.composite
def hostile(draw: Any) -> tuple[str, dict[str, bytes]]:
    """(kind, {stage: payload}): one piece of garbage shaped for every stage's input."""
    kind = draw(st.sampled_from(["random_bytes", "invalid_utf8", "wrong_types", "oversize", "deep_nesting",
                                 "not_an_object", "empty", "hostile_text"]))
    out: dict[str, bytes] = {}
    shared = draw(st.binary(max_size=400)) if kind == "random_bytes" else None
    for stage in STAGE_NAMES:
        doc = dict(INPUTS[stage][0], article_id=f"g-{uuid.uuid4().hex[:12]}")
        field = draw(st.sampled_from(sorted(doc)))
        if kind == "random_bytes":
            out[stage] = shared or b""
        elif kind == "invalid_utf8":
            raw = orjson.dumps(doc)
            at = draw(st.integers(0, len(raw)))
            out[stage] = raw[:at] + draw(st.sampled_from(BAD_UTF8)) + raw[at:]
        elif kind == "wrong_types":
            doc[field] = draw(JSON_VALUES)
            out[stage] = _dumps(doc)
        elif kind == "oversize":
            size = draw(st.integers(MAX_RAW + 1, 3 * MAX_RAW))
            big_field = "body" if stage == "extract" and draw(st.booleans()) else field
            doc[big_field] = ("Lorem ipsum dolor sit amet in Kupiansk. " * (size // 40 + 1))[:size]
            out[stage] = orjson.dumps(doc)
        elif kind == "deep_nesting":
            depth = draw(st.integers(20, 4000))
            as_object = draw(st.booleans())
            if draw(st.booleans()):
                out[stage] = _nested(depth, as_object).encode()
            else:
                body = orjson.dumps({k: v for k, v in doc.items() if k != field})[:-1]
                out[stage] = body + b',"' + field.encode() + b'":' + _nested(depth, as_object).encode() + b"}"
        elif kind == "hostile_text":  # schema-valid, with control, bidi, NUL and far-plane characters in its strings
            for name in ("source", "title", "text", "body", "quote"):
                if name in doc:
                    doc[name] = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=3000))
            out[stage] = orjson.dumps(doc)
        elif kind == "not_an_object":
            out[stage] = _dumps(draw(st.one_of(st.integers(), st.text(max_size=50), st.lists(JSON_VALUES, max_size=5),
                                               st.booleans(), st.none())))
        else:
            out[stage] = b""
    return kind, out


def _ids(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[str]:
    """article_id of every JSON object on a topic (an output topic is also the next stage's garbage input)."""
    out: list[str] = []
    for message in asyncio.run(read_topic(settings, bootstrap, spec)):
        try:
            doc = orjson.loads(message.value)
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("article_id"), str):
            out.append(doc["article_id"])
    return out


def test_garbage_on_every_stage_input_is_dead_lettered_or_processed_and_the_worker_lives(settings, bootstrap,
                                                                                         topics, tmp_path):
    env = dict(worker_env(settings), FRONTWIRE_MAX_RAW_BYTES=str(MAX_RAW))
    sent: list[dict[str, Any]] = []
    loop = asyncio.new_event_loop()

    async def start_producer() -> AIOKafkaProducer:
        p = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
                             max_request_size=8_000_000)
        await p.start()
        return p

    producer = loop.run_until_complete(start_producer())
    worker = spawn_worker(settings, bootstrap, ALL, env)

    @hsettings(max_examples=40, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(hostile())
    def send(example: tuple[str, dict[str, bytes]]) -> None:
        kind, payloads = example
        for spec in STAGES:
            value = payloads[spec.name]
            md = loop.run_until_complete(producer.send_and_wait(topics[spec.reads].name, value, key=b"garbage"))
            template, schema, build = INPUTS[spec.name]
            verdict = decode_message(value, settings.schemas_dir, schema, build)
            sent.append({"kind": kind, "stage": spec.name, "topic": topics[spec.reads].name,
                         "partition": md.partition, "offset": md.offset, "value": value, "verdict": verdict})

    try:
        started = time.monotonic()
        send()
        produced_s = time.monotonic() - started
        try:
            drain(settings, bootstrap, topics, [worker], timeout_s=180)
        except Stuck as stuck:  # name the inputs the stage is stuck on
            first = {(p.topic, p.partition): p.committed for p in stuck.behind}
            blocking = [f"{s['kind']} on {s['stage']}: {s['value'][:3000]!r}" for s in sent
                        if first.get((s["topic"], s["partition"])) == s["offset"]]
            raise AssertionError(f"{stuck}; first unprocessed input(s): {blocking}") from stuck
        drained_s = time.monotonic() - started
        assert worker.poll() is None, "the worker died"
        dead = {(e.record["topic"], e.record["partition"], e.record["offset"]): e
                for e in dead_letters(settings, bootstrap, topics)}
        outputs = {stage: {doc_id for role in roles for doc_id in _ids(settings, bootstrap, topics[role])}
                   for stage, roles in ONE_TO_ONE.items()}
    finally:
        loop.run_until_complete(producer.stop())
        loop.close()
        stop_worker(worker)

    assert len(sent) >= 5 * 10
    positions = {(s["topic"], s["partition"], s["offset"]) for s in sent}
    assert set(dead) <= positions, "a dead letter for an input that was not sent"
    tally: dict[str, int] = {"dead_lettered": 0, "output": 0, "valid_no_output": 0}
    for s in sent:
        where = (s["topic"], s["partition"], s["offset"])
        letter = dead.get(where)
        shown = f"{s['kind']} on {s['stage']}: {s['value'][:200]!r}"
        if s["kind"] in NEVER_VALID:
            assert isinstance(s["verdict"], Rejection), f"test bug: thought invalid but parses: {shown}"
        if isinstance(s["verdict"], Rejection):
            assert letter is not None, f"not dead-lettered: {shown}"
            assert letter.reason == s["verdict"].reason and letter.stage == s["stage"], shown
            assert letter.original_payload() == s["value"][:1_000_000], shown
            tally["dead_lettered"] += 1
        elif letter is not None:
            assert letter.reason and letter.stage == s["stage"], shown
            tally["dead_lettered"] += 1
        elif s["stage"] in ONE_TO_ONE:
            assert s["verdict"].article_id in outputs[s["stage"]], f"neither output nor dead letter: {shown}"
            tally["output"] += 1
        else:
            tally["valid_no_output"] += 1  # a valid normalized article or claim need not produce anything
    for stage in ONE_TO_ONE:  # per message (two messages may carry one article id): a dead letter or an output
        mine = [s for s in sent if s["stage"] == stage]
        accounted = [s for s in mine if (s["topic"], s["partition"], s["offset"]) in dead
                     or getattr(s["verdict"], "article_id", None) in outputs[stage]]
        assert len(accounted) == len(mine), f"{stage}: {len(mine) - len(accounted)} input(s) left no trace"
    kinds = Counter(s["kind"] for s in sent)
    reasons = Counter(e.reason for e in dead.values())
    print(f"\nhostile input: {len(sent)} messages {dict(kinds)}; {tally}; reasons {dict(reasons)}; "
          f"produced in {produced_s:.1f}s, drained after {drained_s:.1f}s")


# ---------------------------------------------------------------- metrics endpoint and status

def _metric(text: str, name: str, **labels: str) -> float:
    """Sum of a Prometheus sample over the series whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        m = re.match(r"^(\w+)(\{[^}]*\})?\s+(\S+)$", line)
        if not m or m.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total


def _get(url: str, timeout_s: float = 30.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_metrics_endpoint_and_status_show_counters_after_a_replay(settings, bootstrap, topics):
    port = free_port()
    worker = spawn_worker(settings, bootstrap, ALL, dict(worker_env(settings), FRONTWIRE_WEB_PORT=str(port)))
    try:
        asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, SEEDS))
        asyncio.run(produce(bootstrap, [(topics["raw"].name, b"bad", b"{not json")]))
        drain(settings, bootstrap, topics, [worker])
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert sorted(json.loads(body)["stages"]) == sorted(ALL)
        _, metrics = _get(f"http://127.0.0.1:{port}/metrics")
        alert_messages = read_json(settings, bootstrap, topics["alerts"])
        state = asyncio.run(pipeline_status(settings, bootstrap))
        text = run_cli(settings, bootstrap, "status")
        as_json = run_cli(settings, bootstrap, "status", "--json")
        main_cli = None
        if _registered_in_main_cli():  # once workers/cli.py calls register(): the real command line
            env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=bootstrap, FRONTWIRE_TOPIC_PREFIX=settings.topic_prefix)
            main_cli = subprocess.run([sys.executable, "-m", "workers", "status", "--json"], env=env,
                                      capture_output=True, text=True, timeout=60)
    finally:
        stop_worker(worker)
    # the lag gauge: zero after the drain; two unconsumed raw articles once the worker is gone
    registry = CollectorRegistry()
    gauge = LagMetrics(registry, settings, bootstrap, ALL, group_id(settings, ALL))
    asyncio.run(gauge.refresh())
    drained_lag = generate_latest(registry).decode()
    asyncio.run(produce(bootstrap, [(topics["raw"].name, b"k1", b"{}"), (topics["raw"].name, b"k1", b"{}")]))
    asyncio.run(gauge.refresh())
    pending_lag = generate_latest(registry).decode()
    assert _metric(drained_lag, "frontwire_consumer_lag") == 0
    assert _metric(drained_lag, "frontwire_consumer_lag", stage="dedup", partition="0") == 0
    assert _metric(pending_lag, "frontwire_consumer_lag", stage="extract") == 2
    assert _metric(pending_lag, "frontwire_consumer_lag") == 2

    assert _metric(metrics, "frontwire_messages_in_total", stage="extract") == 3
    assert _metric(metrics, "frontwire_messages_out_total", stage="extract") == 2
    # three shifts stand; the seeds in either order may add a late alert and a withdrawal on the topic
    assert len(live_alerts(alert_messages)) == 3
    assert _metric(metrics, "frontwire_messages_out_total", stage="alerts", topic="alerts") == len(alert_messages)
    assert _metric(metrics, "frontwire_dead_lettered_total", stage="extract", reason="invalid_json") == 1
    for stage in ALL:
        assert _metric(metrics, "frontwire_messages_in_total", stage=stage) > 0, stage
        assert _metric(metrics, "frontwire_processing_seconds_count", stage=stage) > 0, stage

    by_stage = {s.stage: s for s in state.stages}
    assert by_stage["extract"].end == 3 and by_stage["extract"].lag == 0
    assert by_stage["extract"].groups[0].group == group_id(settings, ALL)
    assert by_stage["extract"].groups[0].consumed == 3
    assert by_stage["extract"].dead_letters == {"invalid_json": 1}
    assert by_stage["alerts"].produced["alerts"] == len(alert_messages)
    for stage in ALL:
        assert by_stage[stage].groups[0].consumed > 0 and by_stage[stage].lag == 0, stage

    assert text.exit_code == 0, text.output
    assert "invalid_json: 1" in text.output and "total lag 0, dead letters 1" in text.output
    doc = json.loads(as_json.stdout)
    assert doc["dead_lettered"] == 1 and doc["lag"] == 0
    assert {s["stage"]: s["produced"] for s in doc["stages"]}["alerts"]["alerts"] == len(alert_messages)
    if main_cli is not None:
        assert main_cli.returncode == 0, main_cli.stderr[-2000:]
        assert json.loads(main_cli.stdout)["dead_lettered"] == 1


def test_operator_commands_say_they_need_a_cluster(settings):
    for args in (["status"], ["dlq", "list"], ["dlq", "replay", "--reason", "invalid_json"]):
        result = run_cli(settings, None, *args)
        assert result.exit_code == 2, args
        assert "needs a running cluster: set KAFKA_BOOTSTRAP_SERVERS" in result.output, args
    help_text = run_cli(settings, None, "dlq", "replay", "--help").output
    assert "--reason" in help_text and "--dry-run" in help_text and "--stage" in help_text


# ---------------------------------------------------------------- dead letters: list and replay

BIG_BODY = ("Ukrainian forces liberated Izium on Saturday, the city's mayor said.\n\n"
            + "\n\n".join(f"Residents of the district described the {i}th day of the week in the town square, "
                          "where volunteers handed out bread and water to families." for i in range(60)))


def test_dlq_list_and_replay_after_a_fix(settings, bootstrap, topics):
    raw = topics["raw"].name
    article = {"article_id": "big-1", "source": "test-wire", "url": None, "published_at": "2022-09-10T12:00:00Z",
               "content_type": "text/plain", "body": BIG_BODY}
    bad_json = b"{oops \x1b[31mred\x1b[0m \xe2\x80\xae"  # terminal escapes and a bidi override
    first = spawn_worker(settings, bootstrap, ALL, dict(worker_env(settings), FRONTWIRE_MAX_RAW_BYTES="2000"))
    try:
        asyncio.run(produce(bootstrap, [(raw, b"big-1", orjson.dumps(article)), (raw, b"bad-1", bad_json),
                                        (topics["claims"].name, b"bad-2", b"\xff\xfe{")]))
        drain(settings, bootstrap, topics, [first])

        listed = run_cli(settings, bootstrap, "dlq", "list", "--json")
        entries = [json.loads(line) for line in listed.stdout.splitlines()]
        assert sorted((e["stage"], e["reason"]) for e in entries) == [
            ("alerts", "not_utf8"), ("extract", "invalid_json"), ("extract", "raw_too_large")]
        human = run_cli(settings, bootstrap, "dlq", "list")
        assert "raw_too_large" in human.output and "3 dead letter(s)" in human.output
        assert "\x1b" not in human.output and "\u202e" not in human.output
        assert human.output.splitlines()[0].split()[:4] == ["POSITION", "STAGE", "REASON", "FROM"]
        assert f" {raw}[" in human.output  # the FROM column: topic[partition]@offset
        assert "from " + raw in run_cli(settings, bootstrap, "dlq", "list", "-v").output
        only = run_cli(settings, bootstrap, "dlq", "list", "--stage", "extract", "--json").stdout.splitlines()
        assert len(only) == 2
        assert len(run_cli(settings, bootstrap, "dlq", "list", "--reason", "not_utf8", "--json").stdout.splitlines()) == 1
        assert run_cli(settings, bootstrap, "dlq", "list", "--stage", "nope").exit_code == 2

        # still bad: replayed, dead-lettered again, so the count doubles; bytes kept exactly
        out = run_cli(settings, bootstrap, "dlq", "replay", "--reason", "invalid_json")
        assert "replayed 1" in out.output, out.output
        out = run_cli(settings, bootstrap, "dlq", "replay", "--reason", "not_utf8", "--stage", "alerts")
        assert "replayed 1" in out.output, out.output
        drain(settings, bootstrap, topics, [first])
        letters = dead_letters(settings, bootstrap, topics)
        assert [e.original_payload() for e in letters if e.reason == "invalid_json"] == [bad_json, bad_json]
        assert [e.original_payload() for e in letters if e.reason == "not_utf8"] == [b"\xff\xfe{", b"\xff\xfe{"]
        assert {e.record["key"] for e in letters if e.reason == "invalid_json"} == {"bad-1"}
        # the same input dead-lettered twice is replayed once
        out = run_cli(settings, bootstrap, "dlq", "replay", "--reason", "invalid_json")
        assert "replayed 1, 1 repeat(s)" in out.output, out.output
        drain(settings, bootstrap, topics, [first])
    finally:
        stop_worker(first)

    # the fix: a worker with the normal raw limit, same consumer group; replay what the old limit rejected
    second = spawn_worker(settings, bootstrap, ALL, worker_env(settings))
    try:
        dry = run_cli(settings, bootstrap, "dlq", "replay", "--reason", "raw_too_large", "--dry-run")
        assert "would replay 1" in dry.output, dry.output
        out = run_cli(settings, bootstrap, "dlq", "replay", "--reason", "raw_too_large", "--stage", "extract")
        assert "replayed 1" in out.output and "to " + raw in out.output, out.output
        drain(settings, bootstrap, topics, [second])
        letters = dead_letters(settings, bootstrap, topics)
        extracted = read_json(settings, bootstrap, topics["extracted"])
        alerts = read_json(settings, bootstrap, topics["alerts"])
    finally:
        stop_worker(second)
    assert [e.reason for e in letters].count("raw_too_large") == 1
    assert [e.reason for e in letters].count("invalid_json") == 3
    assert [a["article_id"] for a in extracted] == ["big-1"]
    assert [(a["settlement"]["name"], a["new_status"]) for a in alerts] == [("Izium", "ukrainian_control")]


# ---------------------------------------------------------------- exactly-once alerts: the published ledger

def test_ledger_reads_back_every_published_alert_even_the_tail_of_a_batch(settings, bootstrap, topics):
    spec = topics["alerts"]

    async def go() -> tuple[bool, bool, bool, bool]:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=50)
        await producer.start()
        try:  # three alerts sent together land in one batch of one partition
            futures = [await producer.send(spec.name, orjson.dumps({"alert_id": f"a{i}"}), key=b"707292")
                       for i in range(3)]
            await producer.flush()
            assert len({(await f).partition for f in futures}) == 1
        finally:
            await producer.stop()
        ledger = PublishedLedger(settings, bootstrap, spec.name, spec.partitions)
        try:
            tail, unknown = await ledger.published("a2"), await ledger.published("zz")
            ledger.add("zz")
            return tail, await ledger.published("a0"), unknown, await ledger.published("zz")
        finally:
            await ledger.close()

    assert asyncio.run(go()) == (True, True, False, True)


def test_an_alert_already_on_the_topic_is_not_sent_again_but_the_status_still_moves(settings, bootstrap, topics,
                                                                                  tmp_path):
    claim = dict(CLAIM, article_id="art-ledger", claim_id="c-ledger", published_at="2022-09-12T09:00:00Z")
    alert_id = alert_id_for(KUPIANSK["id"], "unknown", "contested", "art-ledger")
    before_crash = {"alert_id": alert_id, "note": "sent by a worker that crashed before its table write"}
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = spawn_worker(settings, bootstrap, ALL, worker_env(settings), stdout=log)
        try:
            asyncio.run(produce(bootstrap, [(topics["alerts"].name, b"703656", orjson.dumps(before_crash)),
                                            (topics["claims"].name, b"703656", orjson.dumps(claim))]))
            drain(settings, bootstrap, topics, [worker])
            alerts = read_json(settings, bootstrap, topics["alerts"])
            status = read_json(settings, bootstrap, topics["status"])
        finally:
            stop_worker(worker)
    assert alerts == [before_crash]
    assert [(s["status"], s["last_alert_id"]) for s in status] == [("contested", alert_id)]
    assert "message already on the topic; not sent again" in log_path.read_text()
