"""`frontwire run`: topics, every stage, replay at full speed, drain (consumer lag zero), collect the live alerts, stop."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import orjson

from workers.app import group_id
from workers.stages import STAGES
from workers.kafka.admin import apply_topics
from workers.kafka.broker import die_with_parent
from workers.kafka.lag import LagProbe
from workers.kafka.reading import end_offsets, read_range
from workers.settings import Settings
from workers.stage0_replay.core import ReplayItem, Skipped
from workers.stage0_replay.publish import ReplayReport, replay_directory
from workers.stage5_alerts.core import live_alerts
from workers.topics import TopicSpec, load_topics

log = logging.getLogger(__name__)


def run_worker_env() -> dict[str, str]:
    """Settings of a run's worker, unless the environment sets them: it commits often (the drain is seen
    sooner) and joins its group with a short session, since a group's first join waits half the session
    timeout on the embedded broker (measured: 5 s at the default 10 s, 1 s at 2 s)."""
    return {name: os.environ.get(name, default)
            for name, default in (("FRONTWIRE_COMMIT_INTERVAL_S", "0.1"), ("FRONTWIRE_SESSION_TIMEOUT_S", "2"))}


class PipelineError(RuntimeError):
    """The pipeline did not start or did not drain in time."""


@dataclass
class RunResult:
    """What one `run` produced: the live alerts, and every message it put on the alerts topic."""

    alerts: list[dict[str, Any]] = field(default_factory=list)  # shifts not withdrawn, in the order they took effect
    messages: list[dict[str, Any]] = field(default_factory=list)  # the alerts topic's new messages, in topic order
    replay: ReplayReport = field(default_factory=ReplayReport)
    seconds: float = 0.0

    @property
    def late(self) -> int:
        """Alerts sent after newer reports had arrived (they took effect earlier)."""
        return sum(1 for m in self.messages if m.get("late"))

    @property
    def withdrawn(self) -> int:
        """Alerts a late report removed from the history (each withdrawn by a message on the topic)."""
        return sum(1 for m in self.messages if m.get("retracts"))


def stage_reads(settings: Settings, topics: dict[str, TopicSpec], groups: dict[str, str]) -> list[tuple[str, TopicSpec]]:
    """(consumer group, input topic) of every input of the stages in `groups` (stage -> its group)."""
    return [(groups[s.name], topics[role]) for s in STAGES if s.name in groups for role in s.inputs]


def spawn_worker(settings: Settings, bootstrap: str, stages: list[str], env_overrides: dict[str, str] | None = None,
                 stdout: Any = None) -> subprocess.Popen[bytes]:
    """Start `frontwire worker STAGES` as a child process that dies with this one."""
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
    env["FRONTWIRE_TOPIC_PREFIX"] = settings.topic_prefix
    env.update(env_overrides or {})
    label = "all" if len(stages) == len(STAGES) else ",".join(stages)
    cmd = [sys.executable, "-m", "workers", "worker", label]
    return subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=stdout or sys.stderr,
                            stderr=stdout or sys.stderr, preexec_fn=die_with_parent)


def stop_workers(procs: list[subprocess.Popen[bytes]], timeout_s: float = 20.0) -> list[int]:
    """Stop several workers at once (they drain and commit in parallel); their exit codes."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    return [stop_worker(proc, timeout_s) for proc in procs]


def stop_worker(proc: subprocess.Popen[bytes], timeout_s: float = 20.0) -> int:
    """SIGTERM (the worker drains and commits), then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("worker did not stop on SIGTERM; killing it", extra={"pid": proc.pid})
            proc.kill()
            proc.wait()
    return int(proc.returncode or 0)


def default_extractors() -> int:
    """Extraction processes of a run: one per core but one (the other stages share a process), 1 to 4."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def run_plan(extractors: int = 1) -> list[list[str]]:
    """The worker processes of a run: `extractors` extraction processes (the costly stage: the raw topic has
    several partitions to share) and one process for the other stages."""
    return [["extract"]] * max(extractors, 1) + [[s.name for s in STAGES if s.name != "extract"]]


async def run_pipeline(settings: Settings, bootstrap: str, directory: Path, *, rate: float | None = None,
                       on_item: Callable[[ReplayItem | Skipped], None] | None = None,
                       plan: list[list[str]] | None = None,
                       on_drained: Callable[[RunResult], Awaitable[None]] | None = None) -> RunResult:
    """Run every stage on `bootstrap`, replay `directory` at full speed (or `rate`), wait for the drain, return the alerts.

    Articles flow through the stages concurrently and in any order; the alerts do not depend on it
    (event time: CONTRACT §3), so the result is the live alert set whatever the order of arrival.
    `plan` lists the worker processes by their stages (default `run_plan()`); each set of stages is its
    own consumer group, and processes with the same stages share their group's partitions.
    `on_drained`, when given, is awaited with the result once the pipeline has drained, while the workers
    still run (`run --board` serves the board there until interrupted).
    """
    started = time.monotonic()
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    plan = plan or run_plan()
    if sorted(s for stages in {tuple(p) for p in plan} for s in stages) != sorted(s.name for s in STAGES):
        raise ValueError(f"a run's processes must run every stage exactly once (in one or more copies): {plan}")
    # first: their start-up overlaps ours
    workers = [spawn_worker(settings, bootstrap, stages, run_worker_env()) for stages in plan]
    groups = {stage: group_id(settings, stages) for stages in plan for stage in stages}
    alive = lambda: all(w.poll() is None for w in workers)  # noqa: E731
    result = RunResult()
    try:
        report = await apply_topics(settings, bootstrap, list(topics.values()))
        for line in report.drift:
            log.warning("topic drift", extra={"drift": line})
        before = await end_offsets(settings, bootstrap, topics["alerts"])
        async with LagProbe(settings, bootstrap, stage_reads(settings, topics, groups)) as probe:
            result.replay = await replay_directory(settings, bootstrap, topics["raw"].name, directory, rate=rate,
                                                   on_item=on_item)
            if not await probe.wait_drained(settings.drain_timeout_s, alive=alive):
                exited = [w for w in workers if w.poll() is not None]
                if exited:
                    raise PipelineError(f"a worker exited with code {exited[0].returncode} (its log is above)")
                raise PipelineError(f"the pipeline did not drain within {settings.drain_timeout_s:.0f}s "
                                    "(FRONTWIRE_DRAIN_TIMEOUT_S)")
        after = await end_offsets(settings, bootstrap, topics["alerts"])
        result.messages = [orjson.loads(value) for _, value in await read_range(settings, bootstrap, topics["alerts"],
                                                                                 before, after)]
        result.alerts = live_alerts(result.messages)
        result.seconds = time.monotonic() - started
        if on_drained is not None:
            await on_drained(result)
    finally:
        for code in stop_workers(workers):
            if code not in (0, -signal.SIGTERM):
                log.warning("worker exited with a non-zero code", extra={"code": code})
    result.alerts = live_alerts(result.messages)
    result.seconds = time.monotonic() - started
    return result
