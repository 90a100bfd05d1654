"""Run the ingester: topics, /healthz and /metrics, then one pass (`--once`) or polls until a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Callable

from workers.kafka.admin import apply_topics
from workers.settings import Settings
from workers.stage0_ingest.metrics import IngestMetrics
from workers.stage0_ingest.service import Ingester, PollReport
from workers.stage0_ingest.sources import Source
from workers.stage0_ingest.web import start_web
from workers.topics import load_topics

log = logging.getLogger(__name__)


async def run_ingest(settings: Settings, bootstrap: str, sources: list[Source], *, once: bool,
                     metrics: IngestMetrics | None = None, stop: asyncio.Event | None = None,
                     on_report: Callable[[PollReport], None] | None = None) -> list[PollReport]:
    """Poll `sources` once (`once`) or until `stop` is set or SIGTERM/SIGINT arrives; the reports of a single pass."""
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    report = await apply_topics(settings, bootstrap, list(topics.values()))
    for line in report.drift:
        log.warning("topic drift", extra={"drift": line})
    metrics = metrics or IngestMetrics.create()
    web = (await start_web(settings.web_host, settings.web_port, metrics, [s.name for s in sources])
           if settings.web_port else None)
    if not settings.ingest_contact:
        log.warning("FRONTWIRE_INGEST_CONTACT is not set: outlets cannot tell whom to contact about this crawler")
    try:
        async with Ingester(settings, bootstrap, sources, topics, metrics) as ingester:
            if once:
                reports = await ingester.run_once()
                for r in reports:
                    if on_report is not None:
                        on_report(r)
                return reports
            if stop is None:  # the command's own process: a signal stops it after the polls in hand
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, stop.set)
            log.info("ingest running", extra={"sources": [s.name for s in sources], "owner": ingester.owner})
            await ingester.run_forever(stop)
            return []
    finally:
        if web is not None:
            await web.cleanup()
