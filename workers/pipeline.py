"""`frontwire run`: broker, topics, every stage, replay, drain (consumer lag zero), collect alerts, stop."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import orjson

from workers.app import STAGES, group_id
from workers.kafka.admin import apply_topics
from workers.kafka.broker import _die_with_parent
from workers.kafka.lag import LagProbe
from workers.kafka.reading import end_offsets, read_range
from workers.settings import Settings
from workers.stage0_replay.core import ReplayItem, Skipped
from workers.stage0_replay.publish import ReplayReport, replay_directory
from workers.topics import TopicSpec, load_topics

log = logging.getLogger(__name__)


class PipelineError(RuntimeError):
    """The pipeline did not start or did not drain in time."""


@dataclass
class RunResult:
    """What one `run` produced."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    replay: ReplayReport = field(default_factory=ReplayReport)
    seconds: float = 0.0


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
                            stderr=stdout or sys.stderr, preexec_fn=_die_with_parent)


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


async def run_pipeline(settings: Settings, bootstrap: str, directory: Path, *, ordered: bool = True,
                       rate: float | None = None, on_item: Callable[[ReplayItem | Skipped], None] | None = None
                       ) -> RunResult:
    """Run every stage on `bootstrap`, replay `directory`, wait for the drain, return the new alerts."""
    started = time.monotonic()
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    report = await apply_topics(settings, bootstrap, list(topics.values()))
    for line in report.drift:
        log.warning("topic drift", extra={"drift": line})
    before = await end_offsets(settings, bootstrap, topics["alerts"])
    stage_names = [s.name for s in STAGES]
    group = group_id(settings, stage_names)
    worker = spawn_worker(settings, bootstrap, stage_names,
                          {"FRONTWIRE_COMMIT_INTERVAL_S": os.environ.get("FRONTWIRE_COMMIT_INTERVAL_S", "0.1")})
    result = RunResult()
    try:
        async with LagProbe(settings, bootstrap, stage_reads(settings, topics, {s: group for s in stage_names})) as probe:

            async def drained() -> None:
                if not await probe.wait_drained(settings.drain_timeout_s, alive=lambda: worker.poll() is None):
                    if worker.poll() is not None:
                        raise PipelineError(f"the worker exited with code {worker.returncode} (its log is above)")
                    raise PipelineError(f"the pipeline did not drain within {settings.drain_timeout_s:.0f}s "
                                        "(FRONTWIRE_DRAIN_TIMEOUT_S)")

            result.replay = await replay_directory(
                settings, bootstrap, topics["raw"].name, directory, rate=rate, on_item=on_item,
                after_each=(lambda _item: drained()) if ordered else None,
            )
            await drained()
        after = await end_offsets(settings, bootstrap, topics["alerts"])
        result.alerts = [orjson.loads(value) for _, value in await read_range(settings, bootstrap, topics["alerts"],
                                                                               before, after)]
    finally:
        code = stop_worker(worker)
        if code not in (0, -signal.SIGTERM):
            log.warning("worker exited with a non-zero code", extra={"code": code})
    result.alerts.sort(key=lambda a: (a.get("emitted_at", ""), a.get("alert_id", "")))
    result.seconds = time.monotonic() - started
    return result
