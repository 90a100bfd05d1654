"""Build a faust App that runs one stage (or all of them), each bound to Kafka by `workers.binder`.

Nothing is built at import: `build_app()` creates the App and binds the stages late, as faust's
`bound_agent` example does (topics and tables come from topics.yaml).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from workers.binder import bind_stage
from workers.readiness import Readiness, attach
from workers.registry import make_stage
from workers.settings import Settings
from workers.stages import STAGE_NAMES, stage_specs
from workers.topics import load_topics, prefixed

STREAM_BUFFER_MAXSIZE = 64


def group_id(settings: Settings, stages: list[str]) -> str:
    """The faust app id and consumer group of a worker running `stages`."""
    label = "all" if list(stages) == list(STAGE_NAMES) else "-".join(stages)
    return prefixed(settings.topic_prefix, f"frontwire-{label}")


def build_app(settings: Settings, bootstrap: str, stages: list[str], *, web_port: int | None = None) -> Any:
    """A faust App running `stages` against the broker at `bootstrap`."""
    from workers.kafka.connection import aiokafka_kwargs, faust_credentials
    from workers.kafka.faust_transport import PromptTableManager, frontwire_app_class

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
        TableManager=PromptTableManager,
    )

    for spec in specs:
        bind_stage(app, make_stage(spec.name, settings), topics, settings)
    names = [s.name for s in specs]
    readiness = attach(app, names, {topics[role].name for s in specs for role in s.inputs})
    if web_port is not None:
        _add_pages(app, names, settings, readiness)
    return app


def _add_pages(app: Any, stages: list[str], settings: Settings, readiness: Readiness) -> None:
    """`GET /healthz` (200 while the worker runs), `GET /readyz` (200 while it consumes assigned partitions,
    503 otherwise) and `GET /metrics` (Prometheus text format, lag included)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from workers.metrics import stage_metrics
    from workers.kafka.lag_metrics import lag_metrics_for

    lag = lag_metrics_for(app, settings, stages)

    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "group": app.conf.id, "stages": stages})

    async def readyz(web: Any, request: Any) -> Any:
        doc = readiness.state()
        return web.json(doc, status=200 if doc["ready"] else 503)

    async def metrics(web: Any, request: Any) -> Any:
        await lag.refresh()
        body = generate_latest(stage_metrics().registry).decode()
        return web.text(body, content_type=CONTENT_TYPE_LATEST.split(";")[0])

    app.page("/healthz")(healthz)
    app.page("/readyz")(readyz)
    app.page("/metrics")(metrics)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
