"""The one binder of stages to Kafka: decode and validate each input, run the stage's step, send, dead-letter.

`bind_stage` gives a faust App one agent per stage. The agent only moves records, through a
`StageRunner` that knows no Kafka (the test harness runs the same one with a fake send): it decodes
a message into the typed record of its topic (or dead-letters it with the reason), runs the stage's
step (in a worker thread for a CPU-heavy stage), sends the step's messages, then makes its state
writes. Anything the step raises dead-letters that input and the agent goes on, so no input ever
stops a worker and none is dropped silently; a send the broker failed transiently is retried with
backoff instead, since the input is not at fault. Ids a stage must never send twice (`Stage.unique_ids`)
are checked against the topic itself, read back once per partition assignment: a message is not
sent when its id already stands there, nor a withdrawal (`retracts`) of an id that does not.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol, TypeVar

import orjson

from workers.kafka.ledger import AssignmentLedger, ledger_for
from workers.kafka.retry import backoff_delays, is_transient
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
RETRY_FIRST_S, RETRY_MAX_S = 0.2, 5.0  # backoff of a send the broker failed transiently


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


Send = Callable[[str, bytes, bytes], Awaitable[Awaitable[Any]]]
"""Send one message (role, key, value) to the topic of a topics.yaml role, "deadletter" included; returns its delivery."""


class Ledger(Protocol):
    """Which ids stand on an output topic (`workers.kafka.ledger.AssignmentLedger` on Kafka)."""

    async def published(self, message_id: str) -> bool: ...
    def add(self, message_id: str) -> None: ...
    def withdraw(self, message_id: str) -> None: ...


@dataclass
class Sent:
    """A message handed to the producer, kept until the broker confirms it (to send it again if it failed)."""

    role: str
    key: bytes
    value: bytes
    delivery: Awaitable[Any]


class StageIO:
    """The sending side of one stage: its output messages and dead letters, retried while the broker is away.

    A send that fails with a transient client error (`workers.kafka.retry.is_transient`) is tried
    again after a backoff, for as long as it takes: the input waits and is never dead-lettered for it.
    """

    def __init__(self, stage: str, send: Send, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.stage = stage
        self.send = send
        self.sleep = sleep
        self.metrics = stage_metrics()

    async def emit(self, role: str, key: str, value: dict[str, Any]) -> Sent:
        """Send one output message (JSON value, string key) to the topic of `role`."""
        sent = await self._send(role, key.encode("utf-8"), orjson.dumps(value))
        self.metrics.messages_out.labels(self.stage, role).inc()
        return sent

    async def delivered(self, sent: list[Sent]) -> None:
        """Wait until the broker has every message; one whose delivery failed transiently is sent again."""
        for message in sent:
            delays = backoff_delays(RETRY_FIRST_S, RETRY_MAX_S)
            while True:
                try:
                    await message.delivery
                    break
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    await self._wait(exc, message.role, next(delays))
                    message.delivery = (await self._send(message.role, message.key, message.value)).delivery

    async def dead_letter(self, incoming: Incoming, rejection: Rejection) -> None:
        """Send the input to the dead-letter topic with the stage and reason; log one line."""
        record = dead_letter_for(self.stage, incoming, rejection)
        await self._send("deadletter", (record.key or "").encode("utf-8"), orjson.dumps(record.to_dict()))
        self.metrics.dead_lettered.labels(self.stage, rejection.reason).inc()
        log.warning("dead-lettered", extra={"stage": self.stage, "reason": rejection.reason,
                                             "detail": rejection.detail[:200], **incoming.log_fields()})

    async def _send(self, role: str, key: bytes, value: bytes) -> Sent:
        delays = backoff_delays(RETRY_FIRST_S, RETRY_MAX_S)
        while True:
            try:
                return Sent(role, key, value, await self.send(role, key, value))
            except Exception as exc:
                if not is_transient(exc):
                    raise
                await self._wait(exc, role, next(delays))

    async def _wait(self, exc: BaseException, role: str, delay: float) -> None:
        log.warning("send failed; retrying", extra={"stage": self.stage, "role": role, "retry_in_s": delay,
                                                     "error": f"{type(exc).__name__}: {exc}"[:300]})
        await self.sleep(delay)


class StageRunner:
    """One stage's handling of each consumed message: decode, step, send, then state writes; never stops.

    It does not know Kafka: `send` carries the messages and `ledgers` (for `Stage.unique_ids`) say what
    stands on an output topic, so the same code runs bound to faust (`bind_stage`) and in the
    broker-free test harness. A CPU-heavy step runs in `pool`'s worker thread.
    """

    def __init__(self, stage: Stage, schemas_dir: Path, io: StageIO, ledgers: dict[str, Ledger] | None = None,
                 roles: dict[str, str] | None = None, pool: ThreadPoolExecutor | None = None) -> None:
        self.stage = stage
        self.schemas_dir = schemas_dir
        self.io = io
        self.ledgers = ledgers or {}
        # input topic name -> its role (the harness names topics by their roles)
        self.roles = roles if roles is not None else {role: role for role in stage.spec.inputs}
        self.pool = pool

    async def handle(self, incoming: Incoming) -> None:
        """Process one consumed message; anything it raises (but a transient send error) dead-letters it."""
        metrics, name = self.io.metrics, self.stage.spec.name
        metrics.messages_in.labels(name).inc()
        started = time.perf_counter()
        try:
            role = self.roles.get(incoming.topic or "", self.stage.spec.reads)
            schema, build = self.stage.decoders[role]
            record = decode_message(incoming.value, self.schemas_dir, schema, build)
            if isinstance(record, Rejection):
                await self.io.dead_letter(incoming, record)
                return
            await self._process(incoming, role, record)
        except Exception as exc:  # noqa: BLE001 - a stage must never stop on one input
            log.exception("stage error", extra={"stage": name, **incoming.log_fields()})
            self.stage.reset()
            await self.io.dead_letter(incoming, Rejection("stage_error", f"{type(exc).__name__}: {exc}"))
        finally:
            metrics.processing_seconds.labels(name).observe(time.perf_counter() - started)

    async def _process(self, incoming: Incoming, role: str, record: Any) -> None:
        stage = self.stage
        result: StepResult = (await asyncio.get_running_loop().run_in_executor(self.pool, stage.step, role, record)
                              if self.pool else stage.step(role, record))
        if result.rejection is not None:
            await self.io.dead_letter(incoming, result.rejection)
            return
        sent = []
        for emit in result.emits:
            id_field = stage.unique_ids.get(emit.role)
            if id_field is None:
                sent.append(await self.io.emit(emit.role, emit.key, emit.value))
                continue
            ledger, withdrawn = self.ledgers[emit.role], emit.value.get("retracts")
            ident = withdrawn or emit.value[id_field]
            stands = await ledger.published(ident)
            if stands != bool(withdrawn):  # a shift already standing, or a withdrawal of one that does not
                log.warning("message already on the topic; not sent again",
                            extra={"stage": stage.spec.name, "role": emit.role, "id": emit.value[id_field],
                                   **incoming.log_fields()})
            else:
                sent.append(await self.io.emit(emit.role, emit.key, emit.value))
            if withdrawn:
                ledger.withdraw(withdrawn)
            else:
                ledger.add(ident)
        if result.writes:
            # the state says what was sent: it is written once the broker has the messages, so a crash
            # in between re-sends them (the redelivered input gives them again) and never loses one
            await self.io.delivered(sent)
            stage.apply(result.writes)


def bind_stage(app: Any, stage: Stage, topics: dict[str, TopicSpec], settings: Settings) -> None:
    """Give `app` the stage's agent, reading its input topics and sending to its output topics (topics.yaml)."""
    spec = stage.spec

    def channel(*specs: TopicSpec) -> Any:
        # several names make one channel (faust subscribes to all); the agent tells them apart by message.topic
        return app.topic(*(s.name for s in specs), key_serializer="raw", value_serializer="raw",
                         partitions=specs[0].partitions)

    outputs = {role: channel(topics[role]) for role in (*spec.writes, "deadletter")}

    async def send(role: str, key: bytes, value: bytes) -> Awaitable[Any]:
        return await outputs[role].send(key=key, value=value)

    ledgers = {role: AssignmentLedger(ledger_for(outputs[role], settings, topics[role].partitions))
               for role in stage.unique_ids}
    runner = StageRunner(stage, settings.schemas_dir, StageIO(spec.name, send), dict(ledgers),
                         roles={topics[role].name: role for role in spec.inputs})
    table = _table(app, topics[spec.table]) if spec.table else None

    async def _reassigned(*_: Any, **__: Any) -> None:
        stage.reset()
        for ledger in ledgers.values():
            ledger.reassigned()

    app.on_partitions_revoked.connect(_reassigned)
    app.on_partitions_assigned.connect(_reassigned)

    async def agent(stream: Any) -> None:
        runner.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=spec.name) if stage.blocking else None
        await asyncio.get_running_loop().run_in_executor(None, stage.open, table)
        try:
            async for event in stream.events():
                await runner.handle(Incoming.from_event(event))
        finally:
            for ledger in ledgers.values():
                await ledger.close()
            if runner.pool is not None:
                runner.pool.shutdown(wait=False)

    app.agent(channel(*(topics[role] for role in spec.inputs)), name=f"frontwire.{spec.name}")(agent)


def _table(app: Any, changelog: TopicSpec) -> Any:
    """A changelog-backed table whose changelog topic is the one declared in topics.yaml."""
    changelog_topic = app.topic(changelog.name, key_serializer="json", value_serializer="json",
                                partitions=changelog.partitions, compacting=True, deleting=False)
    return app.Table(changelog.role, default=None, partitions=changelog.partitions, changelog_topic=changelog_topic,
                     key_type=str, value_type=None)
