"""A stage worker that, once ready, loses one fetched batch the way faust loses it at a rebalance.

faust's `Consumer.getmany` takes a batch off the aiokafka fetcher and drops it when the flow
stopped or the generation changed meanwhile, then relies on `perform_seek` to read it again. This
worker does exactly that, once, on its stage's input: it stops the flow, prints `READY`, takes
every record published next off the fetcher (printing `DISCARDED n`), calls the consumer's
`perform_seek` as table recovery does, and resumes the flow. The records are on partitions with no
committed offset, so only a seek to their log start brings them back.

Run by tests/integration/test_table_recovery.py: `python discarding_worker.py STAGE COUNT`, with
the worker environment (KAFKA_BOOTSTRAP_SERVERS, FRONTWIRE_TOPIC_PREFIX, ...).
"""

from __future__ import annotations

import asyncio
import sys
import time

from aiokafka import TopicPartition

from workers.app import build_app
from workers.runner import execute
from workers.settings import Settings

TAKE_TIMEOUT_S = 30.0


def main(stage: str, count: int) -> None:
    settings = Settings.from_env()
    app = build_app(settings, settings.bootstrap_servers, [stage])

    @app.task
    async def discard_one_batch() -> None:
        consumer = app.consumer
        while not (consumer.assignment() and app.tables.recovery.completed.is_set() and consumer.flow_active):
            await asyncio.sleep(0.1)
        consumer.stop_flow()  # as a rebalance does when it starts
        await asyncio.sleep(1.5)  # faust's drain loop finishes its fetch and waits for the flow
        inputs = sorted(TopicPartition(tp.topic, tp.partition) for tp in consumer.assignment()
                        if consumer._is_stage_input(tp))
        thread = consumer._thread
        fetching = thread._ensure_consumer()
        print("READY", flush=True)
        taken = 0
        deadline = time.monotonic() + TAKE_TIMEOUT_S
        while taken < count and time.monotonic() < deadline:
            batch = await thread.call_thread(fetching.getmany, *inputs, timeout_ms=500)
            taken += sum(len(records) for records in batch.values())
        print(f"DISCARDED {taken}", flush=True)
        await consumer.perform_seek()  # what recovery does before it resumes the streams
        consumer.resume_flow()

    execute(app, settings)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
