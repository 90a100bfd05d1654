"""`frontwire dlq replay --stage webhook`: send dead-lettered alerts again to the subscriber that missed them.

A webhook dead letter names its subscriber by `webhook_id` (a hash of the URL); the alert goes to the
URL of FRONTWIRE_WEBHOOKS with that id, signed and retried as usual, and is dead-lettered again if it
still fails. It is never re-published to the alerts topic: the other subscribers have it already.
"""

from __future__ import annotations

import hashlib

import aiohttp
import orjson

from workers.operations.deadletters import DeadLetterEntry, ReplayReport
from workers.settings import Settings, SettingsError
from workers.topics import load_topics
from workers.webhooks.dispatch import dead_letter, deliver, subscriber_id, url_label


def plan_webhook_replay(entries: list[DeadLetterEntry], urls: tuple[str, ...], dry_run: bool = False
                        ) -> tuple[list[tuple[DeadLetterEntry, str, bytes]], ReplayReport]:
    """(entry, url, alert bytes) to send, each distinct (subscriber, alert) once, and the report of the choice."""
    by_id = {subscriber_id(u): u for u in urls}
    report = ReplayReport(matched=len(entries), dry_run=dry_run)
    todo: list[tuple[DeadLetterEntry, str, bytes]] = []
    done: set[tuple[str, str]] = set()
    for entry in entries:
        url = by_id.get(str(entry.record.get("webhook_id")))
        payload = entry.original_payload()
        if url is None:
            report.skipped.append((entry, "its subscriber is not in FRONTWIRE_WEBHOOKS"))
        elif payload is None or entry.record.get("payload_truncated"):
            report.skipped.append((entry, "the dead letter holds no complete payload"))
        else:
            fingerprint = (subscriber_id(url), hashlib.sha256(payload).hexdigest())
            if fingerprint in done:
                report.repeated.append(entry)
                continue
            done.add(fingerprint)
            todo.append((entry, url, payload))
            report.replayed.append((entry, f"webhook {url_label(url)}"))
    return todo, report


async def replay_webhooks(settings: Settings, bootstrap: str, entries: list[DeadLetterEntry],
                          dry_run: bool = False) -> ReplayReport:
    """Send each entry's alert to its subscriber again; one that still fails is dead-lettered again."""
    from workers.stage0_replay.publish import make_producer

    if not settings.webhook_secret:
        raise SettingsError("FRONTWIRE_WEBHOOK_SECRET is empty: set it to sign the deliveries")
    todo, report = plan_webhook_replay(entries, settings.webhooks, dry_run)
    if dry_run or not todo:
        return report
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        async with aiohttp.ClientSession() as session:
            for entry, url, body in todo:
                alert_id = str(orjson.loads(body).get("alert_id", ""))
                outcome = await deliver(session, url, body, settings.webhook_secret, alert_id,
                                        settings.webhook_attempts, settings.webhook_backoff_s,
                                        settings.webhook_timeout_s)
                r = entry.record
                key = r.get("key").encode() if isinstance(r.get("key"), str) else None
                if outcome.delivered:
                    report.positions.append(f"delivered to {url_label(url)}")
                else:
                    record = dead_letter(str(r.get("topic")), r.get("partition"), r.get("offset"), key, body, url,
                                         outcome)
                    await producer.send_and_wait(topics["deadletter"].name, orjson.dumps(record), key=key)
                    report.positions.append(f"failed again at {url_label(url)}: dead-lettered")
    finally:
        await producer.stop()
    return report
