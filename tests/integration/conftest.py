"""Integration fixtures: a real Kafka-wire broker and helpers to run workers and read topics.

The broker is the embedded Tansu binary (one per test module) unless KAFKA_BOOTSTRAP_SERVERS points
at a cluster. Each test gets its own topic prefix, so tests never see each other's messages.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import replace
from typing import Any, Iterator

import orjson
import pytest

from workers.kafka.admin import apply_topics
from workers.kafka.broker import EmbeddedBroker
from workers.kafka.reading import end_offsets, read_range
from workers.settings import Settings
from workers.topics import TopicSpec, load_topics

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bootstrap() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: Any) -> Any:
    """One worker data directory for the run (shared by xdist workers), so the gazetteer is built once."""
    path = tmp_path_factory.getbasetemp().parent / "frontwire-data"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def settings(data_dir: Any) -> Settings:
    base = Settings.from_env()
    return replace(base, topic_prefix=f"t{uuid.uuid4().hex[:10]}.", data_dir=data_dir,
                   commit_interval_s=0.1, drain_timeout_s=90.0)


@pytest.fixture()
def topics(settings: Settings, bootstrap: str) -> dict[str, TopicSpec]:
    specs = load_topics(settings.topics_file, settings.topic_prefix)
    asyncio.run(apply_topics(settings, bootstrap, list(specs.values())))
    return specs


async def read_all_async(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[tuple[bytes | None, bytes]]:
    """Every message currently on a topic."""
    ends = await end_offsets(settings, bootstrap, spec)
    return await read_range(settings, bootstrap, spec, {}, ends)


def read_all(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[tuple[bytes | None, bytes]]:
    return asyncio.run(read_all_async(settings, bootstrap, spec))


def read_json(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[dict[str, Any]]:
    return [orjson.loads(v) for _, v in read_all(settings, bootstrap, spec)]


def worker_env(settings: Settings) -> dict[str, str]:
    """Environment for a `frontwire worker` child that uses these test settings."""
    return {"FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix, "FRONTWIRE_DATA_DIR": str(settings.data_dir),
            "FRONTWIRE_COMMIT_INTERVAL_S": str(settings.commit_interval_s)}
