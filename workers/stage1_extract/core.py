"""Extraction core: one raw article in, its main text and metadata (or a typed rejection) out.

Pure and thread-safe: no broker imports, no work at import time, no shared mutable state apart
from the language profiles, which load once under a lock. Safe in a thread or process pool.

Rejection reasons (each a distinct dead-letter reason):

- ``invalid_field``   a field has the wrong JSON type (body not a string, ...) or published_at is no ISO 8601 time
- ``missing_body``    neither ``body`` nor ``body_base64``
- ``raw_too_large``   the body exceeds ``max_raw_bytes`` (checked before any decoding or parsing)
- ``invalid_base64``  ``body_base64`` is not base64
- ``undecodable``     no encoding turns the bytes into plausible text
- ``empty_body``      nothing but whitespace (and control characters)
- ``no_main_text``    the page has no main text (only script, navigation, markup nesting beyond the parser's limits...)
- ``text_too_short``  main text (headline excluded) shorter than ``min_text_chars``
- ``text_too_large``  main text longer than ``max_text_chars`` (rejected, not truncated: a cut
                      article would silently lose claims; a page that big is a dump, not a report)
- ``extraction_error`` anything unexpected (never raised out of `extract_article`)

NUL bytes and other C0 control characters are stripped, not rejected: one stray NUL in a good
article should not cost the article.

Text convention (downstream stages rely on it): ``text`` is the headline (when the article has
one) as its first paragraph, then the body paragraphs, one per line, joined by a single "\\n";
reader comments are never in ``text`` but in ``comments``. See `textclean` for what normalisation
changes and how to find a quote of ``text`` in the original page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from workers.records import ExtractedArticle, RawArticle, Rejection
from workers.settings import Settings, setting_default
from workers.stage1_extract import html as html_path
from workers.stage1_extract.decoding import decode_bytes
from workers.stage1_extract.language import detect_language, normalize_code
from workers.stage1_extract.plaintext import drop_furniture, extract_plain
from workers.stage1_extract.sections import is_comment_header, is_comment_junk
from workers.stage1_extract.textclean import (
    join_broken_lines,
    normalize_line,
    normalize_paragraphs,
    repair,
    same_text,
    starts_with_text,
    strip_controls,
)
from workers.timeutil import normalize_time

HTML = "text/html"
PLAIN = "text/plain"
REJECTION_REASONS: tuple[str, ...] = (
    "invalid_field",
    "missing_body",
    "raw_too_large",
    "invalid_base64",
    "undecodable",
    "empty_body",
    "no_main_text",
    "text_too_short",
    "text_too_large",
    "extraction_error",
)
_HTML_TYPES = frozenset({HTML, "application/xhtml+xml", "application/xml", "text/xml"})
_DETAIL_MAX = 500


@dataclass(frozen=True)
class ExtractLimits:
    """Limits of the extraction stage (defaults: the settings' defaults)."""

    max_raw_bytes: int = setting_default("max_raw_bytes")
    max_text_chars: int = setting_default("max_text_chars")
    min_text_chars: int = setting_default("min_text_chars")
    langdetect_sample_chars: int = setting_default("langdetect_sample_chars")

    @classmethod
    def from_settings(cls, settings: Settings) -> "ExtractLimits":
        """The limits the FRONTWIRE_MAX_* and FRONTWIRE_LANGDETECT_* settings describe."""
        return cls(max_raw_bytes=settings.max_raw_bytes, max_text_chars=settings.max_text_chars,
                   min_text_chars=settings.min_text_chars, langdetect_sample_chars=settings.langdetect_sample_chars)


@dataclass
class _Content:
    """Main text pieces before they become an ExtractedArticle."""

    paragraphs: list[str]
    title: str | None
    comments: list[str]
    author: str | None = None
    sitename: str | None = None
    url: str | None = None


def extract_article(raw: RawArticle, limits: ExtractLimits = ExtractLimits()) -> ExtractedArticle | Rejection:
    """Extract main text, headline, comments, metadata and language; never raises."""
    try:
        return _extract(raw, limits)
    except Exception as exc:  # noqa: BLE001 - the stage must survive any input
        return Rejection("extraction_error", f"{type(exc).__name__}: {exc}"[:_DETAIL_MAX])


def _extract(raw: RawArticle, limits: ExtractLimits) -> ExtractedArticle | Rejection:
    bad = _invalid_fields(raw)
    if bad:
        return Rejection("invalid_field", bad)
    kind = _content_kind(raw.content_type)
    body = _body_text(raw, limits, kind)
    if isinstance(body, Rejection):
        return body
    body = strip_controls(body)
    if not body.strip():
        return Rejection("empty_body", "body is empty or whitespace only")
    if kind is None:
        kind = HTML if html_path.looks_like_markup(body) else PLAIN
    elif kind == PLAIN and body.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        kind = HTML  # a whole HTML page saved as .txt
    content = _from_html(body) if kind == HTML else _from_plain(body)
    if content is None:
        return Rejection("no_main_text", "no main text found in the page")
    return _finish(raw, limits, kind, content)


def _invalid_fields(raw: RawArticle) -> str:
    """Name the first field with a wrong type, or ''."""
    for name in ("article_id", "source", "published_at", "content_type"):
        if not isinstance(getattr(raw, name, None), str):
            return f"{name} must be a string, got {type(getattr(raw, name, None)).__name__}"
    try:
        normalize_time(raw.published_at)
    except ValueError:
        return f"published_at is not an ISO 8601 time: {raw.published_at[:40]!r}"
    for name in ("url", "language", "filename", "body"):
        value = getattr(raw, name, None)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string or null, got {type(value).__name__}"
    if raw.body_base64 is not None and not isinstance(raw.body_base64, (str, bytes)):
        return f"body_base64 must be a string, got {type(raw.body_base64).__name__}"
    return ""


def _content_kind(content_type: str) -> str | None:
    """text/html or text/plain; None means: sniff the body."""
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct in _HTML_TYPES:
        return HTML
    if ct == PLAIN:
        return PLAIN
    return None


def _body_text(raw: RawArticle, limits: ExtractLimits, kind: str | None) -> str | Rejection:
    """The body as text, with the raw size checked before anything expensive."""
    if raw.body is not None:
        body = raw.body
        size = len(body)
        if size <= limits.max_raw_bytes and size * 4 > limits.max_raw_bytes:
            size = len(body.encode("utf-8", "surrogatepass"))
        if size > limits.max_raw_bytes:
            return Rejection("raw_too_large", f"body of {size} bytes exceeds {limits.max_raw_bytes}")
        return body
    if raw.body_base64 is None:
        return Rejection("missing_body", "neither body nor body_base64 is set")
    encoded = raw.body_base64
    estimate = len(encoded) * 3 // 4
    if estimate > limits.max_raw_bytes * 1.04 + 16:  # 4 % slack for line breaks in the base64
        return Rejection("raw_too_large", f"base64 body of about {estimate} bytes exceeds {limits.max_raw_bytes}")
    try:
        data = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError) as exc:
        return Rejection("invalid_base64", str(exc)[:_DETAIL_MAX])
    if len(data) > limits.max_raw_bytes:
        return Rejection("raw_too_large", f"body of {len(data)} bytes exceeds {limits.max_raw_bytes}")
    if not data.strip(b" \t\r\n\x00"):
        return Rejection("empty_body", "body is empty or whitespace only")
    text = decode_bytes(data, html=kind != PLAIN)
    if text is None:
        return Rejection("undecodable", f"{len(data)} bytes in no plausible text encoding")
    return text


def _from_html(body: str) -> _Content | None:
    """HTML through trafilatura; a text/html body without markup goes the plain-text way."""
    found = html_path.extract_html(body)
    if found is None:
        return None if html_path.looks_like_markup(body) else _from_plain(body)
    paragraphs, tail_comments = drop_furniture(normalize_paragraphs(repair(found.text).split("\n")))
    if not paragraphs:
        return None
    title = _one_line(found.title)
    if title:
        paragraphs = _headline_first(paragraphs, title)
    paragraphs = join_broken_lines(paragraphs, protect=1 if title else 0)
    comments = normalize_paragraphs(repair(found.comments).split("\n")) if found.comments else []
    comments = [c for c in comments if not (is_comment_header(c) or is_comment_junk(c))] + tail_comments
    return _Content(
        paragraphs=paragraphs,
        title=title,
        comments=comments,
        author=_one_line(found.author),
        sitename=_one_line(found.sitename),
        url=found.url,
    )


def _one_line(value: str | None) -> str | None:
    """A repaired, normalised metadata string, or None when blank."""
    if not value:
        return None
    return normalize_line(repair(value).replace("\n", " ")) or None


def _headline_first(paragraphs: list[str], title: str) -> list[str]:
    """Put the headline first: keep it if the text starts with it, move it up, or prepend it."""
    first = paragraphs[0]
    if starts_with_text(first, title) or (len(first) >= len(title) // 2 and starts_with_text(title, first)):
        return paragraphs  # the text opens with the headline (or its short form, e.g. an h1 without subtitle)
    for k in (1, 2):
        if k < len(paragraphs) and same_text(paragraphs[k], title):
            return [paragraphs[k]] + paragraphs[:k] + paragraphs[k + 1 :]
    return [title] + paragraphs


def _from_plain(body: str) -> _Content | None:
    """Plain text through our own path (comments, tags, share tails set apart)."""
    found = extract_plain(repair(body))
    if not found.paragraphs:
        return None
    return _Content(paragraphs=found.paragraphs, title=found.title, comments=found.comments)


def _finish(raw: RawArticle, limits: ExtractLimits, kind: str, content: _Content) -> ExtractedArticle | Rejection:
    """Apply the text limits, detect the language, build the record."""
    text = "\n".join(content.paragraphs)
    headline_chars = len(content.paragraphs[0]) + 1 if content.title and content.paragraphs[0] == content.title else 0
    body_chars = max(0, len(text) - headline_chars)
    if len(text) > limits.max_text_chars:
        return Rejection("text_too_large", f"main text of {len(text)} characters exceeds {limits.max_text_chars}")
    if body_chars == 0:
        return Rejection("no_main_text", "only a headline was found")
    if body_chars < limits.min_text_chars:
        return Rejection("text_too_short", f"main text of {body_chars} characters is under {limits.min_text_chars}")
    sidecar = normalize_code(raw.language)
    if sidecar:
        language, probability = sidecar, 1.0
    else:
        language, probability = detect_language(text, limits.langdetect_sample_chars)
    return ExtractedArticle(
        article_id=raw.article_id,
        source=raw.source,
        url=raw.url or content.url,
        published_at=normalize_time(raw.published_at),
        title=content.title,
        text=text,
        language=language,
        language_probability=probability,
        content_type=kind,
        comments=content.comments,
        author=content.author,
        sitename=content.sitename,
        filename=raw.filename,
    )
