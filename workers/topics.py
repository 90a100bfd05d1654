"""Topic declarations from `topics.yaml`: the only place topic names come from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


class TopicsFileError(ValueError):
    """topics.yaml is missing a field or has one of the wrong type."""


@dataclass(frozen=True)
class TopicSpec:
    """One declared topic."""

    role: str  # the short name used in code: raw, extracted, unique, ...
    name: str  # the full topic name, prefix included
    partitions: int
    replication_factor: int
    retention_ms: int
    cleanup_policy: str
    key: str
    value_schema: str
    writer: tuple[str, ...]
    readers: tuple[str, ...]
    extra_configs: tuple[tuple[str, str], ...] = ()

    def configs(self) -> dict[str, str]:
        """Topic-level configs as the broker takes them."""
        out = {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}
        out.update(dict(self.extra_configs))
        return out


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@lru_cache(maxsize=8)
def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("topics"), dict):
        raise TopicsFileError(f"{path}: expected a mapping `topics:`")
    return doc["topics"]


PREFIX_SEPARATORS = (".", "-", "_")


def prefixed(prefix: str, name: str) -> str:
    """`name` with FRONTWIRE_TOPIC_PREFIX in front, joined by a `.` unless the prefix ends in `.`, `-` or `_`.

    `clean` + `frontwire.articles.raw` -> `clean.frontwire.articles.raw`; `t1.` -> `t1.frontwire.articles.raw`.
    """
    if not prefix or prefix.endswith(PREFIX_SEPARATORS):
        return prefix + name
    return f"{prefix}.{name}"


def load_topics(path: Path, prefix: str = "") -> dict[str, TopicSpec]:
    """All topics of `path`, by role, with `prefix` in front of every name."""
    out: dict[str, TopicSpec] = {}
    for role, d in _read(Path(path)).items():
        try:
            out[role] = TopicSpec(
                role=role,
                name=prefixed(prefix, str(d["name"])),
                partitions=int(d["partitions"]),
                replication_factor=int(d["replication_factor"]),
                retention_ms=int(d["retention_ms"]),
                cleanup_policy=str(d["cleanup_policy"]),
                key=str(d["key"]),
                value_schema=str(d["value"]),
                writer=_as_tuple(d.get("writer")),
                readers=_as_tuple(d.get("readers")),
                extra_configs=tuple((str(k), str(v)) for k, v in (d.get("configs") or {}).items()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TopicsFileError(f"{path}: topic {role!r}: {exc!r}") from exc
    return out
