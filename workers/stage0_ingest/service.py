"""The ingester: poll each source's feed on its interval, fetch new entries' pages, publish raw articles.

Exactly once: an entry's article id comes from its canonical URL (or GUID); before fetching, the
process claims the id on the state topic and fetches only if its claim holds (state.py); once the
article is on the raw topic it writes `published`. A failed fetch writes `failed` and the entry is
tried again at the source's next poll, from the state if the feed no longer lists it; after
`FRONTWIRE_INGEST_MAX_ATTEMPTS` polls, or at once for an error that waiting will not fix, it is
dead-lettered with stage `ingest`. A feed document that cannot be read is dead-lettered too (once
per distinct document). Nothing a feed or page does stops the ingester.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from workers.binder import Incoming, dead_letter_for
from workers.records import RawArticle, Rejection
from workers.settings import Settings
from workers.stage0_ingest.core import INGEST_STAGE, Page, raw_from_entry, raw_from_page
from workers.stage0_ingest.feeds import FeedEntry, parse_feed
from workers.stage0_ingest.fetch import FetchError, Fetcher, FetchPolicy
from workers.stage0_ingest.health import HealthEvent, record_entry_error, record_failure, record_success
from workers.stage0_ingest.metrics import IngestMetrics
from workers.stage0_ingest.sources import Source
from workers.stage0_ingest.state import CLAIMED, DEAD, FAILED, PUBLISHED, ArticleState, SourceState, source_key
from workers.stage0_ingest.store import StateStore
from workers.stage0_ingest.urls import article_id_for_entry
from workers.stage0_replay.publish import make_producer, send_raw
from workers.timeutil import parse_time, utc_now_iso
from workers.topics import TopicSpec

log = logging.getLogger(__name__)


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: str
    seen: int = 0  # entries in the feed (and failed ones retried from the state)
    published: int = 0
    already: int = 0  # published before, or being fetched by another process
    failed: int = 0  # tried again at the next poll
    dead_lettered: int = 0
    not_modified: bool = False
    feed_error: str | None = None

    def line(self) -> str:
        parts = [f"{self.source}: {self.seen} entries, {self.published} published, {self.already} already known"]
        if self.not_modified:
            parts.append("feed not modified")
        if self.failed:
            parts.append(f"{self.failed} failed (retried next poll)")
        if self.dead_lettered:
            parts.append(f"{self.dead_lettered} dead-lettered")
        if self.feed_error:
            parts.append(f"feed error: {self.feed_error}")
        return ", ".join(parts)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Ingester:
    """One ingest process: its HTTP client, producer, state store and metrics."""

    def __init__(self, settings: Settings, bootstrap: str, sources: list[Source], topics: dict[str, TopicSpec],
                 metrics: IngestMetrics | None = None) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.sources = sources
        self.topics = topics
        self.metrics = metrics or IngestMetrics.create()
        self.owner = _owner()
        self._producer: Any = None
        self.store: StateStore | None = None
        self.fetcher: Fetcher | None = None
        self._in_flight: set[str] = set()  # article ids this process is fetching (two feeds listing one article)

    async def __aenter__(self) -> "Ingester":
        self._producer = make_producer(self.settings, self.bootstrap)
        await self._producer.start()
        self.store = StateStore(self.settings, self.bootstrap, self.topics["ingest_state"], self._producer)
        await self.store.start()
        self.fetcher = Fetcher(FetchPolicy.from_settings(self.settings), on_retry=self._count_retry)
        await self.fetcher.__aenter__()
        self._retry_source: dict[str, str] = {}
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self.fetcher is not None:
            await self.fetcher.__aexit__()
        if self.store is not None:
            await self.store.stop()
        if self._producer is not None:
            await self._producer.stop()

    def _count_retry(self, url: str, exc: FetchError) -> None:
        source = self._retry_source.get(url)
        if source:
            self.metrics.errors.labels(source, exc.kind).inc()

    async def run_once(self) -> list[PollReport]:
        """Poll every source once, concurrently (hosts are still asked one request at a time)."""
        return list(await asyncio.gather(*(self.poll(s) for s in self.sources)))

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Poll every source on its interval until `stop` is set."""
        async def loop(source: Source) -> None:
            while not stop.is_set():
                started = time.monotonic()
                await self.poll(source)
                try:
                    await asyncio.wait_for(stop.wait(), max(0.0, source.interval_s - (time.monotonic() - started)))
                except asyncio.TimeoutError:
                    pass

        await asyncio.gather(*(loop(s) for s in self.sources))

    async def poll(self, source: Source) -> PollReport:
        """One poll of one source: feed, new entries, failed ones again; never raises for what a site does."""
        report = PollReport(source.name)
        try:
            await self._poll(source, report)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other sources
            log.exception("ingest poll error", extra={"source": source.name})
            self.metrics.errors.labels(source.name, "ingest_error").inc()
            report.feed_error = f"ingest_error: {type(exc).__name__}: {exc}"
        return report

    async def _poll(self, source: Source, report: PollReport) -> None:
        assert self.store is not None and self.fetcher is not None
        now = utc_now_iso()
        self.metrics.polls.labels(source.name).inc()
        self.metrics.last_poll.labels(source.name).set(parse_time(now).timestamp())
        known = self.store.state.sources.get(source.name)
        state = SourceState.from_record(known.to_record()) if known else SourceState(source.name, source.feed)
        if state.feed != source.feed:
            state.feed, state.etag, state.last_modified = source.feed, None, None
        entries: list[FeedEntry] = []
        self._retry_source[source.feed] = source.name
        try:
            response = await self.fetcher.get(source.feed, feed=True, etag=state.etag,
                                              last_modified=state.last_modified)
        except FetchError as exc:
            self.metrics.errors.labels(source.name, exc.kind).inc()
            report.feed_error = f"{exc.kind}: {exc}"
            self._health(source, record_failure(state, now, exc.kind, str(exc), self.settings.ingest_failing_log_s),
                         state)
        else:
            if response.status == 304:
                report.not_modified = True
                self.metrics.not_modified.labels(source.name).inc()
            else:
                parsed = parse_feed(response.body, response.url, response.headers.get("content-type"))
                entries = parsed.entries
                # validators of a document that gave nothing are not kept: a 304 to it is no success
                usable = entries or not parsed.problem
                state.etag = response.headers.get("etag") if usable else None
                state.last_modified = response.headers.get("last-modified") if usable else None
                if parsed.problem:
                    kind = "malformed_feed" if entries else "bad_feed"
                    self.metrics.errors.labels(source.name, kind).inc()
                    await self._dead_letter_document(source, state, kind, parsed.problem, response.body)
                    report.feed_error = f"{kind}: {parsed.problem}"
                    if not entries:
                        self._health(source, record_failure(state, now, kind, parsed.problem,
                                                            self.settings.ingest_failing_log_s), state)
            if report.feed_error is None or entries:
                self._health(source, record_success(state, now), state)
                self.metrics.last_success.labels(source.name).set(parse_time(now).timestamp())
        try:
            await self._entries(source, state, entries, report)
        finally:
            await self.store.settle(source_key(source.name), state)
        level = logging.INFO if report.published or report.dead_lettered else logging.DEBUG
        log.log(level, report.line(), extra={"source": source.name, "published": report.published,
                                             "seen": report.seen, "dead_lettered": report.dead_lettered})

    def _health(self, source: Source, event: HealthEvent | None, state: SourceState) -> None:
        if event is None:
            return
        error = state.last_error or {}
        fields = {"source": source.name, "feed": source.feed, "since": event.since, "kind": error.get("kind"),
                  "error": (error.get("detail") or "")[:300]}
        if event.kind == "failing":
            log.warning(f"source {source.name} is failing", extra=fields)
        elif event.kind == "failing_long":
            log.error(f"source {source.name} has been failing since {event.since}; not logged again until it "
                      "recovers", extra=fields)
        else:
            log.warning(f"source {source.name} recovered (failing since {event.since})", extra=fields)

    async def _entries(self, source: Source, state: SourceState, entries: list[FeedEntry],
                       report: PollReport) -> None:
        assert self.store is not None
        work: dict[str, FeedEntry] = {}
        for entry in entries:
            try:
                article_id = article_id_for_entry(entry.url, entry.guid)
            except ValueError:
                continue
            work.setdefault(article_id, entry)
        state.entries_seen += len(work)
        self.metrics.entries_seen.labels(source.name).inc(len(work))
        for article_id, pending in self.store.state.pending(source.name).items():
            if article_id not in work and pending.entry:
                work[article_id] = FeedEntry(**{k: pending.entry.get(k) for k in
                                                ("url", "guid", "title", "published_at", "language")})
        report.seen = len(work)
        for article_id, entry in work.items():
            await self._entry(source, state, article_id, entry, report)

    async def _entry(self, source: Source, state: SourceState, article_id: str, entry: FeedEntry,
                     report: PollReport) -> None:
        assert self.store is not None and self.fetcher is not None
        now_s = time.time()
        if article_id in self._in_flight or not self.store.state.may_claim(
                article_id, self.owner, now_s, self.settings.ingest_max_attempts):
            report.already += 1
            return
        self._in_flight.add(article_id)
        try:
            previous = self.store.state.articles.get(article_id)
            attempts = previous.attempts if previous is not None else 0
            claim = ArticleState(CLAIMED, self.owner, utc_now_iso(), attempts, source.name, entry.to_dict())
            if not await self.store.claim(article_id, claim):
                report.already += 1
                return
            outcome = await self._article(source, article_id, entry)
            if isinstance(outcome, RawArticle):
                await send_raw(self._producer, self.topics["raw"].name, article_id.encode(), outcome.to_dict())
                await self.store.settle(article_id, ArticleState(PUBLISHED, self.owner, utc_now_iso(), attempts + 1,
                                                                 source.name, entry.to_dict()))
                report.published += 1
                state.published += 1
                self.metrics.published.labels(source.name).inc()
                return
            kind, detail, transient = outcome
            record_entry_error(state, utc_now_iso(), kind, detail)
            self.metrics.errors.labels(source.name, kind).inc()
            attempts += 1
            if transient and attempts < self.settings.ingest_max_attempts:
                await self.store.settle(article_id, ArticleState(FAILED, self.owner, utc_now_iso(), attempts,
                                                                 source.name, entry.to_dict(), f"{kind}: {detail}"))
                report.failed += 1
                return
            if transient:
                detail = f"{detail} (failed in {attempts} polls)"
            await self._dead_letter(source, article_id, kind, detail, orjson.dumps({"source": source.name,
                                                                                    "feed": source.feed,
                                                                                    "article_id": article_id,
                                                                                    **entry.to_dict()}))
            await self.store.settle(article_id, ArticleState(DEAD, self.owner, utc_now_iso(), attempts, source.name,
                                                             entry.to_dict(), f"{kind}: {detail}"))
            report.dead_lettered += 1
        finally:
            self._in_flight.discard(article_id)

    async def _article(self, source: Source, article_id: str, entry: FeedEntry
                       ) -> RawArticle | tuple[str, str, bool]:
        """The raw article of an entry, or (error kind, detail, transient)."""
        assert self.fetcher is not None
        fetched_at = utc_now_iso()
        if not source.fetch_pages or not entry.url:
            if source.fetch_pages and not entry.url:
                return "no_link", f"entry {entry.guid!r} has no link to fetch", False
            result: RawArticle | Rejection = raw_from_entry(article_id, source.name, entry, source.language, fetched_at)
        else:
            self._retry_source[entry.url] = source.name
            try:
                response = await self.fetcher.get(entry.url)
            except FetchError as exc:
                return exc.kind, str(exc), exc.transient
            finally:
                self._retry_source.pop(entry.url, None)
            page = Page(response.body, response.content_type, response.charset, response.headers.get("last-modified"))
            result = raw_from_page(article_id, source.name, entry, page, source.language, fetched_at)
        if isinstance(result, Rejection):
            return result.reason, result.detail, False
        return result

    async def _dead_letter(self, source: Source, key: str, reason: str, detail: str, payload: bytes) -> None:
        record = dead_letter_for(INGEST_STAGE, Incoming(None, None, None, key.encode("utf-8"), payload),
                                 Rejection(reason, detail))
        await self._producer.send_and_wait(self.topics["deadletter"].name, orjson.dumps(record.to_dict()),
                                           key=key.encode("utf-8"))
        self.metrics.dead_lettered.labels(source.name, reason).inc()
        log.warning("dead-lettered", extra={"stage": INGEST_STAGE, "source": source.name, "reason": reason,
                                             "detail": detail[:200], "key": key})

    async def _dead_letter_document(self, source: Source, state: SourceState, kind: str, problem: str,
                                    body: bytes) -> None:
        """Dead-letter a bad feed document once per distinct document (a poll repeats the same one)."""
        digest = hashlib.sha256(body).hexdigest()[:32]
        if state.bad_document == digest:
            return
        state.bad_document = digest
        await self._dead_letter(source, f"{source_key(source.name)}:{digest}", kind, f"{source.feed}: {problem}", body)
