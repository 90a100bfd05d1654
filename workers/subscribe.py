"""Alert subscribers: follow the alerts topic and print each alert."""

from __future__ import annotations

import sys

import orjson
from aiokafka import AIOKafkaConsumer

from workers.kafka.connection import aiokafka_kwargs
from workers.render import alert_block
from workers.settings import Settings
from workers.topics import load_topics


async def tail_alerts(settings: Settings, bootstrap: str, *, json_out: bool, from_beginning: bool) -> None:
    """Print alerts as they arrive until cancelled; `json_out` prints the topic's messages verbatim."""
    topic = load_topics(settings.topics_file, settings.topic_prefix)["alerts"].name
    consumer = AIOKafkaConsumer(topic, **aiokafka_kwargs(settings, bootstrap), group_id=None,
                                enable_auto_commit=False,
                                auto_offset_reset="earliest" if from_beginning else "latest")
    await consumer.start()
    try:
        async for message in consumer:
            if json_out:
                sys.stdout.write(message.value.decode("utf-8", "replace") + "\n")
            else:
                try:
                    sys.stdout.write(alert_block(orjson.loads(message.value)) + "\n\n")
                except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                    sys.stdout.write(f"(unreadable alert at offset {message.offset}: {exc})\n")
            sys.stdout.flush()
    finally:
        await consumer.stop()
