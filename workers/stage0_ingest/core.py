"""Feed entries and fetched pages to raw articles (CONTRACT §1 fields), with no I/O.

The record itself is built by replay's `build_raw_article`, so both ways in put the same shape on
the raw topic. The article id is the entry's (`urls.article_id_for_entry`): the same article
listed by two feeds, or under two URLs that differ only in tracking parameters, has one id.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from workers.records import RawArticle, Rejection
from workers.stage0_ingest.feeds import FeedEntry
from workers.stage0_replay.core import build_raw_article
from workers.timeutil import normalize_time, to_iso

INGEST_STAGE = "ingest"  # dead letters of feeds and entries live ingestion could not use
# Dead-letter reasons of stage `ingest` (besides `http_NNN`, a final HTTP status): a feed document that
# cannot be read, an entry that cannot become an article, a request that failed for good.
INGEST_REASONS = ("bad_feed", "malformed_feed", "no_link", "unsupported_content_type", "empty_body", "bad_url",
                  "blocked_address", "bad_redirect", "too_many_redirects", "connection", "timeout", "bad_body",
                  "too_large", "robots_unavailable", "robots_disallowed")

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
_DATE_META = re.compile(
    rb"""<meta\b[^>]{0,400}?(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|"""
    rb"""datePublished|pubdate|publish[-_]?date|dc\.date|date)["'][^>]{0,400}?>""", re.I)
_CONTENT_ATTR = re.compile(rb"""content\s*=\s*["']([^"']{6,64})["']""", re.I)
_TIME_TAG = re.compile(rb"""<time\b[^>]{0,200}?datetime\s*=\s*["']([^"']{6,64})["']""", re.I)
DATE_SCAN_BYTES = 200_000


@dataclass(frozen=True)
class Page:
    """A fetched page: its bytes and what the response said about them."""

    body: bytes
    content_type: str  # media type, lower-case, no parameters ("" if none)
    charset: str | None = None
    last_modified: str | None = None  # the Last-Modified header


def page_date(body: bytes) -> str | None:
    """The publication time a page declares (article:published_time, datePublished, <time datetime>)."""
    head = body[:DATE_SCAN_BYTES]
    candidates = [m.group(1) for tag in _DATE_META.finditer(head) for m in [_CONTENT_ATTR.search(tag.group(0))] if m]
    candidates += [m.group(1) for m in _TIME_TAG.finditer(head)][:1]
    for raw in candidates:
        try:
            return normalize_time(raw.decode("ascii", "ignore"))
        except ValueError:
            continue
    return None


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return to_iso(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None


def _media_type(page: Page) -> str | None:
    if page.content_type in HTML_TYPES:
        return "text/html"
    if page.content_type in TEXT_TYPES:
        return "text/plain"
    if not page.content_type:
        return "text/html" if page.body.lstrip()[:1] == b"<" else "text/plain"
    return None


def _decoded(body: bytes, charset: str | None) -> bytes | str:
    """Text in the charset the response declared, when it decodes cleanly; the bytes otherwise
    (extraction then finds the charset from the page itself)."""
    if not charset:
        return body
    try:
        codec = codecs.lookup(charset).name
        return body.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return body


def raw_from_page(article_id: str, source: str, entry: FeedEntry, page: Page, language: str | None,
                  fetched_at: str) -> RawArticle | Rejection:
    """The raw article of an entry whose page was fetched."""
    content_type = _media_type(page)
    if content_type is None:
        return Rejection("unsupported_content_type", f"{entry.url} is {page.content_type}, not HTML or text")
    if not page.body.strip():
        return Rejection("empty_body", f"{entry.url} answered with an empty body")
    published = (entry.published_at or (page_date(page.body) if content_type == "text/html" else None)
                 or _http_date(page.last_modified) or fetched_at)
    return build_raw_article(article_id, source=source, url=entry.url, published_at=published,
                             content_type=content_type, body=_decoded(page.body, page.charset),
                             language=entry.language or language)


def raw_from_entry(article_id: str, source: str, entry: FeedEntry, language: str | None,
                   fetched_at: str) -> RawArticle | Rejection:
    """The raw article of an entry taken from the feed's own text (a source with `fetch_pages: false`)."""
    text = (entry.content_html or "").strip()
    if not text:
        return Rejection("empty_body", f"the feed gives no text for {entry.url or entry.guid} "
                                       "(set fetch_pages: true for this source)")
    title = f"<h1>{entry.title}</h1>\n" if entry.title else ""
    return build_raw_article(article_id, source=source, url=entry.url, published_at=entry.published_at or fetched_at,
                             content_type="text/html", body=f"<html><body><article>{title}{text}</article></body></html>",
                             language=entry.language or language)
