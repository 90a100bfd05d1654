"""Live ingestion, pure parts: sources file, canonical URLs and ids, feeds, pages, state fold, health."""

from __future__ import annotations

import pytest

from workers.records import RawArticle, Rejection
from workers.stage0_ingest.core import Page, page_date, raw_from_entry, raw_from_page
from workers.stage0_ingest.feeds import FeedEntry, parse_feed
from workers.stage0_ingest.fetch import backoff_delay, retry_after_s, user_agent
from workers.stage0_ingest.health import record_failure, record_success
from workers.stage0_ingest.sources import SourcesError, load_sources, parse_sources
from workers.stage0_ingest.state import CLAIMED, DEAD, FAILED, PUBLISHED, ArticleState, IngestState, SourceState
from workers.stage0_ingest.urls import BadURL, article_id_for_entry, canonical_url, check_url
from workers.settings import PROJECT_ROOT

# ---------------------------------------------------------------- sources


def test_a_source_gets_its_defaults():
    (s,) = parse_sources({"sources": [{"name": "kyiv-independent", "feed": "https://example.org/rss/"}]})
    assert (s.name, s.feed, s.language, s.fetch_pages, s.interval_s) == (
        "kyiv-independent", "https://example.org/rss/", None, True, 300.0)


def test_every_bad_entry_is_named_with_its_key_and_why():
    with pytest.raises(SourcesError) as caught:
        parse_sources({"sources": [
            {"name": "a", "feed": "ftp://x/"},
            {"name": "b", "feed": "https://x/", "interval_s": "often", "fetch_pages": "yes", "colour": 1},
            {"name": "a", "feed": "https://y/"},
            "just a string",
        ]})
    problems = caught.value.problems
    assert any("source 'a'" in p and "'feed'" in p and "http or https" in p for p in problems)
    assert any("source 'b'" in p and "'interval_s'" in p for p in problems)
    assert any("source 'b'" in p and "'fetch_pages'" in p for p in problems)
    assert any("source 'b'" in p and "unknown key 'colour'" in p for p in problems)
    assert any("'name' is used twice" in p for p in problems)
    assert any("sources[3]" in p for p in problems)


def test_the_example_file_parses_and_says_it_lists_nothing_yet():
    text = (PROJECT_ROOT / "sources.yaml").read_text()
    assert "kyiv-independent" in text and "#    feed: https://" in text  # real outlets, commented out
    with pytest.raises(SourcesError, match="no sources listed"):
        load_sources(PROJECT_ROOT / "sources.yaml")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- urls


def test_canonical_url_drops_tracking_fragment_and_case():
    assert canonical_url("HTTPS://Example.ORG:443/a/b?utm_source=rss&id=7&fbclid=x#top") == "https://example.org/a/b?id=7"
    assert canonical_url("http://example.org") == "http://example.org/"
    assert canonical_url("http://example.org:8080/x") == "http://example.org:8080/x"


def test_one_article_under_two_urls_has_one_id_and_a_guid_is_used_without_a_link():
    assert article_id_for_entry("https://e.org/a?utm_medium=x", None) == article_id_for_entry("https://E.org/a#c", "g")
    assert article_id_for_entry(None, "urn:1") != article_id_for_entry(None, "urn:2")
    with pytest.raises(ValueError):
        article_id_for_entry(None, None)


@pytest.mark.parametrize("url,kind", [("file:///etc/passwd", "bad_url"), ("http://127.0.0.1/x", "blocked_address"),
                                      ("http://10.1.2.3/", "blocked_address"), ("http://[::1]/", "blocked_address"),
                                      ("http://169.254.169.254/latest", "blocked_address"),
                                      ("http://localhost:8080/", "blocked_address")])
def test_only_public_http_addresses_are_fetched(url, kind):
    with pytest.raises(BadURL) as caught:
        check_url(url, allow_private=False)
    assert caught.value.kind == kind
    if kind == "blocked_address":
        assert check_url(url, allow_private=True) == url


# ---------------------------------------------------------------- feeds


RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><language>en-gb</language>
<item><title>One</title><link>https://e.org/one?utm_source=rss</link><guid isPermaLink="false">g1</guid>
<pubDate>Sat, 10 Sep 2022 14:00:00 GMT</pubDate><description>Short</description></item>
<item><title>Two</title><guid isPermaLink="true">https://e.org/two</guid></item>
<item><title>No address</title></item>
</channel></rss>"""


def test_rss_entries_with_dates_language_and_guid_links():
    feed = parse_feed(RSS, "https://e.org/rss")
    assert feed.kind == "rss" and feed.problem is None
    assert [e.url for e in feed.entries] == ["https://e.org/one?utm_source=rss", "https://e.org/two"]
    assert feed.entries[0].published_at == "2022-09-10T14:00:00Z" and feed.entries[0].language == "en"
    assert feed.entries[0].guid == "g1" and feed.entries[0].content_html == "Short"


def test_atom_and_a_news_sitemap():
    doc = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>'
           b'<updated>2022-09-10T00:00:00Z</updated><entry><title>A</title><link href="/a"/><id>urn:a</id>'
           b'<updated>2022-09-10T18:00:00+03:00</updated></entry></feed>')
    atom = parse_feed(doc, "https://e.org/atom.xml")
    assert atom.kind == "atom" and [(e.url, e.published_at) for e in atom.entries] == [
        ("https://e.org/a", "2022-09-10T15:00:00Z")]
    sitemap = parse_feed(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                         b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://e.org/s</loc>'
                         b'<news:news><news:publication><news:language>uk</news:language></news:publication>'
                         b'<news:publication_date>2022-09-10</news:publication_date><news:title>S</news:title>'
                         b'</news:news></url></urlset>', "https://e.org/sitemap.xml")
    assert sitemap.kind == "sitemap" and sitemap.entries == [
        FeedEntry("https://e.org/s", None, "S", "2022-09-10T00:00:00Z", "uk")]


def test_windows_1251_feed_is_decoded():
    doc = ('<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item>'
           '<title>Звільнення Ізюма</title><link>https://e.org/izium</link></item></channel></rss>').encode("cp1251")
    (entry,) = parse_feed(doc, "https://e.org/rss", "application/rss+xml").entries
    assert entry.title == "Звільнення Ізюма"


def test_malformed_documents_say_what_is_wrong():
    broken = parse_feed(RSS[: RSS.index(b"<item><title>Two")] + b"<item><title>Tw", "https://e.org/rss")
    assert broken.problem and [e.url for e in broken.entries] == ["https://e.org/one?utm_source=rss"]
    garbage = parse_feed(b"this is not a feed", "https://e.org/rss")
    assert garbage.entries == [] and garbage.problem
    bad_sitemap = parse_feed(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x', "https://e.org/s")
    assert bad_sitemap.entries == [] and "XMLSyntaxError" in (bad_sitemap.problem or "")


def test_an_entity_bomb_is_not_expanded():
    doc = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
           b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.org/&b;</loc></url></urlset>')
    feed = parse_feed(doc, "https://e.org/s")
    assert all("aaaaaaaaaa" not in (e.url or "") for e in feed.entries)


# ---------------------------------------------------------------- pages


ENTRY = FeedEntry("https://e.org/one", "g1", "One", None, None, "<p>Feed text</p>")


def test_a_page_becomes_the_raw_article_replay_would_publish():
    page = Page(b'<html><head><meta property="article:published_time" content="2022-09-10T18:00:00+03:00">'
                b"</head><body><p>Text</p></body></html>", "text/html", "utf-8")
    raw = raw_from_page("id1", "src", ENTRY, page, "en", "2024-01-01T00:00:00Z")
    assert isinstance(raw, RawArticle)
    assert raw.to_dict() == {"article_id": "id1", "source": "src", "url": "https://e.org/one",
                             "published_at": "2022-09-10T15:00:00Z", "content_type": "text/html",
                             "body": page.body.decode(), "language": "en"}


def test_page_dates_fall_back_from_entry_to_page_to_last_modified_to_fetch_time():
    entry_dated = FeedEntry("https://e.org/x", published_at="2022-01-01T00:00:00Z")
    plain = Page(b"<html><body>no date</body></html>", "text/html", None, "Sat, 10 Sep 2022 14:00:00 GMT")
    assert raw_from_page("i", "s", entry_dated, plain, None, "2030-01-01T00:00:00Z").published_at == "2022-01-01T00:00:00Z"
    assert raw_from_page("i", "s", ENTRY, plain, None, "2030-01-01T00:00:00Z").published_at == "2022-09-10T14:00:00Z"
    undated = Page(b"<html><body>no date</body></html>", "text/html")
    assert raw_from_page("i", "s", ENTRY, undated, None, "2030-01-01T00:00:00Z").published_at == "2030-01-01T00:00:00Z"
    assert page_date(b'<time class="x" datetime="2022-09-11T08:00:00Z">') == "2022-09-11T08:00:00Z"


def test_a_declared_charset_is_applied_and_unknown_bytes_stay_base64():
    text = "<p>Ізюм звільнено</p>"
    raw = raw_from_page("i", "s", ENTRY, Page(text.encode("cp1251"), "text/html", "windows-1251"), None, "2022-01-01T00:00:00Z")
    assert isinstance(raw, RawArticle) and raw.body == text
    raw = raw_from_page("i", "s", ENTRY, Page(text.encode("cp1251"), "text/html"), None, "2022-01-01T00:00:00Z")
    assert isinstance(raw, RawArticle) and raw.body is None and raw.body_base64


def test_pages_that_are_no_article_are_rejected_with_a_reason():
    pdf = raw_from_page("i", "s", ENTRY, Page(b"%PDF-1.4", "application/pdf"), None, "2022-01-01T00:00:00Z")
    assert isinstance(pdf, Rejection) and pdf.reason == "unsupported_content_type"
    empty = raw_from_page("i", "s", ENTRY, Page(b"  ", "text/html"), None, "2022-01-01T00:00:00Z")
    assert isinstance(empty, Rejection) and empty.reason == "empty_body"


def test_an_entry_without_page_fetching_uses_the_feeds_text():
    raw = raw_from_entry("i", "s", ENTRY, "uk", "2022-01-01T00:00:00Z")
    assert isinstance(raw, RawArticle) and "<p>Feed text</p>" in (raw.body or "") and raw.language == "uk"
    assert isinstance(raw_from_entry("i", "s", FeedEntry("https://e.org/y"), None, "2022-01-01T00:00:00Z"), Rejection)


# ---------------------------------------------------------------- fetch policy helpers


def test_retry_after_backoff_and_user_agent():
    assert retry_after_s("7") == 7.0
    assert retry_after_s("Sat, 10 Sep 2022 14:00:10 GMT", now=1662818400.0) == 10.0
    assert retry_after_s("soon") is None
    assert backoff_delay(0, 2.0, rng=lambda: 1.0) == 2.0 and backoff_delay(3, 2.0, rng=lambda: 0.5) == 8.0
    assert backoff_delay(20, 2.0, rng=lambda: 1.0, cap_s=60.0) == 60.0
    assert user_agent("ops@example.org") == "frontwire/0.1.0 (+ops@example.org)"


# ---------------------------------------------------------------- state fold


def _a(state: str, owner: str, at: str, attempts: int = 0) -> ArticleState:
    return ArticleState(state, owner, at, attempts, "src", {"url": "https://e.org/x"})


def test_the_first_live_claim_wins_and_final_records_stay():
    st = IngestState(lease_s=600)
    st.apply("x", _a(CLAIMED, "A", "2022-01-01T00:00:00Z").to_record())
    st.apply("x", _a(CLAIMED, "B", "2022-01-01T00:00:01Z").to_record())
    assert st.won("x", "A", "2022-01-01T00:00:00Z") and not st.won("x", "B", "2022-01-01T00:00:01Z")
    st.apply("x", _a(PUBLISHED, "A", "2022-01-01T00:00:02Z", 1).to_record())
    st.apply("x", _a(CLAIMED, "B", "2022-01-01T01:00:00Z").to_record())  # a late claim loses to a final record
    assert st.articles["x"].state == PUBLISHED
    assert not st.may_claim("x", "B", 1e12, max_attempts=5)


def test_an_expired_claim_is_taken_over_and_failures_count_attempts():
    st = IngestState(lease_s=600)
    st.apply("x", _a(CLAIMED, "A", "2022-01-01T00:00:00Z").to_record())
    now = 1640995200.0  # 2022-01-01T00:00:00Z
    assert not st.may_claim("x", "B", now + 10, 5) and st.may_claim("x", "B", now + 601, 5)
    st.apply("x", _a(CLAIMED, "B", "2022-01-01T00:10:01Z").to_record())
    assert st.won("x", "B", "2022-01-01T00:10:01Z")
    st.apply("x", _a(FAILED, "B", "2022-01-01T00:10:02Z", 5).to_record())
    assert st.pending("src") == {"x": st.articles["x"]}
    assert not st.may_claim("x", "B", now + 700, max_attempts=5) and st.may_claim("x", "B", now + 700, max_attempts=6)
    st.apply("x", _a(DEAD, "B", "2022-01-01T00:10:03Z", 5).to_record())
    assert st.pending("src") == {} and st.articles["x"].final


def test_source_records_and_tombstones():
    st = IngestState(lease_s=600)
    st.apply("source:a", SourceState("a", "https://e.org/rss", etag='"1"').to_record())
    assert st.sources["a"].etag == '"1"'
    st.apply("source:a", None)
    st.apply("x", None)
    assert st.sources == {} and st.articles == {}


# ---------------------------------------------------------------- health


def test_a_failing_source_is_logged_once_then_once_more_after_the_long_threshold():
    state = SourceState("a")
    events = []
    for minute in range(0, 130, 5):  # a poll every 5 minutes for over two hours
        events.append(record_failure(state, f"2022-01-01T{minute // 60:02d}:{minute % 60:02d}:00Z", "http_500",
                                     "boom", long_after_s=3600))
    kinds = [e.kind for e in events if e is not None]
    assert kinds == ["failing", "failing_long"]
    assert state.errors == {"http_500": 26} and state.failing_since == "2022-01-01T00:00:00Z"
    back = record_success(state, "2022-01-01T03:00:00Z")
    assert back is not None and back.kind == "recovered" and state.failing_since is None
    assert record_success(state, "2022-01-01T03:05:00Z") is None
