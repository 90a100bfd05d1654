"""A pipeline stage: the topics it reads and writes, its state, and its step.

A step takes one input record and returns what to emit (output role, key, JSON value) and the state
writes to make once those messages are sent. It does no I/O: the same step runs in the faust workers
(`workers.binder` binds every stage to Kafka the same way), in `frontwire run`, and in the in-process
chain behind `eval`, `explain` and the benchmarks (`workers.chain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, MutableMapping

from workers.records import Rejection
from workers.settings import Settings

Decoder = tuple[str, Callable[[dict[str, Any]], Any]]  # (schema name, record builder)


@dataclass(frozen=True)
class StageSpec:
    """How a stage is wired: the topic roles (topics.yaml) it reads and writes, and its state table.

    `reads` is the stage's main input (the one its table is co-partitioned with); `also_reads` are
    further inputs consumed by the same agent (normalize also reads the duplicates).
    """

    name: str
    reads: str
    writes: tuple[str, ...]
    table: str | None = None  # topics.yaml role of the table's changelog
    also_reads: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every topic role the stage consumes, main input first."""
        return (self.reads, *self.also_reads)


@dataclass(frozen=True)
class Emit:
    """One output message of a step."""

    role: str  # the topics.yaml role of the topic it goes to
    key: str
    value: dict[str, Any]  # the JSON message, exactly its schema's shape


@dataclass
class StepResult:
    """What one step produced: messages to send, then state writes (value None deletes), or a rejection."""

    emits: list[Emit] = field(default_factory=list)
    writes: list[tuple[str, Any]] = field(default_factory=list)
    rejection: Rejection | None = None  # the input goes to the dead-letter topic with this reason


class Stage:
    """Base of the five stages. Subclasses set `spec` and `decoders` and write `step`."""

    spec: ClassVar[StageSpec]
    decoders: ClassVar[dict[str, Decoder]]  # input role -> how its messages decode
    blocking: ClassVar[bool] = False  # the step is CPU-heavy: the binder runs it in a worker thread
    unique_ids: ClassVar[dict[str, str]] = {}  # output role -> id field never sent twice (checked on the topic)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state: MutableMapping[str, Any] = {}

    def open(self, state: MutableMapping[str, Any] | None = None) -> None:
        """Load what the step needs (slow: run off the event loop) and attach the state table."""
        if state is not None:
            self.state = state

    def reset(self) -> None:
        """The state changed hands (a rebalance) or a step failed: forget what was derived from it."""

    def step(self, role: str, record: Any) -> StepResult:
        """Process one input record read from the topic of `role`."""
        raise NotImplementedError

    def apply(self, writes: list[tuple[str, Any]]) -> None:
        """Make a step's state writes."""
        for key, value in writes:
            if value is None:
                self.state.pop(key, None)
            else:
                self.state[key] = value
