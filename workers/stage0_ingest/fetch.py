"""A polite HTTP client for feeds and pages (aiohttp, which faust already brings).

One request at a time per host and a least delay between two (a robots.txt Crawl-delay, or a
429/503 Retry-After, makes it longer); robots.txt honoured; conditional GET; gzip; a timeout over
the whole request; redirects followed by hand so that each hop is checked; bodies streamed and cut
at a byte limit (a gzip bomb is cut after decompression too); only http/https, and no private,
loopback or link-local address unless allowed (checked on the addresses the connection really uses);
retries with exponential backoff and full jitter for transient errors only.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
import urllib.robotparser
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from workers.settings import Settings
from workers.stage0_ingest.urls import BadURL, blocked_ip, check_url

log = logging.getLogger(__name__)

VERSION = "0.1.0"
UA_TOKEN = "frontwire"
ROBOTS_TTL_S = 3600.0  # a robots.txt read is trusted this long
ROBOTS_FAILED_TTL_S = 300.0  # an unreachable robots.txt (5xx, network) blocks the host this long, then is read again
ROBOTS_MAX_BYTES = 500_000
CHUNK = 65536
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
               "*/*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.5"


class FetchError(Exception):
    """A request that did not give a usable response: `kind` names it (metrics, dead letters)."""

    def __init__(self, kind: str, detail: str, *, transient: bool, retry_after: float | None = None) -> None:
        self.kind = kind
        self.transient = transient
        self.retry_after = retry_after
        super().__init__(detail)


class BlockedAddress(OSError):
    """Every address a host name resolves to is private, loopback or link-local."""


@dataclass(frozen=True)
class FetchPolicy:
    """How the ingester fetches (from Settings)."""

    user_agent: str
    host_delay_s: float = 2.0
    timeout_s: float = 20.0
    retries: int = 2
    backoff_s: float = 2.0
    max_retry_after_s: float = 120.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> "FetchPolicy":
        return cls(user_agent=user_agent(settings.ingest_contact), host_delay_s=settings.ingest_host_delay_s,
                   timeout_s=settings.ingest_timeout_s, retries=settings.ingest_retries,
                   backoff_s=settings.ingest_backoff_s, max_retry_after_s=settings.ingest_max_retry_after_s,
                   max_redirects=settings.ingest_max_redirects, max_bytes=settings.max_raw_bytes,
                   allow_private=settings.ingest_allow_private)


def user_agent(contact: str) -> str:
    """`frontwire/VERSION (+CONTACT)`: names the crawler and whom to write to."""
    return f"{UA_TOKEN}/{VERSION} (+{contact})" if contact else f"{UA_TOKEN}/{VERSION}"


@dataclass
class Response:
    """A response the ingester can use (2xx, or 304 for a conditional GET)."""

    url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"\'')
        return None


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def backoff_delay(attempt: int, base_s: float, rng: Callable[[], float] = random.random, cap_s: float = 60.0) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng() * min(cap_s, base_s * (2 ** attempt))


def _guarded_resolver(allow_private: bool) -> Any:
    from aiohttp import ThreadedResolver

    class GuardedResolver(ThreadedResolver):
        """Drops private, loopback and link-local addresses, so a host name cannot point inside."""

        async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
            results = await super().resolve(host, port, family)
            if allow_private:
                return results
            kept = [r for r in results if not blocked_ip(r["host"])]
            if not kept:
                raise BlockedAddress(f"{host} resolves only to private, loopback or link-local addresses "
                                     "(FRONTWIRE_INGEST_ALLOW_PRIVATE=1 allows them)")
            return kept

    return GuardedResolver()


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0  # monotonic time before which no request goes to this host
    delay_s: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_ok: bool = True  # False: robots.txt was unreachable, nothing may be fetched until it is read again
    robots_until: float = 0.0


class Fetcher:
    """Polite GETs; one per ingest process (per-host slots are shared by every source)."""

    def __init__(self, policy: FetchPolicy, *, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 on_retry: Callable[[str, FetchError], None] | None = None) -> None:
        self.policy = policy
        self._sleep = sleep
        self._on_retry = on_retry
        self._hosts: dict[str, _Host] = {}
        self._session: Any = None

    async def __aenter__(self) -> "Fetcher":
        import aiohttp

        connector = aiohttp.TCPConnector(resolver=_guarded_resolver(self.policy.allow_private), limit=32,
                                         ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            connector=connector, headers={"User-Agent": self.policy.user_agent},
            timeout=aiohttp.ClientTimeout(total=self.policy.timeout_s, sock_connect=min(10.0, self.policy.timeout_s)),
            auto_decompress=True, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"
        if key not in self._hosts:
            self._hosts[key] = _Host(delay_s=self.policy.host_delay_s)
        return self._hosts[key]

    async def get(self, url: str, *, feed: bool = False, etag: str | None = None,
                  last_modified: str | None = None) -> Response:
        """GET `url` politely, retrying transient errors; raises FetchError."""
        headers = {"Accept": FEED_ACCEPT if feed else PAGE_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                await self._allowed(url)
                return await self._follow(url, headers)
            except FetchError as exc:
                if not exc.transient or attempt >= self.policy.retries:
                    raise
                if exc.retry_after is not None and exc.retry_after > self.policy.max_retry_after_s:
                    raise  # the host asks for longer than a poll waits: a later poll tries again
                delay = exc.retry_after if exc.retry_after is not None else backoff_delay(attempt, self.policy.backoff_s)
                if self._on_retry is not None:
                    self._on_retry(url, exc)
                log.debug("retrying a request", extra={"url": url, "kind": exc.kind, "delay_s": round(delay, 2)})
                attempt += 1
                await self._sleep(delay)

    async def _follow(self, url: str, headers: dict[str, str]) -> Response:
        for _ in range(self.policy.max_redirects + 1):
            response = await self._once(url, headers)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError("bad_redirect", f"{response.status} without a Location from {url}", transient=False)
                url = urljoin(url, location)
                await self._allowed(url)
                continue
            return response
        raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} redirects (last {url})",
                         transient=False)

    async def _once(self, url: str, headers: dict[str, str], max_bytes: int | None = None) -> Response:
        """One request (no redirect followed), in the host's slot; raises FetchError."""
        import aiohttp

        try:
            check_url(url, self.policy.allow_private)
        except BadURL as exc:
            raise FetchError(exc.kind, str(exc), transient=False) from exc
        limit = self.policy.max_bytes if max_bytes is None else max_bytes
        host = self._host(url)
        async with host.lock:
            wait = host.next_at - time.monotonic()
            if wait > 0:
                await self._sleep(wait)
            try:
                async with asyncio.timeout(self.policy.timeout_s):
                    async with self._session.get(url, headers=headers, allow_redirects=False) as resp:
                        response = Response(str(resp.url), resp.status, {k.lower(): v for k, v in resp.headers.items()})
                        if resp.status == 200:
                            response.body = await self._read(resp, limit, url)
            except FetchError:
                raise
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, BlockedAddress):
                    raise FetchError("blocked_address", str(exc.os_error), transient=False) from exc
                raise FetchError("connection", f"{type(exc).__name__}: {exc}", transient=True) from exc
            except (TimeoutError, asyncio.TimeoutError) as exc:
                raise FetchError("timeout", f"no complete answer within {self.policy.timeout_s:g}s from {url}",
                                 transient=True) from exc
            except aiohttp.ClientPayloadError as exc:
                raise FetchError("bad_body", f"{type(exc).__name__}: {exc}"[:300], transient=True) from exc
            except (aiohttp.ClientError, OSError) as exc:
                raise FetchError("connection", f"{type(exc).__name__}: {exc}"[:300], transient=True) from exc
            finally:
                host.next_at = max(host.next_at, time.monotonic() + host.delay_s)
            if response.status in (429, 503):
                pause = retry_after_s(response.headers.get("retry-after"))
                if pause is not None:
                    host.next_at = max(host.next_at, time.monotonic() + min(pause, self.policy.max_retry_after_s))
        return _classify(response)

    async def _read(self, resp: Any, limit: int, url: str) -> bytes:
        """The body, streamed (decompressed) and refused past `limit` bytes."""
        declared = resp.content_length
        if declared is not None and declared > limit and "content-encoding" not in resp.headers:
            raise FetchError("too_large", f"{url} declares {declared} bytes, more than {limit}", transient=False)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > limit:
                raise FetchError("too_large", f"{url} is larger than {limit} bytes (FRONTWIRE_MAX_RAW_BYTES); "
                                              "stopped reading", transient=False)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _allowed(self, url: str) -> None:
        """Raise FetchError unless the host's robots.txt lets frontwire fetch `url`."""
        host = self._host(url)
        async with host.robots_lock:
            if host.robots_until <= time.monotonic():
                await self._read_robots(url, host)
        if not host.robots_ok:
            raise FetchError("robots_unavailable", f"robots.txt of {urlsplit(url).netloc} could not be read; "
                                                   "nothing is fetched from it until it can", transient=True)
        if host.robots is not None and not host.robots.can_fetch(UA_TOKEN, url):
            raise FetchError("robots_disallowed", f"robots.txt disallows {url} for {UA_TOKEN}", transient=False)

    async def _read_robots(self, url: str, host: _Host) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        status: int | None = None
        body = b""
        try:
            for _ in range(self.policy.max_redirects + 1):
                try:
                    resp = await self._once(robots_url, {"Accept": "text/plain"}, max_bytes=ROBOTS_MAX_BYTES)
                except FetchError as exc:
                    if exc.kind.startswith("http_"):
                        status = int(exc.kind[5:])
                        break
                    raise
                if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("location"):
                    robots_url = urljoin(robots_url, resp.headers["location"])
                    continue
                status, body = resp.status, resp.body
                break
        except FetchError as exc:
            if exc.kind in ("blocked_address", "bad_url"):
                raise
            status = None
        now = time.monotonic()
        if status is not None and 200 <= status < 300:
            parser = urllib.robotparser.RobotFileParser()
            parser.parse(body.decode("utf-8", "replace").splitlines())
            host.robots, host.robots_ok, host.robots_until = parser, True, now + ROBOTS_TTL_S
            delay = parser.crawl_delay(UA_TOKEN)
            host.delay_s = max(self.policy.host_delay_s, float(delay or 0))
        elif status is not None and 400 <= status < 500:
            # RFC 9309: robots.txt "unavailable" (4xx) means no rules
            host.robots, host.robots_ok, host.robots_until = None, True, now + ROBOTS_TTL_S
        else:
            # "unreachable" (5xx, network): assume everything is disallowed, and ask again later
            host.robots, host.robots_ok, host.robots_until = None, False, now + ROBOTS_FAILED_TTL_S


def _classify(response: Response) -> Response:
    """The response if usable (200, 304, a redirect); FetchError otherwise, transient or not."""
    status = response.status
    if status in (200, 304) or status in (301, 302, 303, 307, 308):
        return response
    retry_after = retry_after_s(response.headers.get("retry-after"))
    if status == 429 or status == 503:
        said = f" (Retry-After {retry_after:g}s)" if retry_after is not None else ""
        raise FetchError(f"http_{status}", f"{status} from {response.url}{said}", transient=True,
                         retry_after=retry_after)
    if status >= 500 or status == 408:
        raise FetchError(f"http_{status}", f"{status} from {response.url}", transient=True)
    raise FetchError(f"http_{status}", f"{status} from {response.url}", transient=False)
