"""HTML path: one parse, trafilatura for main text and comments, its metadata helpers without dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura import metadata as tmeta
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

_TAG = re.compile(r"<\s*(?:html|head|body|div|p|article|main|section|span|table|br|h[1-6]|script|style|meta|title|a)\b", re.I)
# Runs of hundreds of consecutive opening (or closing) tags with nothing between them: a nesting bomb.
_OPEN_RUN = re.compile(r"(?:<[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,300})?>\s*){200,}")
_CLOSE_RUN = re.compile(r"(?:</[A-Za-z][A-Za-z0-9]{0,15}\s*>\s*){200,}")
_TAG_IN_RUN = re.compile(r"</?([A-Za-z][A-Za-z0-9]{0,15})[^<>]*>")
_STRUCTURAL = frozenset({"html", "head", "title", "body", "main", "article", "p", "h1", "h2", "h3", "h4", "h5", "h6"})
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-\u2013\u2014\u00b7:\u2022\u00bb/]|::)\s+")
_AUTHOR_EDGE = re.compile(r"^(?:by\s+)|[\s|\u00b7\u2022,;:\-\u2013\u2014]+$|^[\s|\u00b7\u2022,;:\-\u2013\u2014]+", re.I)


@dataclass
class HtmlExtraction:
    """What trafilatura found in one page (text not yet repaired or normalised)."""

    text: str
    comments: str = ""
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None


@lru_cache(maxsize=1)
def _extractor() -> Extractor:
    """Shared trafilatura options (never mutated by bare_extraction): balanced focus, comments apart."""
    # include_comments=True makes trafilatura pull reader comments *out* of the main text into a
    # separate field; the main-text quality on the benchmark corpus is identical to comments=False.
    return Extractor(output_format="python", comments=True, tables=True, with_metadata=False)


def looks_like_markup(text: str) -> bool:
    """Whether the body contains HTML tags at all (a text/html body may be plain text)."""
    return _TAG.search(text, 0, 20_000) is not None


def parse(html: str) -> HtmlElement | None:
    """Parse once with trafilatura's loader (repairs common markup faults); None when not HTML."""
    return load_html(html)


def extract_html(html: str) -> HtmlExtraction | None:
    """Main text, comments and metadata of a page; None when the page has no main text."""
    found = _extract_once(html)
    if found is None and (_OPEN_RUN.search(html) or _CLOSE_RUN.search(html)):
        # libxml2 stops nesting at 256 levels and drops what follows a deeper tag bomb:
        # flatten runs of hundreds of bare tags and try once more.
        found = _extract_once(_CLOSE_RUN.sub(_thin_run, _OPEN_RUN.sub(_thin_run, html)))
    return found


def _thin_run(match: re.Match[str]) -> str:
    """Keep the first tag of each structural kind in a run of tags, drop the rest."""
    kept: dict[str, str] = {}
    for tag in _TAG_IN_RUN.finditer(match.group(0)):
        name = tag.group(1).lower()
        if name in _STRUCTURAL and name not in kept:
            kept[name] = tag.group(0)
    return " ".join(kept.values()) or " "


def _extract_once(html: str) -> HtmlExtraction | None:
    """One parse and one trafilatura pass."""
    tree = parse(html)
    if tree is None:
        return None
    meta = _metadata(tree)  # read-only on the tree; bare_extraction works on its own copy
    doc = bare_extraction(tree, options=_extractor())
    if doc is None or not (doc.text or "").strip():
        return None
    return HtmlExtraction(
        text=doc.text or "",
        comments=doc.comments or "",
        title=meta["title"],
        author=meta["author"],
        sitename=meta["sitename"],
        url=meta["url"],
    )


def _metadata(tree: HtmlElement) -> dict[str, str | None]:
    """Title, author, site name and canonical URL from meta tags, JSON-LD and <title>/<h1>.

    Skips trafilatura's date search (htmldate: about half of its metadata time; the sidecar or
    replay gives `published_at`) and its author fallback (an XPath scan of a deep copy of the
    page: a quarter of our time for a field no later stage reads); meta and JSON-LD authors stay.
    """
    doc = tmeta.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = tmeta.extract_meta_json(tree, doc)
    except Exception:  # noqa: BLE001 - malformed JSON-LD must not cost the article
        pass
    title = doc.title or tmeta.extract_title(tree)
    author = doc.author
    url = doc.url or tmeta.extract_url(tree, None)
    sitename = doc.sitename or tmeta.extract_sitename(tree) or _sitename_from_title(tree, title)
    return {
        "title": _strip_sitename(_clean(title), _clean(sitename)),
        "author": _clean_author(author),
        "sitename": _clean(sitename.lstrip("@") if sitename else None),
        "url": url or None,
    }


def _sitename_from_title(tree: HtmlElement, headline: str | None) -> str | None:
    """'Headline | Site' in the <title> element: the part that is not the headline."""
    element = tree.find(".//head//title")
    if element is None or not headline:
        return None
    parts = _TITLE_SEPARATORS.split(" ".join(element.text_content().split()))
    if len(parts) < 2:
        return None
    first, last = parts[0].strip(), parts[-1].strip()
    key = " ".join(headline.split()).casefold()
    if key.startswith(first.casefold()) and 0 < len(last) <= 60:
        return last
    if key.startswith(last.casefold()) and 0 < len(first) <= 60:
        return first
    return None


def _strip_sitename(title: str | None, sitename: str | None) -> str | None:
    """'Headline | Site' -> 'Headline' (and 'Site - Headline' -> 'Headline') when the site is known."""
    if not title or not sitename:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = sitename.casefold()
    if parts[-1].strip().casefold() == site:
        return " - ".join(parts[:-1]).strip() if len(parts) > 2 else parts[0].strip()
    if parts[0].strip().casefold() == site:
        return parts[1].strip() if len(parts) == 2 else title
    return title


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


def _clean_author(value: str | None) -> str | None:
    value = _clean(value)
    if not value:
        return None
    for _ in range(3):
        value = _AUTHOR_EDGE.sub("", value).strip()
    return value or None
