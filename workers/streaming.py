"""What every stage agent shares: decode and validate an input, emit outputs, dead-letter the rest.

An agent only moves records: `StageIO.parse()` turns a Kafka message into a typed record (or
dead-letters it and returns None), the stage's pure core does the work, `StageIO.emit()` sends the
results, and `StageIO.guard()` dead-letters anything the core raises, so no input ever stops a
worker and none is dropped silently.
"""

from __future__ import annotations

import base64
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar, Union

import orjson

from workers.metrics import stage_metrics
from workers.records import DeadLetter, Rejection
from workers.schemas import SchemaViolation, validate
from workers.timeutil import utc_now_iso

log = logging.getLogger(__name__)

T = TypeVar("T")

# how a stage decodes its input: (schema name, record builder), or a choice of them per message
Decoder = Union[tuple[str, Callable[[dict[str, Any]], Any]],
                Callable[["Incoming"], tuple[str, Callable[[dict[str, Any]], Any]]]]

MAX_DEAD_LETTER_PAYLOAD = 1_000_000  # bytes of the original payload kept in a dead letter


@dataclass(frozen=True)
class Incoming:
    """One consumed message, with where it came from."""

    topic: str | None
    partition: int | None
    offset: int | None
    key: bytes | None
    value: Any  # bytes as consumed (raw serializer); anything else is a bug upstream

    @classmethod
    def from_event(cls, event: Any) -> "Incoming":
        message = event.message
        return cls(message.topic, message.partition, message.offset, event.key, event.value)

    def log_fields(self) -> dict[str, Any]:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset,
                "key": self.key.decode("utf-8", "replace") if isinstance(self.key, bytes) else self.key}


def dead_letter_for(stage: str, incoming: Incoming, rejection: Rejection) -> DeadLetter:
    """The dead-letter record of one rejected input, with its original payload."""
    payload = incoming.value
    if payload is None:
        raw = b""
    elif isinstance(payload, bytes):
        raw = payload
    else:
        raw = orjson.dumps(payload, default=str)
    truncated = len(raw) > MAX_DEAD_LETTER_PAYLOAD
    raw = raw[:MAX_DEAD_LETTER_PAYLOAD]
    text: str | None
    b64: str | None = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
        b64 = base64.b64encode(raw).decode("ascii")
    key = incoming.key.decode("utf-8", "replace") if isinstance(incoming.key, bytes) else incoming.key
    return DeadLetter(
        stage=stage,
        reason=rejection.reason,
        detail=rejection.detail[:2000],
        topic=incoming.topic,
        partition=incoming.partition,
        offset=incoming.offset,
        key=key,
        payload=text,
        payload_base64=b64,
        payload_truncated=truncated,
        failed_at=utc_now_iso(),
    )


def decode_message(value: Any, schemas_dir: Path, schema: str, build: Callable[[dict[str, Any]], T]) -> T | Rejection:
    """Bytes of a JSON message → typed record, or the reason it cannot be one."""
    if not isinstance(value, (bytes, bytearray)):
        return Rejection("not_bytes", f"message value is {type(value).__name__}")
    if not value:
        return Rejection("empty_message", "message value is empty")
    try:
        text = bytes(value).decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection("not_utf8", str(exc))
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return Rejection("invalid_json", str(exc))
    try:
        validate(schemas_dir, schema, doc)
    except SchemaViolation as exc:
        return Rejection("schema_violation", str(exc))
    except RecursionError:
        return Rejection("schema_violation", "message nested too deeply")
    try:
        return build(doc)
    except (KeyError, TypeError, ValueError) as exc:
        return Rejection("schema_violation", f"{type(exc).__name__}: {exc}")


class StageIO:
    """The Kafka side of one stage: its name, its output topics and the dead-letter topic."""

    def __init__(self, stage: str, schemas_dir: Path, outputs: dict[str, Any], deadletter: Any) -> None:
        self.stage = stage
        self.schemas_dir = schemas_dir
        self.outputs = outputs  # role -> faust topic
        self.deadletter = deadletter
        self.metrics = stage_metrics()

    def parse(self, incoming: Incoming, schema: str, build: Callable[[dict[str, Any]], T]) -> T | Rejection:
        """Decode one input into a typed record, or the rejection to dead-letter."""
        return decode_message(incoming.value, self.schemas_dir, schema, build)

    async def emit(self, role: str, key: str, value: dict[str, Any]) -> None:
        """Send one output message (JSON value, string key) to the topic of `role`."""
        await self.outputs[role].send(key=key.encode("utf-8"), value=orjson.dumps(value))
        self.metrics.messages_out.labels(self.stage, role).inc()

    async def dead_letter(self, incoming: Incoming, rejection: Rejection) -> None:
        """Send the input to the dead-letter topic with the stage and reason; log one line."""
        record = dead_letter_for(self.stage, incoming, rejection)
        await self.deadletter.send(key=(record.key or "").encode("utf-8"), value=orjson.dumps(record.to_dict()))
        self.metrics.dead_lettered.labels(self.stage, rejection.reason).inc()
        log.warning("dead-lettered", extra={"stage": self.stage, "reason": rejection.reason,
                                             "detail": rejection.detail[:200], **incoming.log_fields()})

    async def consume(self, stream: Any, decoder: Decoder,
                      process: Callable[[Incoming, Any], Awaitable[None]]) -> None:
        """The loop every agent runs: decode each input, dead-letter it or hand the record to `process`.

        `decoder` is (schema, build), or a function choosing them from the message (for a stage that
        reads several topics). Anything `process` raises dead-letters that input and the loop goes on.
        """
        async for event in stream.events():
            incoming = Incoming.from_event(event)
            async with self.guard(incoming):
                schema, build = decoder(incoming) if callable(decoder) else decoder
                record = self.parse(incoming, schema, build)
                if isinstance(record, Rejection):
                    await self.dead_letter(incoming, record)
                    continue
                await process(incoming, record)

    @asynccontextmanager
    async def guard(self, incoming: Incoming) -> AsyncIterator[None]:
        """Count and time one input; dead-letter it if processing raises; the agent goes on."""
        self.metrics.messages_in.labels(self.stage).inc()
        started = time.perf_counter()
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - a stage must never stop on one input
            log.exception("stage error", extra={"stage": self.stage, **incoming.log_fields()})
            await self.dead_letter(incoming, Rejection("stage_error", f"{type(exc).__name__}: {exc}"))
        finally:
            self.metrics.processing_seconds.labels(self.stage).observe(time.perf_counter() - started)
