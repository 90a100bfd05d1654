"""Feed documents to entries: RSS and Atom with feedparser, news sitemaps with a small lxml reader."""

from __future__ import annotations

import io
import re
from calendar import timegm
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from workers.timeutil import normalize_time, to_iso

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(urlset|sitemapindex|rss|feed|RDF)\b")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is and what the feed says about it."""

    url: str | None
    guid: str | None = None
    title: str | None = None
    published_at: str | None = None  # ISO 8601 UTC, when the feed gives a date
    language: str | None = None
    content_html: str | None = None  # the feed's own text of the article (content, else summary)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "guid": self.guid, "title": self.title, "published_at": self.published_at,
                "language": self.language}


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed document gave: its entries, and what was wrong with it (None: well-formed)."""

    entries: list[FeedEntry]
    kind: str  # rss, atom, sitemap, or unknown
    problem: str | None = None


def _struct_iso(value: Any) -> str | None:
    if not value:
        return None
    try:
        return to_iso(datetime.fromtimestamp(timegm(value), timezone.utc))
    except (TypeError, ValueError, OverflowError):
        return None


def _entry_from_feedparser(e: Any, base: str, language: str | None) -> FeedEntry | None:
    link = e.get("link") or None
    guid = e.get("id") or None
    if not link and guid and str(guid).startswith(("http://", "https://")):
        link = guid  # an RSS <guid isPermaLink> is the article's address
    if link:
        link = urljoin(base, str(link).strip())
    if not link and not guid:
        return None
    content = None
    if e.get("content"):
        content = "\n".join(str(c.get("value") or "") for c in e["content"]) or None
    content = content or e.get("summary") or None
    published = _struct_iso(e.get("published_parsed")) or _struct_iso(e.get("updated_parsed"))
    return FeedEntry(url=link, guid=str(guid) if guid else None, title=e.get("title") or None,
                     published_at=published, language=language, content_html=content)


def parse_feedparser(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """RSS 0.9x/1.0/2.0 or Atom; feedparser finds the charset (HTTP header, XML declaration, BOM)."""
    import feedparser

    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    # a stream, never a string: feedparser would fetch a string that looks like an address itself
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, resolve_relative_uris=False,
                              sanitize_html=False)
    version = str(parsed.get("version") or "")
    kind = "atom" if version.startswith("atom") else "rss" if version else "unknown"
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    entries = [x for x in (_entry_from_feedparser(e, url, language) for e in parsed.entries) if x is not None]
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        # a declared charset or content type that feedparser overrode is not worth counting
        if type(exc).__name__ not in ("CharacterEncodingOverride", "NonXMLContentType"):
            problem = f"{type(exc).__name__}: {exc}"[:300]
    if not entries and not version:
        problem = problem or "not an RSS, Atom or news-sitemap document"
    return ParsedFeed(entries, kind, problem)


def parse_sitemap(body: bytes, url: str) -> ParsedFeed:
    """A (news) sitemap `<urlset>`: each `<url>`'s `<loc>`, and its news title, date and language if given."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        return ParsedFeed([], "sitemap", f"XMLSyntaxError: {exc}"[:300])
    if etree.QName(root).localname == "sitemapindex":
        return ParsedFeed([], "sitemap", "a sitemap index: list its news sitemaps as sources instead")
    entries: list[FeedEntry] = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != "url":
            continue
        loc = node.findtext(f"{{{SITEMAP_NS}}}loc") or node.findtext("loc")
        if not loc or not loc.strip():
            continue
        news = node.find(f"{{{NEWS_NS}}}news")
        title = date = language = None
        if news is not None:
            title = news.findtext(f"{{{NEWS_NS}}}title")
            date = news.findtext(f"{{{NEWS_NS}}}publication_date")
            language = news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language")
        date = date or node.findtext(f"{{{SITEMAP_NS}}}lastmod")
        published = None
        if date:
            try:
                published = normalize_time(date)
            except ValueError:
                published = None
        entries.append(FeedEntry(url=urljoin(url, loc.strip()), title=(title or "").strip() or None,
                                 published_at=published, language=(language or "").strip().lower() or None))
    return ParsedFeed(entries, "sitemap")


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Any supported feed document: a news sitemap by its root element, otherwise RSS or Atom."""
    match = _ROOT_TAG.search(body[:4096])
    if match is not None and match.group(1) in (b"urlset", b"sitemapindex"):
        return parse_sitemap(body, url)
    return parse_feedparser(body, url, content_type)
