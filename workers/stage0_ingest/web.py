"""`GET /healthz` and `GET /metrics` of an ingest process (aiohttp; the stage workers use faust's web)."""

from __future__ import annotations

from typing import Any

from workers.stage0_ingest.core import INGEST_STAGE
from workers.stage0_ingest.metrics import IngestMetrics


async def start_web(host: str, port: int, metrics: IngestMetrics, sources: list[str]) -> Any:
    """Serve the endpoints on host:port until the returned runner is cleaned up (`await runner.cleanup()`)."""
    from aiohttp import web
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "stage": INGEST_STAGE, "sources": sources})

    async def metrics_page(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(metrics.registry),
                            content_type=CONTENT_TYPE_LATEST.split(";")[0], charset="utf-8")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
