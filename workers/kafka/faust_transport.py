"""A faust App whose consumers long-poll briefly.

faust fixes the consumer's `fetch_max_wait_ms` at 1500 ms. A broker that answers a fetch only when
that wait is over (the embedded Tansu does, measured: 0-750 ms per hop, 0-10 ms at 100 ms) then
adds up to 1.5 s to every stage hop. `FRONTWIRE_FETCH_MAX_WAIT_MS` sets it; on Apache Kafka, which
answers as soon as data arrives, a short wait only means more idle fetch requests.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer, Transport


def frontwire_app_class(fetch_max_wait_ms: int) -> type[faust.App]:
    """A faust.App subclass whose worker consumers use `fetch_max_wait_ms`."""

    class _ConsumerThread(AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = fetch_max_wait_ms  # read by the fetcher when the consumer starts
            return consumer

    class _Consumer(Consumer):
        def _new_consumer_thread(self) -> AIOKafkaConsumerThread:
            return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    class _Transport(Transport):
        Consumer = _Consumer

    class FrontwireApp(faust.App):
        def _new_transport(self) -> Any:
            return _Transport(self.conf.broker_consumer, self)

    return FrontwireApp
