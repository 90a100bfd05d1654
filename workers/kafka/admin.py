"""Topic administration: create what topics.yaml declares, report drift, never alter."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.settings import Settings
from workers.topics import TopicSpec

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    """What `topics apply` did: created topics, topics already right, and drift found."""

    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"created   {name}" for name in self.created]
        out += [f"ok        {name}" for name in self.unchanged]
        out += [f"DRIFT     {d}" for d in self.drift]
        return out


async def apply_topics(settings: Settings, bootstrap: str, specs: list[TopicSpec]) -> ApplyReport:
    """Create missing topics; compare existing ones with their declaration (idempotent)."""
    report = ApplyReport()
    async with started(AIOKafkaAdminClient(**aiokafka_kwargs(settings, bootstrap), request_timeout_ms=15000)) as admin:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        for spec in missing:
            topic = NewTopic(spec.name, spec.partitions, spec.replication_factor, topic_configs=spec.configs())
            try:
                await admin.create_topics([topic])
                report.created.append(spec.name)
            except TopicAlreadyExistsError:  # created by a concurrent `apply`
                existing.add(spec.name)
        present = [s for s in specs if s.name in existing]
        if present:
            report.drift.extend(await _drift(admin, present))
            drifted = {d.split(":", 1)[0] for d in report.drift}
            report.unchanged.extend(s.name for s in present if s.name not in drifted)
    return report


async def _drift(admin: AIOKafkaAdminClient, specs: list[TopicSpec]) -> list[str]:
    """Differences between declared and actual partitions and configs."""
    out: list[str] = []
    described = await admin.describe_topics([s.name for s in specs])
    partitions = {d["topic"]: len(d.get("partitions") or []) for d in described}
    for spec in specs:
        actual = partitions.get(spec.name)
        if actual is not None and actual != spec.partitions:
            out.append(f"{spec.name}: partitions declared {spec.partitions}, actual {actual}")
    for spec in specs:
        try:
            configs = await _topic_configs(admin, spec.name)
        except Exception as exc:  # a broker that cannot describe configs: say so, do not fail
            out.append(f"{spec.name}: configs not readable ({type(exc).__name__})")
            continue
        for key, declared in spec.configs().items():
            actual_value = configs.get(key)
            if actual_value is not None and actual_value != declared:
                out.append(f"{spec.name}: {key} declared {declared}, actual {actual_value}")
    return out


async def _topic_configs(admin: AIOKafkaAdminClient, topic: str) -> dict[str, str]:
    responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    configs: dict[str, str] = {}
    for response in responses:
        for resource in response.resources:
            # (error_code, error_message, resource_type, resource_name, config_entries)
            for entry in resource[4]:
                configs[entry[0]] = entry[1]
    return configs
