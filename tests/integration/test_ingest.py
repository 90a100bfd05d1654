"""Live ingestion on a real broker against a local server that misbehaves on purpose.

Every fault case of issue 17 in one feed set: a 500 then the page, a page failing a whole poll then
working (retried at the next poll), 429 with Retry-After, a body slower than the timeout, a
redirect loop, a 30 MB page, a gzip bomb, a robots.txt-disallowed page, malformed XML, a document
that is no feed, a windows-1251 feed, one article under two URLs (utm_source), one entry in two
feeds. The ingester stays alive (its /healthz answers, a second poll runs), every bad thing is
counted on /metrics and dead-lettered where it cannot be retried, every good entry is published once.
"""

from __future__ import annotations

import asyncio
import resource
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import read_all_async, read_json
from tests.integration.feedserver import FeedServer, atom, news_sitemap, rss
from workers.schemas import validate
from workers.settings import Settings
from workers.stage0_ingest.metrics import IngestMetrics
from workers.stage0_ingest.service import Ingester
from workers.stage0_ingest.sources import Source
from workers.stage0_ingest.web import start_web
from workers.topics import TopicSpec

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "html"
DELAY_S = 0.03
TIMEOUT_S = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _page(title: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{title}: a test article written for the ingest tests, long enough to be a page.</p>"
            "</article></body></html>").encode()


def _ingest_settings(settings: Settings, **over: Any) -> Settings:
    base = dict(ingest_allow_private=True, ingest_host_delay_s=DELAY_S, ingest_timeout_s=TIMEOUT_S,
                ingest_retries=1, ingest_backoff_s=0.05, ingest_max_retry_after_s=5.0, ingest_max_redirects=3,
                ingest_max_attempts=3, max_raw_bytes=2_000_000, ingest_contact="ops@frontwire.test")
    return replace(settings, **{**base, **over})


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status, await response.text()


def _published(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec]) -> list[dict[str, Any]]:
    messages = read_json(settings, bootstrap, topics["raw"])
    for m in messages:
        validate(settings.schemas_dir, "raw_article", m)
    return messages


def _serve_faults(srv: FeedServer) -> tuple[list[Source], set[str]]:
    """The feeds and pages of the fault cases; the sources, and the URLs that must be published once each."""
    corpus = sorted(CORPUS.glob("p0*.html"))[:2]
    good = {
        "/corpus/0": (corpus[0].read_bytes(), "text/html; charset=utf-8"),
        "/corpus/1": (corpus[1].read_bytes(), "text/html"),
        "/a/plain": (_page("Plain"), "text/html"),
        "/a/shared": (_page("Listed by two feeds"), "text/html"),
        "/a/tracked": (_page("Tracked"), "text/html"),
        "/a/cyrillic": ("<html><body><p>Звільнення Ізюма: тестова сторінка.</p></body></html>".encode("cp1251"),
                        "text/html; charset=windows-1251"),
        "/a/atom": (_page("Atom"), "text/html"),
        "/a/sitemap": (_page("Sitemap"), "text/html"),
        "/a/malformed-ok": (_page("Before the XML breaks"), "text/html"),
    }
    for path, (body, ctype) in good.items():
        srv.add_bytes(path, body, ctype)
    srv.add_failing_then("/a/500-once", _page("Five hundred once"), failures=1)
    srv.add_failing_then("/a/flaky", _page("Fails a whole poll"), failures=2)
    srv.add_failing_then("/a/429", _page("Too many requests"), failures=1, status=429, headers={"Retry-After": "1"})
    srv.add_slow("/a/slow", seconds=TIMEOUT_S * 3)
    srv.add_redirect_loop("/a/loop")
    srv.add_huge("/a/huge", 30_000_000)
    srv.add_gzip_bomb("/a/bomb", 300_000_000)
    srv.add_bytes("/private/secret", _page("Disallowed"))

    def item(path: str, title: str, date: str = "Sat, 10 Sep 2022 14:00:00 GMT") -> dict[str, str]:
        return {"title": title, "link": srv.url(path), "pubDate": date}

    main_items = [item("/corpus/0", "c0"), item("/corpus/1", "c1"), item("/a/plain", "plain"),
                  item("/a/shared", "shared"), item("/a/tracked", "tracked"),
                  {**item("/a/tracked", "tracked again"), "link": srv.url("/a/tracked?utm_source=rss&amp;utm_medium=x")},
                  item("/a/500-once", "500"), item("/a/flaky", "flaky"), item("/a/429", "429"),
                  item("/a/slow", "slow"), item("/a/loop", "loop"), item("/a/huge", "huge"), item("/a/bomb", "bomb"),
                  item("/private/secret", "robots")]
    srv.add_bytes("/feeds/main.xml", rss(main_items), "application/rss+xml", etag='"main-1"')
    srv.add_bytes("/feeds/other.xml", atom([{"title": "shared", "link": srv.url("/a/shared"), "id": "urn:other:1",
                                             "updated": "2022-09-10T15:00:00Z"},
                                            {"title": "atom", "link": srv.url("/a/atom"), "id": "urn:other:2",
                                             "updated": "2022-09-10T15:00:00Z"}]),
                  "application/atom+xml", last_modified=1662822000.0)
    srv.add_bytes("/feeds/cp1251.xml", rss([{"title": "Ізюм", "link": srv.url("/a/cyrillic")}], encoding="windows-1251",
                                           language="uk"), "application/rss+xml")
    srv.add_bytes("/feeds/sitemap.xml", news_sitemap([(srv.url("/a/sitemap"), "s", "2022-09-10T16:00:00Z")]),
                  "application/xml")
    broken = rss([item("/a/malformed-ok", "ok")])
    srv.add_bytes("/feeds/malformed.xml", broken[: broken.index(b"</channel>")] + b"<item><title>cut", "text/xml")
    srv.add_bytes("/feeds/garbage.xml", b"<html><body>this is an error page, not a feed</body></html>", "text/html")
    sources = [Source("main", srv.url("/feeds/main.xml"), "en"), Source("other", srv.url("/feeds/other.xml")),
               Source("cyrillic", srv.url("/feeds/cp1251.xml")), Source("sitemap", srv.url("/feeds/sitemap.xml")),
               Source("malformed", srv.url("/feeds/malformed.xml")), Source("garbage", srv.url("/feeds/garbage.xml"))]
    expected = {srv.url(p) for p in [*good, "/a/500-once", "/a/429"]}
    return sources, expected


def test_every_fault_is_survived_counted_and_every_good_entry_published_once(settings, bootstrap, topics):
    settings = _ingest_settings(settings, web_port=_free_port())
    with FeedServer() as srv:
        sources, expected = _serve_faults(srv)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        async def go() -> tuple[Any, ...]:
            metrics = IngestMetrics.create()
            web = await start_web("127.0.0.1", settings.web_port, metrics, [s.name for s in sources])
            try:
                async with Ingester(settings, bootstrap, sources, topics, metrics) as ingester:
                    first = await ingester.run_once()
                    after_first = [orjson.loads(v) for _, v in await read_all_async(settings, bootstrap, topics["raw"])]
                    second = await ingester.run_once()
                    health = await _get(f"http://127.0.0.1:{settings.web_port}/healthz")
                    _, text = await _get(f"http://127.0.0.1:{settings.web_port}/metrics")
                    return first, after_first, second, health, text
            finally:
                await web.cleanup()

        first, after_first, second, health, text = asyncio.run(go())
        rss_grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024

        # alive: the second poll ran and the endpoint answers
        assert health[0] == 200 and orjson.loads(health[1])["status"] == "ok"
        by_name = {r.source: r for r in second}
        assert set(by_name) == {s.name for s in sources}
        # every good entry once; the one that failed a whole poll only after the second
        published = _published(settings, bootstrap, topics)
        urls = [m["url"] for m in published]
        assert len(urls) == len(set(urls)) and len({m["article_id"] for m in published}) == len(published)
        assert {m["url"] for m in after_first} == expected
        assert set(urls) == expected | {srv.url("/a/flaky")}
        assert srv.url("/a/tracked?utm_source=rss&utm_medium=x") not in urls
        assert srv.count("/a/shared") == 1 and srv.count("/a/tracked") == 1  # fetched once, under two feeds / URLs
        cyr = next(m for m in published if m["url"] == srv.url("/a/cyrillic"))
        assert "Звільнення Ізюма" in cyr["body"] and cyr["source"] == "cyrillic" and cyr["language"] == "uk"
        assert next(m for m in published if m["url"] == srv.url("/a/plain"))["published_at"] == "2022-09-10T14:00:00Z"
        assert by_name["main"].published == 1 and srv.count("/a/flaky") == 3  # 2 failures in poll 1, then the page
        # the second poll: conditional GETs answered 304, nothing new but the flaky page
        assert by_name["main"].not_modified and by_name["other"].not_modified
        assert sum(r.published for r in second) == 1
        main_hits = [h for h in srv.hits if h.path == "/feeds/main.xml"]
        assert main_hits[1].headers.get("if-none-match") == '"main-1"' and main_hits[1].status == 304
        other_hits = [h for h in srv.hits if h.path == "/feeds/other.xml"]
        assert other_hits[1].headers.get("if-modified-since") and other_hits[1].status == 304

        # counted on /metrics
        counted = {kind: _metric(text, "frontwire_ingest_errors_total", kind=kind)
                   for kind in ("http_500", "http_429", "timeout", "too_many_redirects", "too_large",
                                "robots_disallowed", "malformed_feed", "bad_feed")}
        assert all(n >= 1 for n in counted.values()), counted
        assert counted["too_large"] >= 2  # the 30 MB page and the gzip bomb
        assert _metric(text, "frontwire_ingest_articles_published_total") == len(urls)
        assert _metric(text, "frontwire_ingest_articles_published_total", source="cyrillic") == 1
        assert _metric(text, "frontwire_ingest_entries_seen_total", source="main") > 0
        assert _metric(text, "frontwire_ingest_last_success_timestamp_seconds", source="main") > 0
        assert _metric(text, "frontwire_ingest_not_modified_total", source="main") == 1

        # dead letters, stage ingest, with the reason and the original entry or document
        dead = [d for d in read_json(settings, bootstrap, topics["deadletter"]) if d["stage"] == "ingest"]
        reasons = sorted(d["reason"] for d in dead)
        assert reasons == sorted(["too_many_redirects", "too_large", "too_large", "robots_disallowed", "bad_feed",
                                  "malformed_feed"]), [(d["reason"], d["key"], d["detail"]) for d in dead]
        for d in dead:
            validate(settings.schemas_dir, "dead_letter", d)
            assert d["payload"] or d["payload_base64"]
        loop = next(d for d in dead if d["reason"] == "too_many_redirects")
        assert orjson.loads(loop["payload"])["url"] == srv.url("/a/loop") and loop["key"]

        # polite: one request at a time, the delay between two, robots.txt, the User-Agent, Retry-After
        assert srv.max_active == 1
        ordered = sorted(srv.hits, key=lambda h: h.started)
        # (from start to start: the server's end of an aborted response is later than the client's)
        gaps = [b.started - a.started for a, b in zip(ordered, ordered[1:])]
        assert min(gaps) >= DELAY_S * 0.9, min(gaps)
        assert srv.count("/private/secret") == 0 and srv.count("/robots.txt") >= 1
        assert all(h.headers["user-agent"] == "frontwire/0.1.0 (+ops@frontwire.test)" for h in srv.hits)
        limited = [h for h in srv.hits if h.path == "/a/429"]
        assert limited[0].status == 429 and limited[1].started - limited[0].ended >= 0.95
        # a 30 MB page and a 300 MB gzip bomb were cut, not held
        assert rss_grew_mb < 120, rss_grew_mb


def test_slow_pages_are_retried_at_later_polls_then_dead_lettered(settings, bootstrap, topics):
    settings = _ingest_settings(settings, ingest_max_attempts=2)
    with FeedServer() as srv:
        srv.add_slow("/a/slow", seconds=TIMEOUT_S * 3)
        srv.add_bytes("/feeds/f.xml", rss([{"title": "slow", "link": srv.url("/a/slow")}]), "application/rss+xml")
        sources = [Source("s", srv.url("/feeds/f.xml"))]

        async def go() -> list[Any]:
            async with Ingester(settings, bootstrap, sources, topics) as ingester:
                return [await ingester.run_once() for _ in range(3)]

        polls = asyncio.run(go())
    assert [(r[0].failed, r[0].dead_lettered, r[0].already) for r in polls] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    (dead,) = [d for d in read_json(settings, bootstrap, topics["deadletter"]) if d["stage"] == "ingest"]
    assert dead["reason"] == "timeout" and "failed in 2 polls" in dead["detail"]
    assert read_json(settings, bootstrap, topics["raw"]) == []


def _poll_broken_feed_twice(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec],
                            **validators: Any) -> tuple[Any, Any, Any, list[Any]]:
    """Two polls, back to back, of a feed that serves an error page: both reports, the source's folded
    state after them, and the server's hits on the feed."""
    settings = _ingest_settings(settings, ingest_host_delay_s=0.0)
    with FeedServer() as srv:
        srv.add_bytes("/feeds/f.xml", b"<html><body>an error page</body></html>", "text/html", **validators)
        sources = [Source("broken", srv.url("/feeds/f.xml"))]

        async def go() -> tuple[list[Any], Any]:
            async with Ingester(settings, bootstrap, sources, topics) as ingester:
                polls = [(await ingester.run_once())[0] for _ in range(2)]
                assert ingester.store is not None
                return polls, ingester.store.state.sources["broken"]

        (first, second), state = asyncio.run(go())
        return first, second, state, [h for h in srv.hits if h.path == "/feeds/f.xml"]


def test_a_poll_starts_from_what_the_previous_poll_of_its_source_wrote(settings, bootstrap, topics):
    """The source's record is folded before the poll ends: the next poll, however soon, counts on from it
    (one failing streak, one dead letter for the same document)."""
    first, second, state, _ = _poll_broken_feed_twice(settings, bootstrap, topics)
    assert first.feed_error and first.feed_error.startswith("bad_feed")
    assert second.feed_error and second.feed_error.startswith("bad_feed")
    assert state.errors == {"bad_feed": 2} and state.last_success is None
    assert state.failing_since is not None and state.failing_since < state.last_error["at"]
    dead = [d for d in read_json(settings, bootstrap, topics["deadletter"]) if d["stage"] == "ingest"]
    assert [d["reason"] for d in dead] == ["bad_feed"]  # the same document again is not dead-lettered again


def test_a_feed_that_cannot_be_read_is_not_taken_as_recovered_by_a_304(settings, bootstrap, topics):
    """An error page served with validators: they are not kept, so the next poll reads it again and the
    source stays failing (a 304 would have counted as a success and logged it recovered)."""
    first, second, state, hits = _poll_broken_feed_twice(settings, bootstrap, topics, etag='"err-1"',
                                                         last_modified=1662822000.0)
    assert first.feed_error and first.feed_error.startswith("bad_feed")
    assert not second.not_modified and second.feed_error and second.feed_error.startswith("bad_feed")
    assert "if-none-match" not in hits[1].headers and "if-modified-since" not in hits[1].headers
    assert state.errors == {"bad_feed": 2} and state.last_success is None and state.failing_since is not None


def test_a_restart_and_a_second_process_publish_nothing_twice(settings, bootstrap, topics):
    settings = _ingest_settings(settings, ingest_host_delay_s=0.0)
    with FeedServer() as srv:
        items = []
        for i in range(12):
            srv.add_bytes(f"/a/{i}", _page(f"Article {i}"))
            items.append({"title": str(i), "link": srv.url(f"/a/{i}")})
        srv.add_bytes("/feeds/f.xml", rss(items), "application/rss+xml")
        sources = [Source("s", srv.url("/feeds/f.xml"))]

        async def two_at_once() -> list[int]:
            async with Ingester(settings, bootstrap, sources, topics) as one, \
                    Ingester(settings, bootstrap, sources, topics) as two:
                reports = await asyncio.gather(one.run_once(), two.run_once())
            return [r[0].published for r in reports]

        async def restarted() -> int:
            async with Ingester(settings, bootstrap, sources, topics) as again:
                return (await again.run_once())[0].published

        counts = asyncio.run(two_at_once())
        again = asyncio.run(restarted())
    published = read_json(settings, bootstrap, topics["raw"])
    assert sum(counts) == 12 and again == 0
    assert sorted(m["url"] for m in published) == sorted(srv.url(f"/a/{i}") for i in range(12))
    assert all(srv.count(f"/a/{i}") == 1 for i in range(12))


def test_private_addresses_are_refused_unless_allowed(settings, bootstrap, topics):
    settings = _ingest_settings(settings, ingest_allow_private=False)
    with FeedServer() as srv:
        srv.add_bytes("/feeds/f.xml", rss([]), "application/rss+xml")
        sources = [Source("local", srv.url("/feeds/f.xml")),
                   Source("named", f"http://localhost:{srv.port}/feeds/f.xml")]

        async def go() -> tuple[list[Any], IngestMetrics]:
            metrics = IngestMetrics.create()
            async with Ingester(settings, bootstrap, sources, topics, metrics) as ingester:
                return await ingester.run_once(), metrics

        reports, metrics = asyncio.run(go())
    assert srv.hits == []
    assert all(r.feed_error and r.feed_error.startswith("blocked_address") for r in reports)
    assert metrics.errors.labels("local", "blocked_address")._value.get() == 1
