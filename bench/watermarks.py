"""Measure: does a client that stops at the high watermark miss the last alert of a partition? (issue 16)

On the embedded broker, send alerts in record batches to one partition, then read the partition
to its end the three ways a subscriber might: ListOffsets (aiokafka `end_offsets`, librdkafka
`get_watermark_offsets(cached=False)`), the high watermark a fetch reports (librdkafka
`get_watermark_offsets(cached=True)` after consuming, `enable.partition.eof`), and
`frontwire alerts tail --exit-at-end`. Run: python bench/watermarks.py (needs confluent-kafka).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from workers.kafka.admin import apply_topics
from workers.kafka.broker import EmbeddedBroker
from workers.settings import Settings
from workers.topics import load_topics

BATCHES = (5, 3, 7)  # alerts per record batch, sent one batch after the other


async def produce(bootstrap: str, topic: str) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=100, enable_idempotence=False)
    await producer.start()
    n = 0
    try:
        for size in BATCHES:
            futures = []
            for _ in range(size):
                doc = {"alert_id": f"a{n}", "settlement": {"id": 707292}}
                futures.append(await producer.send(topic, orjson.dumps(doc), key=b"707292", partition=0))
                n += 1
            await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return n


async def aiokafka_ends(bootstrap: str, topic: str) -> tuple[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        listed = (await consumer.end_offsets([tp]))[tp]
        consumer.assign([tp])
        consumer.seek(tp, 0)
        await consumer.getmany(tp, timeout_ms=1000)
        return listed, consumer.highwater(tp)
    finally:
        await consumer.stop()


def librdkafka(bootstrap: str, topic: str) -> dict[str, int]:
    from confluent_kafka import Consumer, KafkaError, TopicPartition as TP

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "watermarks", "enable.auto.commit": False,
                  "enable.partition.eof": True})
    try:
        low, high = c.get_watermark_offsets(TP(topic, 0), timeout=10, cached=False)
        c.assign([TP(topic, 0, 0)])
        read_to_listed, read_to_eof = 0, 0
        while True:
            m = c.poll(5)
            if m is None:
                break
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    break
                raise RuntimeError(m.error())
            read_to_eof += 1
            if m.offset() < high:
                read_to_listed += 1
        cached_high = c.get_watermark_offsets(TP(topic, 0), cached=True)[1]
        return {"listed_high": high, "read_to_listed_high": read_to_listed, "read_to_partition_eof": read_to_eof,
                "cached_high_after_fetch": cached_high}
    finally:
        c.close()


def main() -> None:
    settings = Settings.from_env({})
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        specs = load_topics(settings.topics_file, "wm.")
        asyncio.run(apply_topics(settings, bootstrap, list(specs.values())))
        topic = specs["alerts"].name
        sent = asyncio.run(produce(bootstrap, topic))
        listed, fetched_high = asyncio.run(aiokafka_ends(bootstrap, topic))
        result = {"sent": sent, "batches": list(BATCHES), "aiokafka_end_offsets": listed,
                  "aiokafka_fetch_highwater": fetched_high}
        try:
            result["librdkafka"] = librdkafka(bootstrap, topic)
        except ImportError:
            result["librdkafka"] = "confluent-kafka not installed"
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": "wm."}
        tail = subprocess.run([sys.executable, "-m", "workers", "alerts", "tail", "--json", "--exit-at-end",
                               "--from-beginning"], env=env, capture_output=True, text=True, timeout=60)
        result["frontwire_tail_exit_at_end"] = len(tail.stdout.splitlines())
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
