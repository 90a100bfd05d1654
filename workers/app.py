"""Build a faust App that runs one stage (or all of them) and bind the stage agents to it.

Nothing is built at import: `build_app()` creates the App, its topics (names from topics.yaml),
its tables and its agents, late, as faust's `bound_agent` example does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.settings import Settings
from workers.streaming import StageIO
from workers.topics import TopicSpec, load_topics


@dataclass(frozen=True)
class StageSpec:
    """How a stage is wired: the topics it reads, the topics it writes, its state table.

    `reads` is the stage's main input (the one its table is co-partitioned with and the one the
    stage-order picture follows); `also_reads` are further inputs consumed by the same agent
    (normalize also reads the duplicates, to pass republications on as provenance).
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


STAGES: tuple[StageSpec, ...] = (
    StageSpec("extract", reads="raw", writes=("extracted",)),
    StageSpec("dedup", reads="extracted", writes=("unique", "duplicates"), table="dedup_index"),
    StageSpec("normalize", reads="unique", writes=("normalized",), also_reads=("duplicates",)),
    StageSpec("claims", reads="normalized", writes=("claims",)),
    StageSpec("alerts", reads="claims", writes=("alerts", "status"), table="status_table"),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
STREAM_BUFFER_MAXSIZE = 64


def group_id(settings: Settings, stages: list[str]) -> str:
    """The faust app id and consumer group of a worker running `stages`."""
    label = "all" if list(stages) == list(STAGE_NAMES) else "-".join(stages)
    return f"{settings.topic_prefix}frontwire-{label}"


def stage_specs(names: list[str]) -> list[StageSpec]:
    """The specs of the named stages, in pipeline order."""
    unknown = set(names) - set(STAGE_NAMES)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}; stages are {', '.join(STAGE_NAMES)}")
    return [s for s in STAGES if s.name in names]


def build_app(settings: Settings, bootstrap: str, stages: list[str], *, web_port: int | None = None) -> Any:
    """A faust App running `stages` against the broker at `bootstrap`."""
    from workers.kafka.connection import aiokafka_kwargs, faust_credentials
    from workers.kafka.faust_transport import frontwire_app_class

    specs = stage_specs(stages)
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    app_id = group_id(settings, [s.name for s in specs])
    data_dir = Path(tempfile.mkdtemp(prefix=f"{app_id}-", dir=_ensure(settings.data_dir / "workers")))
    app = frontwire_app_class(settings.fetch_max_wait_ms, aiokafka_kwargs(settings, bootstrap))(
        app_id,
        broker=[f"kafka://{b.strip()}" for b in bootstrap.split(",") if b.strip()],
        broker_credentials=faust_credentials(settings),
        store="memory://",
        datadir=str(data_dir),
        processing_guarantee="at_least_once",
        producer_acks=-1,
        producer_max_request_size=settings.max_message_bytes,
        consumer_max_fetch_size=settings.max_message_bytes + 1024 * 1024,
        consumer_auto_offset_reset="earliest",
        # events buffered per stream ahead of the agent (faust default 4096): a backlog of raw
        # articles (150 KB each) filled the extract worker's buffer to 350 MB peak RSS (measured)
        stream_buffer_maxsize=STREAM_BUFFER_MAXSIZE,
        broker_commit_interval=settings.commit_interval_s,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=max(settings.session_timeout_s / 10.0, 0.5),
        broker_rebalance_timeout=max(settings.session_timeout_s, 2.0),
        topic_allow_declare=False,
        topic_disable_leader=True,
        web_enabled=web_port is not None,
        web_port=web_port or 6066,
        web_host=settings.web_host,
    )

    def topic(*specs_: TopicSpec) -> Any:
        # several names make one channel (faust subscribes to all); agents tell them apart by message.topic
        return app.topic(*(s.name for s in specs_), key_serializer="raw", value_serializer="raw",
                         partitions=specs_[0].partitions)

    deadletter = topic(topics["deadletter"])
    for spec in specs:
        io = StageIO(spec.name, settings.schemas_dir, {role: topic(topics[role]) for role in spec.writes}, deadletter)
        source = topic(*(topics[role] for role in spec.inputs))
        agent_fn = _make_agent(app, spec, io, settings, topics)
        app.agent(source, name=f"frontwire.{spec.name}")(agent_fn)
    if web_port is not None:
        _add_pages(app, [s.name for s in specs], settings)
    return app


def _add_pages(app: Any, stages: list[str], settings: Settings) -> None:
    """`GET /healthz` (200 while the worker runs) and `GET /metrics` (Prometheus text format, lag included)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from workers.metrics import stage_metrics
    from workers.operations.lag_metrics import lag_metrics_for

    lag = lag_metrics_for(app, settings, stages)

    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "group": app.conf.id, "stages": stages})

    async def metrics(web: Any, request: Any) -> Any:
        await lag.refresh()
        body = generate_latest(stage_metrics().registry).decode()
        return web.text(body, content_type=CONTENT_TYPE_LATEST.split(";")[0])

    app.page("/healthz")(healthz)
    app.page("/metrics")(metrics)


def _make_agent(app: Any, spec: StageSpec, io: StageIO, settings: Settings, topics: dict[str, TopicSpec]) -> Any:
    if spec.name == "extract":
        from workers.stage1_extract.agent import make_agent as extract_agent

        return extract_agent(io, settings)
    if spec.name == "dedup":
        from workers.stage2_dedup.agent import make_agent as dedup_agent

        return dedup_agent(io, settings, _table(app, "dedup-index", topics[spec.table or ""]), app)
    if spec.name == "normalize":
        from workers.stage3_normalize.agent import make_agent as normalize_agent

        return normalize_agent(io, settings, {topics[role].name: role for role in spec.inputs})
    if spec.name == "claims":
        from workers.stage4_claims.agent import make_agent as claims_agent

        return claims_agent(io, settings)
    from workers.stage5_alerts.agent import make_agent as alerts_agent

    return alerts_agent(io, settings, _table(app, "settlement-status", topics[spec.table or ""]), app)


def _table(app: Any, name: str, changelog: TopicSpec) -> Any:
    """A changelog-backed table whose changelog topic is the one declared in topics.yaml."""
    changelog_topic = app.topic(changelog.name, key_serializer="json", value_serializer="json",
                                partitions=changelog.partitions, compacting=True, deleting=False)
    return app.Table(name, default=None, partitions=changelog.partitions, changelog_topic=changelog_topic,
                     key_type=str, value_type=None)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
