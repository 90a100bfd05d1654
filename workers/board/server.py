"""The board's web server (aiohttp): the page, its static files, the HTTP API and the server-sent events."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable

import orjson
from aiohttp import web

from workers.board.state import (STATUSES, BoardState, FeedItem, alerts_since, current_settlements, oblasts,
                                 settlement_detail, settlements_as_of, time_range)

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.yaml"
KEEPALIVE_S = 15.0
CLIENT_QUEUE = 1000  # events a stream client may lag behind before it is dropped (it reconnects with Last-Event-ID)
# Everything the page loads comes from this server; nothing leaves the machine.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

STATE: web.AppKey[BoardState] = web.AppKey("state", BoardState)
HUB: web.AppKey["Hub"] = web.AppKey("hub", object)  # type: ignore[arg-type]
READY: web.AppKey[asyncio.Event] = web.AppKey("ready", asyncio.Event)
SEARCH: web.AppKey[Callable[[str], Awaitable[list[dict[str, Any]]]]] = web.AppKey("search", object)  # type: ignore[arg-type]


class Hub:
    """Fans events out to the connected stream clients; a client that falls behind is dropped, never waited for."""

    def __init__(self) -> None:
        self.clients: set[asyncio.Queue[bytes | None]] = set()

    def publish(self, event: bytes) -> None:
        for queue in list(self.clients):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # the client is too slow: drop what it has not read and close it
                self.clients.discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)

    def alert(self, item: FeedItem) -> None:
        self.publish(sse_event("alert", item.message, item.seq))

    def status(self, value: dict[str, Any]) -> None:
        self.publish(sse_event("status", value))


def sse_event(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One server-sent event: `event`, JSON `data` on one line, and an `id` when given."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\n".encode() + b"data: " + orjson.dumps(data) + b"\n\n"


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _bad(message: str) -> web.Response:
    return _json({"error": message}, 400)


def _time_param(request: web.Request, name: str) -> str | None:
    """An ISO-8601 time from the query, normalised to UTC with Z; 400 when it is not one."""
    from workers.timeutil import normalize_time

    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return normalize_time(raw)
    except (ValueError, TypeError) as exc:
        raise web.HTTPBadRequest(text=orjson.dumps({"error": f"{name}: not an ISO-8601 time"}).decode(),
                                 content_type="application/json") from exc


async def settlements(request: web.Request) -> web.Response:
    state = request.app[STATE]
    status = request.query.get("status") or None
    if status is not None and status not in STATUSES:
        return _bad(f"status must be one of {', '.join(STATUSES)}")
    oblast = request.query.get("oblast") or None
    as_of = _time_param(request, "as_of")
    if as_of:
        return _json(settlements_as_of(state, as_of, oblast, status))
    return _json(current_settlements(state, oblast, status))


async def settlement(request: web.Request) -> web.Response:
    try:
        sid = int(request.match_info["id"])
    except ValueError:
        return _bad("the settlement id is a GeoNames id (an integer)")
    detail = settlement_detail(request.app[STATE], sid)
    if detail is None:
        return _json({"error": f"no status for settlement {sid}"}, 404)
    return _json(detail)


async def alerts(request: web.Request) -> web.Response:
    since = _time_param(request, "since")
    try:
        limit = int(request.query.get("limit", "1000"))
    except ValueError:
        return _bad("limit must be an integer")
    return _json(alerts_since(request.app[STATE], since, max(1, min(limit, 10_000))))


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: `alert` (an alerts-topic message, id = its position on the board) and `status`
    (a status-topic value). Every client gets every current status first (a page loaded while the board
    catches up, or one that was away, would otherwise miss changes), and a client reconnecting with
    Last-Event-ID the alerts it missed; it is subscribed before, so whatever changes meanwhile follows."""
    hub, state = request.app[HUB], request.app[STATE]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(CLIENT_QUEUE)
    hub.clients.add(queue)
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n: connected\n\n")
        for value in list(state.statuses.values()):
            await response.write(sse_event("status", value))
        last = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
        if last and last.isdigit():
            for item in list(state.feed.values()):
                if item.seq > int(last):
                    await response.write(sse_event("alert", item.message, item.seq))
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except asyncio.TimeoutError:
                event = b": keep-alive\n\n"
            if event is None:  # dropped for falling behind: the client reconnects
                break
            await response.write(event)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.clients.discard(queue)
    return response


async def search(request: web.Request) -> web.Response:
    query = request.query.get("q", "")
    return _json(await request.app[SEARCH](query) if query.strip() else [])


async def meta(request: web.Request) -> web.Response:
    state = request.app[STATE]
    first, last = time_range(state)
    return _json({"oblasts": oblasts(state), "statuses": list(STATUSES), "first_shift": first, "last_shift": last,
                  "ready": request.app[READY].is_set()})


async def healthz(request: web.Request) -> web.Response:
    state, ready = request.app[STATE], request.app[READY].is_set()
    body = {"status": "ok" if ready else "starting", "settlements": len(state.statuses), "alerts": len(state.feed),
            "stream_clients": len(request.app[HUB].clients)}
    return _json(body, 200 if ready else 503)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def openapi(request: web.Request) -> web.FileResponse:
    return web.FileResponse(OPENAPI_FILE, headers={"Content-Type": "application/yaml"})


@web.middleware
async def security_headers(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def make_app(state: BoardState, hub: Hub, ready: asyncio.Event,
             search_fn: Callable[[str], Awaitable[list[dict[str, Any]]]]) -> web.Application:
    """The board's aiohttp application over a state that something else keeps current."""
    app = web.Application(middlewares=[security_headers])
    app[STATE], app[HUB], app[READY], app[SEARCH] = state, hub, ready, search_fn
    app.router.add_get("/", index)
    app.router.add_get("/api/settlements", settlements)
    app.router.add_get("/api/settlements/{id}", settlement)
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/alerts/stream", stream)
    app.router.add_get("/api/search", search)
    app.router.add_get("/api/meta", meta)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/openapi.yaml", openapi)
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=False)
    return app
