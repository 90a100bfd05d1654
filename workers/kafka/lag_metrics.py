"""Consumer lag per partition as a Prometheus gauge, refreshed from the broker on each scrape.

`frontwire_consumer_lag{stage, group, topic, partition}`: the true end offset of the stage's input
partition (see `workers.kafka.reading`) minus the offset the worker's consumer group has committed there, read
with explicit partitions. A worker exposes it for its own group and stages; one scrape costs one
fetch per input topic and one offset fetch per partition.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from workers.kafka.lag import LagProbe
from workers.metrics import stage_metrics
from workers.settings import Settings
from workers.stages import stage_specs
from workers.topics import load_topics

log = logging.getLogger(__name__)


class LagMetrics:
    """The lag gauge of one worker (its consumer group and stages), in `registry`."""

    def __init__(self, registry: CollectorRegistry, settings: Settings, bootstrap: str, stages: list[str],
                 group: str) -> None:
        topics = load_topics(settings.topics_file, settings.topic_prefix)
        self._settings, self._bootstrap, self._group = settings, bootstrap, group
        self._reads = [(group, topics[role]) for spec in stage_specs(stages) for role in spec.inputs]
        self._stage_of = {topics[role].name: spec.name for spec in stage_specs(stages) for role in spec.inputs}
        self.gauge = Gauge("frontwire_consumer_lag", "Messages on a stage's input partition not yet committed "
                           "by its consumer group", ["stage", "group", "topic", "partition"], registry=registry)

    async def refresh(self) -> None:
        """Read the lag of every input partition from the broker into the gauge (keeps old values on error)."""
        try:
            async with LagProbe(self._settings, self._bootstrap, self._reads) as probe:
                lags = await probe.lags()
        except Exception as exc:  # noqa: BLE001 - a scrape must still answer with the other metrics
            log.warning("could not read consumer lag", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            return
        for p in lags:
            self.gauge.labels(self._stage_of[p.topic], p.group, p.topic, str(p.partition)).set(p.lag)


def lag_metrics_for(app: Any, settings: Settings, stages: list[str]) -> LagMetrics:
    """LagMetrics in this process's metrics registry, for a faust `app` (its group and broker)."""
    bootstrap = ",".join(f"{url.host}:{url.port or 9092}" for url in app.conf.broker)
    return LagMetrics(stage_metrics().registry, settings, bootstrap, stages, app.conf.id)
