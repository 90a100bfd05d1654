"""`frontwire board`: follow the topics, serve the page and the API, and (when configured) the webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

from workers.board.follow import Follower
from workers.board.server import Hub, make_app
from workers.board.state import BoardState
from workers.settings import Settings
from workers.topics import load_topics

log = logging.getLogger(__name__)


@dataclass
class Board:
    """A running board: its address, state and tasks (stop with `close`)."""

    url: str
    port: int
    state: BoardState
    ready: asyncio.Event
    runner: web.AppRunner
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.runner.cleanup()


def _gazetteer_search(settings: Settings, state: BoardState) -> Callable[[str], Any]:
    """A search over the normalize stage's gazetteer, loaded in a thread on first use (seconds when not cached)."""
    loading: dict[str, Any] = {}

    async def search(query: str) -> list[dict[str, Any]]:
        from workers.board.search import search_settlements
        from workers.stage3_normalize.cache import load_gazetteer

        loop = asyncio.get_running_loop()
        if "gaz" not in loading:
            loading["gaz"] = loop.run_in_executor(None, load_gazetteer, settings.data_dir / "gazetteer")
        gazetteer = await asyncio.shield(loading["gaz"])
        return search_settlements(gazetteer, query, state.statuses.keys())

    return search


async def start_board(settings: Settings, bootstrap: str, port: int | None = None, *,
                      webhooks: bool = True) -> Board:
    """Create missing topics, start following the status and alerts topics, and listen on `port`
    (default FRONTWIRE_BOARD_PORT; 0 picks a free port). Webhooks are dispatched too when
    FRONTWIRE_WEBHOOKS lists any and `webhooks` is true."""
    from workers.kafka.admin import apply_topics

    topics = load_topics(settings.topics_file, settings.topic_prefix)
    await apply_topics(settings, bootstrap, list(topics.values()))
    state, hub = BoardState(max_alerts=settings.board_max_alerts), Hub()
    follower = Follower(settings, bootstrap, topics["status"], topics["alerts"], state,
                        on_alert=hub.alert, on_status=hub.status)
    app = make_app(state, hub, follower.ready, _gazetteer_search(settings, state))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, settings.board_host, settings.board_port if port is None else port)
    await site.start()
    server = getattr(site, "_server", None)
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else (port or settings.board_port)
    host = "127.0.0.1" if settings.board_host in ("0.0.0.0", "") else settings.board_host
    board = Board(url=f"http://{host}:{bound}/", port=bound, state=state, ready=follower.ready, runner=runner)
    board.tasks.append(asyncio.create_task(follower.run(), name="board-follow"))
    if webhooks and settings.webhooks:
        from workers.webhooks.dispatch import run_webhooks

        board.tasks.append(asyncio.create_task(run_webhooks(settings, bootstrap), name="webhooks"))
    return board


async def serve_board(settings: Settings, bootstrap: str, port: int | None = None,
                      announce: Callable[[Board], None] | None = None) -> None:
    """Run the board until cancelled; `announce` is called once it listens."""
    board = await start_board(settings, bootstrap, port)
    try:
        if announce:
            announce(board)
        while True:
            for task in board.tasks:
                if task.done() and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
            await asyncio.sleep(1.0)
    finally:
        await board.close()
