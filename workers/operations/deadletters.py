"""Dead letters: read them by explicit partitions, filter, show safely, and replay their original payloads.

A replay re-publishes the original bytes of each matching dead letter (its `payload` text, or its
`payload_base64` decoded) to the topic it came from (its `topic` field, which must be a stage input
declared in topics.yaml), with its original key, so the stage that rejected it sees it again, e.g.
after a fix or a raised limit. Each distinct (topic, key, payload) is published once per replay:
an input dead-lettered twice (a redelivery) or again by an earlier replay is not multiplied.
Replaying twice is harmless: every stage is idempotent on its input (stable article, claim and
alert ids; dedup repeats its first answer for an article id it has seen; the alerts stage does not
send an alert id twice), and an input that is still bad is simply dead-lettered again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from workers.operations.offsets import read_topic
from workers.stage0_replay.core import REPLAY_REASONS, REPLAY_STAGE
from workers.render import safe
from workers.settings import Settings
from workers.topics import TopicSpec

UNREADABLE = "unreadable_dead_letter"

WEBHOOK_STAGE = "webhook"  # dead letters of alerts a webhook subscriber did not take in its tries
WEBHOOK_REASON = "webhook_failed"
DECODING_REASONS = ("not_bytes", "not_utf8", "invalid_json", "empty_message", "schema_violation")


def known_reasons() -> tuple[str, ...]:
    """Every reason a dead letter can have (a unit test checks the code gives no other): decoding (any
    stage), extraction, a stage that raised, the files and lines replay rejects, live ingestion's
    (plus `http_NNN`, a final HTTP status) and a webhook subscriber that never took an alert."""
    from workers.stage0_ingest.core import INGEST_REASONS
    from workers.stage1_extract.core import REJECTION_REASONS as EXTRACTION_REASONS  # imports trafilatura

    return tuple(dict.fromkeys((*DECODING_REASONS, *EXTRACTION_REASONS, "stage_error", *REPLAY_REASONS,
                                *INGEST_REASONS, WEBHOOK_REASON)))


@dataclass(frozen=True)
class DeadLetterEntry:
    """One message of the dead-letter topic, with its own position there."""

    partition: int
    offset: int
    record: dict[str, Any]

    @property
    def stage(self) -> str:
        return str(self.record.get("stage") or "?")

    @property
    def reason(self) -> str:
        return str(self.record.get("reason") or "?")

    @property
    def source(self) -> str:
        """Where the rejected input was: topic[partition]@offset."""
        r = self.record
        if r.get("topic") is None and self.stage == REPLAY_STAGE:
            return f"file {r.get('key')}"
        return f"{r.get('topic')}[{r.get('partition')}]@{r.get('offset')}"

    def original_payload(self) -> bytes | None:
        """The rejected input's bytes (None if the dead letter holds neither text nor base64)."""
        text = self.record.get("payload")
        if isinstance(text, str):
            return text.encode("utf-8")
        b64 = self.record.get("payload_base64")
        if isinstance(b64, str):
            try:
                return base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                return None
        return None

    def preview(self, limit: int = 120) -> str:
        """The payload's first characters, safe for a terminal (it is untrusted article data)."""
        text = self.record.get("payload")
        if isinstance(text, str):
            return safe(text, limit)
        b64 = self.record.get("payload_base64")
        if isinstance(b64, str):
            return f"<{len(b64) * 3 // 4} bytes, not UTF-8>"
        return "<no payload>"

    def to_dict(self) -> dict[str, Any]:
        """The dead letter as on the topic, plus its position on the dead-letter topic."""
        return {**self.record, "dlq_partition": self.partition, "dlq_offset": self.offset}


def parse_entry(partition: int, offset: int, value: bytes | None) -> DeadLetterEntry:
    """A dead-letter message as an entry; one that is not a JSON object is kept, marked unreadable."""
    try:
        doc = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict):
        doc = {"stage": "?", "reason": UNREADABLE, "detail": "the dead letter itself is not a JSON object",
               "topic": None, "partition": None, "offset": None, "key": None, "payload": None,
               "payload_base64": base64.b64encode(value or b"").decode("ascii"), "payload_truncated": False}
    return DeadLetterEntry(partition, offset, doc)


async def read_dead_letters(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[DeadLetterEntry]:
    """Every dead letter currently retained, partition by partition, in offset order."""
    return [parse_entry(m.partition, m.offset, m.value) for m in await read_topic(settings, bootstrap, spec)]


def select(entries: list[DeadLetterEntry], stage: str | None = None, reason: str | None = None
           ) -> list[DeadLetterEntry]:
    """The entries of `stage` (if given) with `reason` (if given)."""
    return [e for e in entries if (stage is None or e.stage == stage) and (reason is None or e.reason == reason)]


def counts(entries: list[DeadLetterEntry]) -> dict[tuple[str, str], int]:
    """Number of dead letters per (stage, reason)."""
    return dict(sorted(Counter((e.stage, e.reason) for e in entries).items()))


def entry_block(entry: DeadLetterEntry) -> str:
    """One dead letter for a person: position, stage and reason, origin, detail and payload preview."""
    r = entry.record
    truncated = " (payload truncated)" if r.get("payload_truncated") else ""
    return "\n".join([
        f"#{entry.partition}:{entry.offset} {safe(entry.stage, 40)}/{safe(entry.reason, 80)} "
        f"from {safe(entry.source, 200)} key={safe(r.get('key'), 80)} at {safe(r.get('failed_at'), 40)}",
        f"    detail:  {safe(r.get('detail'), 300)}",
        f"    payload: {entry.preview()}{truncated}",
    ])


TABLE_COLUMNS = ("POSITION", "STAGE", "REASON", "FROM", "FAILED AT", "DETAIL", "PAYLOAD")


def entry_table(entries: list[DeadLetterEntry], width: int = 40) -> str:
    """Dead letters as a table with a header, one row each (cells made safe and cut to `width`)."""
    rows = [TABLE_COLUMNS]
    for e in entries:
        r = e.record
        truncated = " (truncated)" if r.get("payload_truncated") else ""
        rows.append((f"{e.partition}:{e.offset}", safe(e.stage, 20), safe(e.reason, 40), safe(e.source, 60),
                     safe(r.get("failed_at"), 24), safe(r.get("detail"), width), e.preview(width) + truncated))
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows)


@dataclass
class ReplayReport:
    """What a dead-letter replay did (or, with dry_run, would do)."""

    matched: int = 0
    replayed: list[tuple[DeadLetterEntry, str]] = field(default_factory=list)  # entry, where it went
    repeated: list[DeadLetterEntry] = field(default_factory=list)  # same input as one already replayed
    skipped: list[tuple[DeadLetterEntry, str]] = field(default_factory=list)  # entry, why
    positions: list[str] = field(default_factory=list)  # topic[partition]@offset of each replayed copy
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would replay" if self.dry_run else "replayed"
        lines = [f"{self.matched} dead letter(s) matched; {verb} {len(self.replayed)}, "
                 f"{len(self.repeated)} repeat(s) of an input already replayed, {len(self.skipped)} skipped"]
        by_topic = Counter(dest for _, dest in self.replayed)
        lines += [f"  {verb} {n} to {safe(t, 200)}" for t, n in sorted(by_topic.items())]
        lines += [f"  skipped #{e.partition}:{e.offset} ({safe(e.reason, 80)}): {why}" for e, why in self.skipped]
        return "\n".join(lines)


@dataclass(frozen=True)
class ReplayMessage:
    """One message a replay publishes."""

    entry: DeadLetterEntry
    topic: str
    key: bytes | None
    value: bytes


def plan_replay(entries: list[DeadLetterEntry], input_topics: set[str], dry_run: bool = False
                ) -> tuple[list[ReplayMessage], ReplayReport]:
    """The messages to publish for `entries` (each distinct input once) and the report of the choice."""
    report = ReplayReport(matched=len(entries), dry_run=dry_run)
    messages: list[ReplayMessage] = []
    done: set[tuple[str, str | None, str]] = set()
    for entry in entries:
        r = entry.record
        topic = r.get("topic")
        if entry.stage == REPLAY_STAGE and not topic:
            report.skipped.append((entry, "a file or line `frontwire replay` rejected: fix it and replay "
                                          "its directory again"))
            continue
        if not isinstance(topic, str) or not topic:
            report.skipped.append((entry, "the dead letter does not say which topic the input came from"))
            continue
        if topic not in input_topics:
            report.skipped.append((entry, f"{safe(topic, 200)} is not a stage input topic in topics.yaml"))
            continue
        if r.get("payload_truncated"):
            report.skipped.append((entry, "the payload was truncated when dead-lettered; the original is lost"))
            continue
        payload = entry.original_payload()
        if payload is None:
            report.skipped.append((entry, "the dead letter holds no payload"))
            continue
        key = r.get("key") if isinstance(r.get("key"), str) else None
        fingerprint = (topic, key, hashlib.sha256(payload).hexdigest())
        if fingerprint in done:
            report.repeated.append(entry)
            continue
        done.add(fingerprint)
        messages.append(ReplayMessage(entry, topic, key.encode("utf-8") if key is not None else None, payload))
        report.replayed.append((entry, topic))
    return messages, report


async def replay_dead_letters(settings: Settings, bootstrap: str, entries: list[DeadLetterEntry],
                              input_topics: set[str], *, dry_run: bool = False) -> ReplayReport:
    """Re-publish the original payload of each entry to the topic it came from, with its key."""
    from workers.stage0_replay.publish import make_producer

    messages, report = plan_replay(entries, input_topics, dry_run)
    if dry_run or not messages:
        return report
    from workers.kafka.reach import started

    async with started(make_producer(settings, bootstrap)) as producer:
        for message in messages:
            sent = await producer.send_and_wait(message.topic, message.value, key=message.key)
            report.positions.append(f"{message.topic}[{sent.partition}]@{sent.offset}")
    return report
