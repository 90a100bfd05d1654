"""Deliver every alerts-topic message to each webhook subscriber, each subscriber on its own.

Each URL has its own consumer of the alerts topic (manual assignment, offsets committed under its own
group `<prefix>frontwire-webhook-<id>`, where id is a hash of the URL) and its own task: it POSTs
each message with a signature, tries again with backoff, and after the last try records a dead
letter (stage `webhook`) and goes on. So a slow or dead subscriber only ever waits for itself. A
subscriber new to the cluster starts at the oldest retained alert; a restarted one where it left
off (at least once: a receiver deduplicates by the X-Frontwire-Alert-Id header).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.operations.deadletters import WEBHOOK_REASON, WEBHOOK_STAGE
from workers.records import Rejection
from workers.settings import Settings, SettingsError
from workers.topics import TopicSpec, load_topics
from workers.webhooks.retry import backoff_delays
from workers.webhooks.signing import HEADER, signature

log = logging.getLogger(__name__)

STAGE = WEBHOOK_STAGE
REASON = WEBHOOK_REASON


def subscriber_id(url: str) -> str:
    """A stable id of a subscriber URL that does not reveal it (a URL may carry a token)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def url_label(url: str) -> str:
    """The URL's scheme, host and port only, for logs and dead letters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


@dataclass
class Outcome:
    """How one delivery ended."""

    delivered: bool
    attempts: int
    last_error: str = ""
    statuses: list[int | None] = field(default_factory=list)


async def post_once(session: aiohttp.ClientSession, url: str, body: bytes, secret: str, alert_id: str,
                    attempt: int, timeout_s: float) -> tuple[int | None, str]:
    """One signed POST; (HTTP status or None, error text)."""
    headers = {"Content-Type": "application/json", HEADER: signature(secret, body, int(time.time())),
               "X-Frontwire-Alert-Id": alert_id, "X-Frontwire-Attempt": str(attempt),
               "User-Agent": "frontwire-webhooks"}
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False,
                                timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
            await response.read()
            return response.status, "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except asyncio.TimeoutError:
        return None, f"no answer within {timeout_s:g}s"
    except aiohttp.ClientError as exc:
        return None, f"{type(exc).__name__}: {exc}"


async def deliver(session: aiohttp.ClientSession, url: str, body: bytes, secret: str, alert_id: str,
                  attempts: int, backoff_s: float, timeout_s: float,
                  sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> Outcome:
    """POST `body` until a 2xx answer or `attempts` tries, waiting per `backoff_delays` between them."""
    outcome = Outcome(False, 0)
    delays = backoff_delays(attempts, backoff_s)
    for attempt in range(1, attempts + 1):
        status, error = await post_once(session, url, body, secret, alert_id, attempt, timeout_s)
        outcome.attempts, outcome.last_error = attempt, error
        outcome.statuses.append(status)
        if status is not None and 200 <= status < 300:
            outcome.delivered = True
            return outcome
        if attempt < attempts:
            await sleep(delays[attempt - 1])
    return outcome


def dead_letter(alerts_topic: str, partition: int | None, offset: int | None, key: bytes | None, body: bytes,
                url: str, outcome: Outcome) -> dict[str, Any]:
    """The dead-letter record of an alert a subscriber never took (stage `webhook`): the alert as payload,
    the subscriber by id (`webhook_id`) so that `dlq replay` sends it to that subscriber again."""
    from workers.binder import Incoming, dead_letter_for

    detail = (f"POST to {url_label(url)} (subscriber {subscriber_id(url)}) failed {outcome.attempts} time(s); "
              f"last: {outcome.last_error}")
    record = dead_letter_for(STAGE, Incoming(alerts_topic, partition, offset, key, body), Rejection(REASON, detail)).to_dict()
    record["webhook_id"] = subscriber_id(url)
    return record


class Subscriber:
    """One webhook URL: its own consumer, position and delivery loop."""

    def __init__(self, settings: Settings, bootstrap: str, url: str, alerts: TopicSpec, deadletter: TopicSpec,
                 session: aiohttp.ClientSession, producer: Any) -> None:
        self.settings, self.bootstrap, self.url = settings, bootstrap, url
        self.alerts, self.deadletter = alerts, deadletter
        self.session, self.producer = session, producer
        self.group = f"{settings.topic_prefix}frontwire-webhook-{subscriber_id(url)}"
        self.delivered = 0
        self.dead_lettered = 0

    async def run(self) -> None:
        parts = [TopicPartition(self.alerts.name, p) for p in range(self.alerts.partitions)]
        consumer = AIOKafkaConsumer(**aiokafka_kwargs(self.settings, self.bootstrap), group_id=self.group,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    fetch_max_wait_ms=self.settings.fetch_max_wait_ms)
        async with started(consumer):
            consumer.assign(parts)
            for tp in parts:
                committed = await consumer.committed(tp)
                if committed is None:
                    await consumer.seek_to_beginning(tp)
                else:
                    consumer.seek(tp, committed)
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=100)
                for tp, records in batches.items():
                    for record in records:
                        await self.handle(tp.partition, record.offset, record.key, record.value)
                        await consumer.commit({tp: OffsetAndMetadata(record.offset + 1, "")})

    async def handle(self, partition: int, offset: int, key: bytes | None, body: bytes | None) -> None:
        if not body:
            return
        try:
            alert_id = str(orjson.loads(body).get("alert_id", ""))
        except (orjson.JSONDecodeError, AttributeError):
            alert_id = ""
        s = self.settings
        outcome = await deliver(self.session, self.url, body, s.webhook_secret, alert_id, s.webhook_attempts,
                                s.webhook_backoff_s, s.webhook_timeout_s)
        if outcome.delivered:
            self.delivered += 1
            return
        self.dead_lettered += 1
        log.warning("webhook delivery failed; dead-lettered", extra={"subscriber": url_label(self.url),
                    "id": alert_id, "attempts": outcome.attempts, "error": outcome.last_error})
        record = dead_letter(self.alerts.name, partition, offset, key, body, self.url, outcome)
        await self.producer.send_and_wait(self.deadletter.name, orjson.dumps(record), key=key)


async def run_webhooks(settings: Settings, bootstrap: str) -> None:
    """Deliver alerts to every FRONTWIRE_WEBHOOKS URL until cancelled."""
    from workers.stage0_replay.publish import make_producer

    if not settings.webhooks:
        return
    if not settings.webhook_secret:
        raise SettingsError("FRONTWIRE_WEBHOOKS is set but FRONTWIRE_WEBHOOK_SECRET is empty: "
                            "subscribers could not check where an alert came from")
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        async with aiohttp.ClientSession() as session:
            subscribers = [Subscriber(settings, bootstrap, url, topics["alerts"], topics["deadletter"], session,
                                      producer) for url in settings.webhooks]
            await asyncio.gather(*(s.run() for s in subscribers))
    finally:
        await producer.stop()
