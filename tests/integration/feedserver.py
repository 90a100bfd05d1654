"""A local HTTP server for ingest tests: feeds and pages we write, and misbehaviour on purpose.

It runs aiohttp in its own thread and event loop, so that a test can drive it from synchronous code,
from the CLI in a child process, or from the ingester's own loop. Every request is logged (path,
headers, start and end time) so that tests can check politeness: one request at a time, the delay
between two, the User-Agent, conditional GETs.
"""

from __future__ import annotations

import asyncio
import zlib
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any, Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request, int], Awaitable[web.StreamResponse]]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    started: float
    ended: float = 0.0
    status: int = 0


def rss(items: list[dict[str, str]], *, encoding: str = "utf-8", language: str = "en") -> bytes:
    """An RSS 2.0 document of `items` (title, link, guid, date as an RFC 822 string, description)."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
             f"<title>test feed</title><link>http://example.invalid/</link><language>{language}</language>"]
    for item in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode(encoding)


def atom(entries: list[dict[str, str]]) -> bytes:
    """An Atom document of `entries` (title, link, id, updated ISO)."""
    body = "".join(f"<entry><title>{e['title']}</title><link href=\"{e['link']}\"/><id>{e['id']}</id>"
                   f"<updated>{e['updated']}</updated></entry>" for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>test</title><id>urn:test</id><updated>2022-09-10T00:00:00Z</updated>{body}</feed>").encode()


def news_sitemap(urls: list[tuple[str, str, str]]) -> bytes:
    """A news sitemap of (loc, title, publication date ISO)."""
    body = "".join(f"<url><loc>{loc}</loc><news:news><news:publication><news:name>T</news:name>"
                   f"<news:language>en</news:language></news:publication>"
                   f"<news:publication_date>{date}</news:publication_date><news:title>{title}</news:title>"
                   f"</news:news></url>" for loc, title, date in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>').encode()


def _gzip_zeros(size: int) -> bytes:
    """gzip of `size` zero bytes, built chunk by chunk (the test process never holds `size` bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    block = b"\0" * 1_000_000
    parts = []
    for start in range(0, size, len(block)):
        parts.append(packer.compress(block[: min(len(block), size - start)]))
    parts.append(packer.flush())
    return b"".join(parts)


class FeedServer:
    """Routes by path; each handler gets the request and how many times its path was asked for before."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self.active = 0
        self.max_active = 0
        self.robots = "User-agent: *\nDisallow: /private/\n"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: Any = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "FeedServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    # ------------------------------------------------------------------ routes
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        hit = Hit(request.path_qs, {k.lower(): v for k, v in request.headers.items()}, time.monotonic())
        previous = sum(1 for h in self.hits if h.path == request.path)
        self.hits.append(hit)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if request.path == "/robots.txt":
                response: web.StreamResponse = web.Response(text=self.robots, content_type="text/plain")
            else:
                handler = self.routes.get(request.path)
                response = (await handler(request, previous) if handler is not None
                            else web.Response(status=404, text="not here"))
            hit.status = response.status
            return response
        finally:
            self.active -= 1
            hit.ended = time.monotonic()

    def add(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def add_bytes(self, path: str, body: bytes, content_type: str = "text/html", *, etag: str | None = None,
                  last_modified: float | None = None) -> str:
        """A static document; with `etag`/`last_modified` it answers conditional GETs with 304."""
        async def handler(request: web.Request, _n: int) -> web.StreamResponse:
            headers = {}
            if etag:
                headers["ETag"] = etag
                if request.headers.get("If-None-Match") == etag:
                    return web.Response(status=304, headers=headers)
            if last_modified is not None:
                stamp = formatdate(last_modified, usegmt=True)
                headers["Last-Modified"] = stamp
                if request.headers.get("If-Modified-Since") == stamp:
                    return web.Response(status=304, headers=headers)
            return web.Response(body=body, headers={**headers, "Content-Type": content_type})
        return self.add(path, handler)

    # ------------------------------------------------------------------ misbehaviour
    def add_failing_then(self, path: str, body: bytes, failures: int, status: int = 500,
                         headers: dict[str, str] | None = None, content_type: str = "text/html") -> str:
        """`failures` answers with `status` (and `headers`), then the document."""
        async def handler(request: web.Request, n: int) -> web.StreamResponse:
            if n < failures:
                return web.Response(status=status, text="try later", headers=headers or {})
            return web.Response(body=body, content_type=content_type)
        return self.add(path, handler)

    def add_slow(self, path: str, seconds: float) -> str:
        """Headers at once, then a body that trickles for `seconds`."""
        async def handler(request: web.Request, _n: int) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(request)
            deadline = time.monotonic() + seconds
            try:
                while time.monotonic() < deadline:
                    await response.write(b"<p>slow</p>")
                    await asyncio.sleep(0.1)
                await response.write_eof()
            except (ConnectionError, RuntimeError):
                pass
            return response
        return self.add(path, handler)

    def add_redirect_loop(self, path: str) -> str:
        async def handler(request: web.Request, _n: int) -> web.StreamResponse:
            raise web.HTTPFound(location=path)
        return self.add(path, handler)

    def add_huge(self, path: str, size: int) -> str:
        """A page of `size` bytes, streamed without a Content-Length."""
        async def handler(request: web.Request, _n: int) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            sent = 0
            try:
                while sent < size:
                    await response.write(chunk)
                    sent += len(chunk)
                await response.write_eof()
            except (ConnectionError, RuntimeError):
                pass
            return response
        return self.add(path, handler)

    def add_gzip_bomb(self, path: str, inflated: int) -> str:
        """A small gzip body that inflates to `inflated` bytes, sent with Content-Encoding: gzip."""
        compressor = _gzip_zeros(inflated)

        async def handler(request: web.Request, _n: int) -> web.StreamResponse:
            return web.Response(body=compressor, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        return self.add(path, handler)
