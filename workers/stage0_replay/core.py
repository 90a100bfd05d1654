"""Read a replay directory (CONTRACT §1) into raw-article messages, in lexical order of file names."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import orjson

from workers.records import RawArticle
from workers.settings import setting_default
from workers.timeutil import normalize_time, to_iso

ARTICLE_TYPES = {".txt": "text/plain", ".html": "text/html"}
# Files that look like articles but are not a supported type: skipped with a warning.
ARTICLE_LIKE = {".htm", ".xhtml", ".xml", ".md", ".rst", ".pdf", ".doc", ".docx", ".rtf", ".odt", ".json", ".eml"}
SIDECAR_SUFFIX = ".meta.json"
IGNORED_NAMES = {"gold.json", "annotations.json", "README", "README.md", "INDEX.md"}


@dataclass(frozen=True)
class ReplayItem:
    """One message to publish (key, value) and where it came from."""

    origin: str  # file name, or "file.jsonl:LINE"
    key: bytes
    value: dict[str, Any]


@dataclass(frozen=True)
class Skipped:
    """A file or line that was not published, and why."""

    origin: str
    reason: str
    warn: bool = True


def article_id_for(source: str, url: str | None, body: bytes) -> str:
    """Stable article id: the same source, URL and bytes always give the same id."""
    digest = hashlib.sha256()
    for part in (source.encode(), b"\0", (url or "").encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()[:32]


def _sidecar(path: Path) -> Path | None:
    for candidate in (path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def _read_sidecar(path: Path) -> dict[str, Any]:
    meta = orjson.loads(path.read_bytes())
    if not isinstance(meta, dict):
        raise ValueError("sidecar is not a JSON object")
    for key in ("source", "url", "published_at", "language"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"sidecar field {key!r} is not a string")
    return meta


def article_from_file(path: Path, max_bytes: int) -> ReplayItem | Skipped:
    """One .txt/.html file (with its sidecar, if any) as a raw-article message."""
    content_type = ARTICLE_TYPES[path.suffix.lower()]
    size = path.stat().st_size
    if size > max_bytes:
        return Skipped(path.name, f"file of {size} bytes is larger than the largest message ({max_bytes} bytes)")
    meta: dict[str, Any] = {}
    sidecar = _sidecar(path)
    if sidecar is not None:
        try:
            meta = _read_sidecar(sidecar)
        except (ValueError, orjson.JSONDecodeError) as exc:
            return Skipped(path.name, f"invalid sidecar {sidecar.name}: {exc}")
    body = path.read_bytes()
    if meta.get("published_at"):
        try:
            published_at = normalize_time(meta["published_at"])
        except ValueError:
            return Skipped(path.name, f"sidecar published_at {meta['published_at']!r} is not an ISO 8601 time")
    else:
        published_at = to_iso(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
    source = meta.get("source") or path.stem
    url = meta.get("url")
    raw = RawArticle(
        article_id=article_id_for(source, url, body),
        source=source,
        url=url,
        published_at=published_at,
        content_type=content_type,
        language=meta.get("language"),
        filename=path.name,
    )
    text = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    try:
        raw.body = text.decode("utf-8")
    except UnicodeDecodeError:
        raw.body_base64 = base64.b64encode(body).decode("ascii")
    return ReplayItem(path.name, raw.article_id.encode(), raw.to_dict())


def articles_from_jsonl(path: Path, max_bytes: int) -> Iterator[ReplayItem | Skipped]:
    """Each line of a .jsonl file, already in the raw-topic schema, as a message.

    Lines that are JSON objects are published as they are (the extraction stage validates them
    and dead-letters bad ones); lines that are not JSON objects are skipped with the reason.
    """
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            origin = f"{path.name}:{number}"
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield Skipped(origin, f"line of {len(line)} bytes is larger than the largest message")
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield Skipped(origin, f"not JSON: {exc}")
                continue
            if not isinstance(value, dict):
                yield Skipped(origin, "not a JSON object")
                continue
            article_id = value.get("article_id")
            key = article_id if isinstance(article_id, str) and article_id else hashlib.sha256(line).hexdigest()[:32]
            yield ReplayItem(origin, key.encode(), value)


def read_replay_dir(directory: Path, max_bytes: int = setting_default("max_message_bytes")) -> Iterator[ReplayItem | Skipped]:
    """Every article of `directory` in lexical order of file names, or why it was skipped."""
    for path in sorted(p for p in Path(directory).iterdir() if p.is_file()):
        name = path.name
        suffix = path.suffix.lower()
        if name.endswith(SIDECAR_SUFFIX) or name in IGNORED_NAMES or name.startswith("."):
            continue
        if suffix in ARTICLE_TYPES:
            try:
                yield article_from_file(path, max_bytes)
            except OSError as exc:
                yield Skipped(name, f"unreadable: {exc}")
        elif suffix == ".jsonl":
            yield from articles_from_jsonl(path, max_bytes)
        elif suffix in ARTICLE_LIKE:
            yield Skipped(name, f"unsupported article type {suffix} (expected .txt, .html or .jsonl)")
        else:
            continue
