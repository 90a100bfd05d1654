"""A stage run by the binder without a broker: feed messages, read what it sent, its state writes and dead letters.

The stage runs in the binder's own `StageRunner` (decode, step, send, state writes, dead letters,
ids never sent twice), so what a test sees here is what the faust agent does with the same input;
only the topics are lists in memory. In the spirit of quix-streams' `sdf.test`:

    harness = StageHarness(make_stage("dedup", settings))
    out = harness.feed(article.to_dict())
    assert out.emitted("unique") == [article.to_dict()] and out.writes

`fail_sends` makes the next sends raise (a broker that blinks); `snapshot`/`restore` put the state
back as it was, as after a crash that lost the state writes but not the messages already sent.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from typing import Any, Awaitable

import orjson

from workers.binder import Incoming, StageIO, StageRunner
from workers.settings import Settings
from workers.stage import Stage


@dataclass
class Output:
    """What one fed message caused."""

    messages: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (role, key, value)
    writes: dict[str, Any] = field(default_factory=dict)  # state key -> new value (None: deleted)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)

    def emitted(self, role: str) -> list[dict[str, Any]]:
        """The values sent to the topic of `role`, in order."""
        return [value for r, _, value in self.messages if r == role]

    def keys(self, role: str) -> list[str]:
        """The keys of the messages sent to the topic of `role`, in order."""
        return [key for r, key, _ in self.messages if r == role]


class TopicLedger:
    """What stands on one in-memory topic (ids sent and not withdrawn), read from the topic itself."""

    def __init__(self, harness: "StageHarness", role: str, id_field: str) -> None:
        self.harness, self.role, self.id_field = harness, role, id_field

    async def published(self, message_id: str) -> bool:
        standing: set[str] = set()
        for value in self.harness.topic(self.role):
            if isinstance(value.get("retracts"), str):
                standing.discard(value["retracts"])
            else:
                standing.add(value[self.id_field])
        return message_id in standing

    def add(self, message_id: str) -> None:
        pass  # the topic is read whole on every check

    def withdraw(self, message_id: str) -> None:
        pass


class StageHarness:
    """One opened stage with its state in a dict, driven message by message through the binder's runner."""

    def __init__(self, stage: Stage, settings: Settings | None = None,
                 state: dict[str, Any] | None = None) -> None:
        self.stage = stage
        self.settings = settings or stage.settings
        self.topics: dict[str, list[tuple[bytes, bytes]]] = {}  # role -> (key, value) in send order
        self.failures: list[BaseException] = []  # raised by the next sends, one each
        self.delays: list[float] = []  # backoff the runner waited (not slept here)
        self._offsets: dict[str, int] = {}
        self._output = Output()
        stage.open(state if state is not None else {})
        ledgers = {role: TopicLedger(self, role, id_field) for role, id_field in stage.unique_ids.items()}
        io = StageIO(stage.spec.name, self._send, sleep=self._sleep)
        self.runner = StageRunner(stage, self.settings.schemas_dir, io, dict(ledgers))

    @property
    def state(self) -> Any:
        return self.stage.state

    def topic(self, role: str) -> list[dict[str, Any]]:
        """Every message sent so far to the topic of `role`, decoded."""
        return [orjson.loads(value) for _, value in self.topics.get(role, [])]

    def fail_sends(self, *errors: BaseException) -> None:
        """The next sends raise these errors, one each, before sends go through again."""
        self.failures.extend(errors)

    def snapshot(self) -> dict[str, Any]:
        """A copy of the state, to `restore` later."""
        return copy.deepcopy(dict(self.stage.state))

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put the state back (a crash lost the writes made since), as a worker finds it after a restart."""
        self.stage.state.clear()
        self.stage.state.update(copy.deepcopy(snapshot))
        self.stage.reset()

    def feed(self, value: dict[str, Any] | bytes, role: str | None = None, key: str | bytes | None = None) -> Output:
        """Consume one message on the topic of `role` (the stage's main input by default); a dict is sent as JSON."""
        role = role or self.stage.spec.reads
        payload = orjson.dumps(value) if isinstance(value, dict) else value
        key_bytes = key.encode("utf-8") if isinstance(key, str) else key
        offset = self._offsets.get(role, 0)
        self._offsets[role] = offset + 1
        before = copy.deepcopy(dict(self.stage.state))
        self._output = Output()
        asyncio.run(self.runner.handle(Incoming(role, 0, offset, key_bytes, payload)))
        after = self.stage.state
        out = self._output
        out.writes = {k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}
        return out

    async def _send(self, role: str, key: bytes, value: bytes) -> Awaitable[Any]:
        if self.failures:
            raise self.failures.pop(0)
        self.topics.setdefault(role, []).append((key, value))
        decoded = orjson.loads(value)
        if role == "deadletter":
            self._output.dead_letters.append(decoded)
        else:
            self._output.messages.append((role, key.decode("utf-8"), decoded))
        delivery: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivery.set_result(None)
        return delivery

    async def _sleep(self, delay: float) -> None:
        self.delays.append(delay)
