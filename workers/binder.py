"""The one binder of stages to Kafka: decode and validate each input, run the stage's step, send, dead-letter.

`bind_stage` gives a faust App one agent per stage. The agent only moves records: it decodes a
message into the typed record of its topic (or dead-letters it with the reason), runs the stage's
step (in a worker thread for a CPU-heavy stage), sends the step's messages, then makes its state
writes. Anything the step raises dead-letters that input and the agent goes on, so no input ever
stops a worker and none is dropped silently. Ids a stage must never send twice (`Stage.unique_ids`)
are checked against the topic itself, read back once per partition assignment: a message is not
sent when its id already stands there, nor a withdrawal (`retracts`) of an id that does not.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

import orjson

from workers.kafka.ledger import AssignmentLedger, ledger_for
from workers.metrics import stage_metrics
from workers.records import DeadLetter, Rejection
from workers.schemas import SchemaViolation, validate
from workers.settings import Settings
from workers.stage import Stage, StepResult
from workers.timeutil import utc_now_iso
from workers.topics import TopicSpec

log = logging.getLogger(__name__)

T = TypeVar("T")

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

    async def emit(self, role: str, key: str, value: dict[str, Any]) -> Awaitable[Any]:
        """Send one output message (JSON value, string key) to the topic of `role`; returns its delivery."""
        delivery = await self.outputs[role].send(key=key.encode("utf-8"), value=orjson.dumps(value))
        self.metrics.messages_out.labels(self.stage, role).inc()
        return delivery

    async def dead_letter(self, incoming: Incoming, rejection: Rejection) -> None:
        """Send the input to the dead-letter topic with the stage and reason; log one line."""
        record = dead_letter_for(self.stage, incoming, rejection)
        await self.deadletter.send(key=(record.key or "").encode("utf-8"), value=orjson.dumps(record.to_dict()))
        self.metrics.dead_lettered.labels(self.stage, rejection.reason).inc()
        log.warning("dead-lettered", extra={"stage": self.stage, "reason": rejection.reason,
                                             "detail": rejection.detail[:200], **incoming.log_fields()})

    @asynccontextmanager
    async def guard(self, incoming: Incoming, on_error: Callable[[], None] = lambda: None) -> AsyncIterator[None]:
        """Count and time one input; dead-letter it if processing raises (after `on_error`); the agent goes on."""
        self.metrics.messages_in.labels(self.stage).inc()
        started = time.perf_counter()
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - a stage must never stop on one input
            log.exception("stage error", extra={"stage": self.stage, **incoming.log_fields()})
            on_error()
            await self.dead_letter(incoming, Rejection("stage_error", f"{type(exc).__name__}: {exc}"))
        finally:
            self.metrics.processing_seconds.labels(self.stage).observe(time.perf_counter() - started)


def bind_stage(app: Any, stage: Stage, topics: dict[str, TopicSpec], settings: Settings) -> None:
    """Give `app` the stage's agent, reading its input topics and sending to its output topics (topics.yaml)."""
    spec = stage.spec

    def channel(*specs: TopicSpec) -> Any:
        # several names make one channel (faust subscribes to all); the agent tells them apart by message.topic
        return app.topic(*(s.name for s in specs), key_serializer="raw", value_serializer="raw",
                         partitions=specs[0].partitions)

    io = StageIO(spec.name, settings.schemas_dir, {role: channel(topics[role]) for role in spec.writes},
                 channel(topics["deadletter"]))
    table = _table(app, topics[spec.table]) if spec.table else None
    roles = {topics[role].name: role for role in spec.inputs}
    ledgers = {role: AssignmentLedger(ledger_for(io.outputs[role], settings, topics[role].partitions))
               for role in stage.unique_ids}

    async def _reassigned(*_: Any, **__: Any) -> None:
        stage.reset()
        for ledger in ledgers.values():
            ledger.reassigned()

    app.on_partitions_revoked.connect(_reassigned)
    app.on_partitions_assigned.connect(_reassigned)

    async def agent(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=spec.name) if stage.blocking else None
        await loop.run_in_executor(None, stage.open, table)

        async def process(incoming: Incoming, role: str, record: Any) -> None:
            result: StepResult = (await loop.run_in_executor(pool, stage.step, role, record) if pool
                                  else stage.step(role, record))
            if result.rejection is not None:
                await io.dead_letter(incoming, result.rejection)
                return
            deliveries = []
            for emit in result.emits:
                id_field = stage.unique_ids.get(emit.role)
                if id_field is None:
                    deliveries.append(await io.emit(emit.role, emit.key, emit.value))
                    continue
                ledger, withdrawn = ledgers[emit.role], emit.value.get("retracts")
                ident = withdrawn or emit.value[id_field]
                stands = await ledger.published(ident)
                if stands != bool(withdrawn):  # a shift already standing, or a withdrawal of one that does not
                    log.warning("message already on the topic; not sent again",
                                extra={"stage": spec.name, "role": emit.role, "id": emit.value[id_field],
                                       **incoming.log_fields()})
                else:
                    deliveries.append(await io.emit(emit.role, emit.key, emit.value))
                if withdrawn:
                    ledger.withdraw(withdrawn)
                else:
                    ledger.add(ident)
            if result.writes:
                # the state says what was sent: it is written once the broker has the messages, so a crash
                # in between re-sends them (the redelivered input gives them again) and never loses one
                await asyncio.gather(*deliveries)
                stage.apply(result.writes)

        try:
            async for event in stream.events():
                incoming = Incoming.from_event(event)
                async with io.guard(incoming, on_error=stage.reset):
                    role = roles.get(incoming.topic or "", spec.reads)
                    schema, build = stage.decoders[role]
                    record = io.parse(incoming, schema, build)
                    if isinstance(record, Rejection):
                        await io.dead_letter(incoming, record)
                        continue
                    await process(incoming, role, record)
        finally:
            for ledger in ledgers.values():
                await ledger.close()
            if pool is not None:
                pool.shutdown(wait=False)

    app.agent(channel(*(topics[role] for role in spec.inputs)), name=f"frontwire.{spec.name}")(agent)


def _table(app: Any, changelog: TopicSpec) -> Any:
    """A changelog-backed table whose changelog topic is the one declared in topics.yaml."""
    changelog_topic = app.topic(changelog.name, key_serializer="json", value_serializer="json",
                                partitions=changelog.partitions, compacting=True, deleting=False)
    return app.Table(changelog.role, default=None, partitions=changelog.partitions, changelog_topic=changelog_topic,
                     key_type=str, value_type=None)
