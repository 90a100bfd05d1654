"""`frontwire status`: per stage, consumer lag per partition and dead letters by reason, from the broker.

Lag is read with explicit partitions (end offset minus the group's committed offset), as the
embedded broker requires, with end offsets that count the last batch's records (offsets.py). A stage's consumer group depends on how it is deployed (`worker all`
runs every stage in the group `frontwire-all`, `worker extract` in `frontwire-extract`), so the
groups are found by listing the broker's groups; one described per call, as Tansu needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka.admin import AIOKafkaAdminClient

from workers.stages import STAGE_NAMES, STAGES
from workers.stage import StageSpec
from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.lag import PartitionLag
from workers.kafka.reach import started
from workers.operations.deadletters import REPLAY_STAGE, read_dead_letters
from workers.operations.offsets import read_topic, true_end_offsets, true_lags
from workers.render import safe
from workers.stage0_ingest.core import INGEST_STAGE
from workers.settings import Settings
from workers.topics import TopicSpec, load_topics, prefixed


@dataclass
class GroupLag:
    """One consumer group's position on a stage's input topic."""

    group: str | None  # None: no group of this stage exists on the broker (never ran here)
    partitions: list[PartitionLag]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)

    @property
    def consumed(self) -> int:
        return sum(min(p.committed, p.end) for p in self.partitions)

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "lag": self.lag, "consumed": self.consumed,
                "partitions": [{"partition": p.partition, "end": p.end, "committed": p.committed, "lag": p.lag}
                               for p in self.partitions]}


@dataclass
class StageStatus:
    """What the broker says about one stage."""

    stage: str
    reads: str  # input topic name
    end: int  # messages ever written to the input topic (sum of end offsets)
    groups: list[GroupLag]
    produced: dict[str, int]  # output topic role -> messages on it (sum of end offsets)
    dead_letters: dict[str, int] = field(default_factory=dict)  # reason -> count

    @property
    def lag(self) -> int:
        return max((g.lag for g in self.groups), default=self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "reads": self.reads, "end": self.end, "lag": self.lag,
                "groups": [g.to_dict() for g in self.groups], "produced": self.produced,
                "dead_letters": self.dead_letters, "dead_lettered": sum(self.dead_letters.values())}


@dataclass
class PipelineStatus:
    """Every stage's status, and dead letters of stages this version does not know."""

    stages: list[StageStatus]
    other_dead_letters: dict[str, int] = field(default_factory=dict)  # "stage/reason" -> count
    replay_dead_letters: dict[str, int] = field(default_factory=dict)  # reason -> files/lines replay rejected
    sources: list[dict[str, Any]] = field(default_factory=list)  # live ingestion: each source's state record
    ingest_dead_letters: dict[str, int] = field(default_factory=dict)  # reason -> count (stage ingest)

    def to_dict(self) -> dict[str, Any]:
        return {"stages": [s.to_dict() for s in self.stages], "other_dead_letters": self.other_dead_letters,
                "replay_dead_letters": self.replay_dead_letters,
                "sources": self.sources, "ingest_dead_letters": self.ingest_dead_letters,
                "lag": sum(s.lag for s in self.stages),
                "dead_lettered": sum(sum(s.dead_letters.values()) for s in self.stages)
                + sum(self.other_dead_letters.values()) + sum(self.replay_dead_letters.values())
                + sum(self.ingest_dead_letters.values())}


def stages_of_group(group: str, prefix: str) -> list[str]:
    """The stages a worker's consumer group runs (see `workers.app.group_id`), or [] if not one of ours."""
    head = prefixed(prefix, "frontwire-")
    if not group.startswith(head):
        return []
    label = group[len(head):]
    if label == "all":
        return list(STAGE_NAMES)
    names = label.split("-")
    return names if names and all(n in STAGE_NAMES for n in names) else []


async def list_groups(settings: Settings, bootstrap: str) -> list[str]:
    """Consumer group ids the broker knows."""
    async with started(AIOKafkaAdminClient(**aiokafka_kwargs(settings, bootstrap), request_timeout_ms=15000)) as admin:
        listed = await admin.list_consumer_groups()
    return sorted({str(g[0]) for g in listed})


async def pipeline_status(settings: Settings, bootstrap: str) -> PipelineStatus:
    """Lag per stage, group and partition; messages produced per output; dead letters per reason."""
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    groups = await list_groups(settings, bootstrap)
    by_stage: dict[str, list[str]] = {s.name: [] for s in STAGES}
    for group in groups:
        for stage in stages_of_group(group, settings.topic_prefix):
            by_stage[stage].append(group)
    reads = [(g, topics[s.reads]) for s in STAGES for g in by_stage[s.name]]
    lags = await true_lags(settings, bootstrap, reads) if reads else []
    ends = await true_end_offsets(settings, bootstrap, list(topics.values()))
    dead = await read_dead_letters(settings, bootstrap, topics["deadletter"])
    dead_counts = Counter((e.stage, e.reason) for e in dead)
    out: list[StageStatus] = []
    for spec in STAGES:
        out.append(_stage_status(spec, topics, ends, by_stage[spec.name], lags, dead_counts))
    others = {f"{stage}/{reason}": n for (stage, reason), n in sorted(dead_counts.items())
              if stage not in STAGE_NAMES and stage not in (REPLAY_STAGE, INGEST_STAGE)}
    replayed = {reason: n for (stage, reason), n in sorted(dead_counts.items()) if stage == REPLAY_STAGE}
    ingest_dead = {reason: n for (stage, reason), n in sorted(dead_counts.items()) if stage == INGEST_STAGE}
    return PipelineStatus(out, others, replayed,
                          await ingest_sources(settings, bootstrap, topics["ingest_state"]), ingest_dead)


async def ingest_sources(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[dict[str, Any]]:
    """The state record of every source live ingestion has polled, by name (folded from its topic)."""
    from workers.stage0_ingest.state import SOURCE_PREFIX, IngestState

    state = IngestState(settings.ingest_lease_s)
    for message in await read_topic(settings, bootstrap, spec):
        key = (message.key or b"").decode("utf-8", "replace")
        if key.startswith(SOURCE_PREFIX):
            try:
                state.apply(key, orjson.loads(message.value) if message.value is not None else None)
            except (ValueError, KeyError, TypeError):
                continue
    return [state.sources[name].to_record() for name in sorted(state.sources)]


def _stage_status(spec: StageSpec, topics: dict[str, TopicSpec], ends: dict[tuple[str, int], int],
                  groups: list[str], lags: list[PartitionLag], dead: Counter[tuple[str, str]]) -> StageStatus:
    source = topics[spec.reads]
    source_ends = {p: ends[(source.name, p)] for p in range(source.partitions)}
    group_lags = [GroupLag(g, [p for p in lags if p.group == g and p.topic == source.name]) for g in groups]
    if not group_lags:
        group_lags = [GroupLag(None, [PartitionLag("", source.name, p, e, 0) for p, e in source_ends.items()])]
    produced = {role: sum(ends[(topics[role].name, p)] for p in range(topics[role].partitions))
                for role in spec.writes}
    reasons = {reason: n for (stage, reason), n in sorted(dead.items()) if stage == spec.name}
    return StageStatus(spec.name, source.name, sum(source_ends.values()), group_lags, produced, reasons)


def format_status(status: PipelineStatus) -> str:
    """The status as text for a person, one block per stage."""
    lines: list[str] = []
    if status.replay_dead_letters:
        lines.append(f"{REPLAY_STAGE:<10} files and lines rejected by `frontwire replay` · "
                     f"dead-lettered {sum(status.replay_dead_letters.values())}")
        for reason, n in status.replay_dead_letters.items():
            lines.append(f"    dead letters {safe(reason, 80)}: {n}")
    for s in status.stages:
        dead_total = sum(s.dead_letters.values())
        wrote = ", ".join(f"{role} {n}" for role, n in s.produced.items())
        lines.append(f"{s.stage:<10} lag {s.lag:<6} read {s.reads} ({s.end} messages) · wrote {wrote} · "
                     f"dead-lettered {dead_total}")
        for g in s.groups:
            parts = " ".join(f"p{p.partition}:{p.lag}" for p in g.partitions)
            name = g.group or "(no consumer group on the broker: this stage has not run here)"
            lines.append(f"    group {safe(name, 200)}: consumed {g.consumed}, lag {g.lag} [{parts}]")
        for reason, n in s.dead_letters.items():
            lines.append(f"    dead letters {safe(reason, 80)}: {n}")
    for src in status.sources:
        error = src.get("last_error") or {}
        failing = f" · failing since {src['failing_since']}" if src.get("failing_since") else ""
        lines.append(f"source {safe(src['source'], 64):<20} last success {src.get('last_success') or 'never'} · "
                     f"published {src.get('published', 0)} of {src.get('entries_seen', 0)} entries seen{failing}")
        if error:
            lines.append(f"    last error {safe(str(error.get('kind')), 40)} at {error.get('at')}: "
                         f"{safe(str(error.get('detail')), 160)}")
    for reason, n in status.ingest_dead_letters.items():
        lines.append(f"ingest dead letters {safe(reason, 80)}: {n}")
    for key, n in status.other_dead_letters.items():
        lines.append(f"dead letters of an unknown stage {safe(key, 120)}: {n}")
    total = status.to_dict()
    lines.append(f"total lag {total['lag']}, dead letters {total['dead_lettered']}")
    return "\n".join(lines)
