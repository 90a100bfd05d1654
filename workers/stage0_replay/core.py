"""Read a replay directory (CONTRACT §1) into raw-article messages, in lexical order of file names."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterator

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
    """A file or line that was not published: why (`code` for the dead letter, `reason` for a person).

    `content` is what the dead letter keeps of it: the bytes of a file or line under the size limit,
    None when it was not read (a symbolic link, an oversize or unreadable file).
    """

    origin: str
    reason: str
    code: str = "rejected"
    content: bytes | None = None
    oversize: bool = False


# Reason codes of the files and lines replay rejects (stage `replay` on the dead-letter topic).
REPLAY_STAGE = "replay"  # dead letters of files and lines `frontwire replay` rejected (no topic: a file)
REPLAY_REASONS = ("symlink", "symlink_outside_directory", "not_regular_file", "file_too_large",
                  "invalid_sidecar", "invalid_published_at", "unsupported_type", "unreadable",
                  "line_too_large", "invalid_json", "not_an_object")


def article_id_for(source: str, url: str | None, body: bytes) -> str:
    """Stable article id: the same source, URL and bytes always give the same id."""
    digest = hashlib.sha256()
    for part in (source.encode(), b"\0", (url or "").encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()[:32]


def _contained(path: Path, root: Path) -> bool:
    try:
        return path.is_relative_to(root)
    except ValueError:
        return False


def regular_file(path: Path, root: Path, follow_symlinks: bool) -> Path | Skipped | None:
    """The path to read for `path` (inside `root`), why it is not read, or None for a directory (ignored).

    Only regular files are read. A symbolic link is not followed unless `follow_symlinks`, and even then
    only to a regular file inside `root` (the resolved replay directory).
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        return Skipped(path.name, f"unreadable: {exc.strerror or exc}", code="unreadable")
    target = path
    if stat.S_ISLNK(st.st_mode):
        if not follow_symlinks:
            return Skipped(path.name, "a symbolic link, not followed (--follow-symlinks reads links to files "
                                      "inside the directory)", code="symlink")
        target = path.resolve()
        if not _contained(target, root):
            return Skipped(path.name, "a symbolic link to a file outside the directory, not followed",
                           code="symlink_outside_directory")
        try:
            st = os.stat(target)
        except OSError as exc:
            return Skipped(path.name, f"a broken symbolic link: {exc.strerror or exc}", code="unreadable")
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return Skipped(path.name, "not a regular file (FIFO, socket or device), not read", code="not_regular_file")
    return target


def open_regular(path: Path) -> BinaryIO:
    """A regular file opened for reading, never through a symbolic link (O_NOFOLLOW), never a FIFO or device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file (see `open_regular`)."""
    with open_regular(path) as f:
        return f.read()


def _sidecar(path: Path, root: Path, follow_symlinks: bool) -> Path | Skipped | None:
    for candidate in (path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)):
        if not os.path.lexists(candidate):
            continue
        found = regular_file(candidate, root, follow_symlinks)
        if isinstance(found, Skipped):
            return Skipped(path.name, f"sidecar {candidate.name}: {found.reason}", code=found.code)
        if found is not None:
            return found
    return None


def _read_sidecar(path: Path) -> dict[str, Any]:
    meta = orjson.loads(read_regular(path))
    if not isinstance(meta, dict):
        raise ValueError("sidecar is not a JSON object")
    for key in ("source", "url", "published_at", "language"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"sidecar field {key!r} is not a string")
    return meta


def article_from_file(path: Path, max_bytes: int, *, root: Path | None = None,
                      follow_symlinks: bool = False, real: Path | None = None) -> ReplayItem | Skipped:
    """One .txt/.html file (with its sidecar, if any) as a raw-article message.

    `real` is the file to read for `path` (the target of a followed link), `root` the resolved replay directory.
    """
    content_type = ARTICLE_TYPES[path.suffix.lower()]
    real = real or path
    root = root or path.parent.resolve()
    st = os.stat(real)
    size = st.st_size
    if size > max_bytes:
        return Skipped(path.name, f"file of {size} bytes is larger than the largest message ({max_bytes} bytes)",
                       code="file_too_large", oversize=True)
    body = read_regular(real)
    meta: dict[str, Any] = {}
    sidecar = _sidecar(path, root, follow_symlinks)
    if isinstance(sidecar, Skipped):
        return Skipped(path.name, sidecar.reason, code=sidecar.code, content=body)
    if sidecar is not None:
        try:
            meta = _read_sidecar(sidecar)
        except (ValueError, orjson.JSONDecodeError, OSError) as exc:
            return Skipped(path.name, f"invalid sidecar {sidecar.name}: {exc}", code="invalid_sidecar", content=body)
    if meta.get("published_at"):
        try:
            published_at = normalize_time(meta["published_at"])
        except ValueError:
            return Skipped(path.name, f"sidecar published_at {meta['published_at']!r} is not an ISO 8601 time",
                           code="invalid_published_at", content=body)
    else:
        published_at = to_iso(datetime.fromtimestamp(st.st_mtime, timezone.utc))
    source = meta.get("source") or path.stem
    url = meta.get("url")
    raw = build_raw_article(article_id_for(source, url, body), source=source, url=url, published_at=published_at,
                            content_type=content_type, body=body, language=meta.get("language"), filename=path.name)
    return ReplayItem(path.name, raw.article_id.encode(), raw.to_dict())


def build_raw_article(article_id: str, *, source: str, url: str | None, published_at: str, content_type: str,
                      body: bytes | str, language: str | None = None, filename: str | None = None) -> RawArticle:
    """The raw-topic record of one article (replay and ingest): text as `body` when it is UTF-8
    (a BOM dropped), the bytes as `body_base64` otherwise, so extraction can find their charset."""
    raw = RawArticle(article_id=article_id, source=source, url=url, published_at=published_at,
                     content_type=content_type, language=language, filename=filename)
    if isinstance(body, str):
        raw.body = body[1:] if body.startswith("\ufeff") else body
        return raw
    text = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    try:
        raw.body = text.decode("utf-8")
    except UnicodeDecodeError:
        raw.body_base64 = base64.b64encode(body).decode("ascii")
    return raw


def articles_from_jsonl(path: Path, max_bytes: int, real: Path | None = None) -> Iterator[ReplayItem | Skipped]:
    """Each line of a .jsonl file, already in the raw-topic schema, as a message.

    Lines that are JSON objects are published as they are (the extraction stage validates them
    and dead-letters bad ones); lines that are not JSON objects are skipped with the reason.
    """
    with open_regular(real or path) as f:
        for number, line in enumerate(f, start=1):
            origin = f"{path.name}:{number}"
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield Skipped(origin, f"line of {len(line)} bytes is larger than the largest message",
                              code="line_too_large", oversize=True)
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield Skipped(origin, f"not JSON: {exc}", code="invalid_json", content=line)
                continue
            if not isinstance(value, dict):
                yield Skipped(origin, "not a JSON object", code="not_an_object", content=line)
                continue
            article_id = value.get("article_id")
            key = article_id if isinstance(article_id, str) and article_id else hashlib.sha256(line).hexdigest()[:32]
            yield ReplayItem(origin, key.encode(), value)


def read_replay_dir(directory: Path, max_bytes: int = setting_default("max_message_bytes"), *,
                    follow_symlinks: bool = False) -> Iterator[ReplayItem | Skipped]:
    """Every article of `directory` in lexical order of file names, or why it was skipped.

    Only regular files inside the directory are read (see `regular_file`).
    """
    root = Path(directory).resolve()
    for path in sorted(Path(directory).iterdir()):
        name = path.name
        suffix = path.suffix.lower()
        if name.endswith(SIDECAR_SUFFIX) or name in IGNORED_NAMES or name.startswith("."):
            continue
        if suffix not in ARTICLE_TYPES and suffix != ".jsonl" and suffix not in ARTICLE_LIKE:
            continue
        real = regular_file(path, root, follow_symlinks)
        if real is None:
            continue
        if isinstance(real, Skipped):
            yield real
            continue
        try:
            if suffix in ARTICLE_TYPES:
                yield article_from_file(path, max_bytes, root=root, follow_symlinks=follow_symlinks, real=real)
            elif suffix == ".jsonl":
                yield from articles_from_jsonl(path, max_bytes, real)
            else:
                yield Skipped(name, f"unsupported article type {suffix} (expected .txt, .html or .jsonl)",
                              code="unsupported_type", content=_content(real, max_bytes))
        except OSError as exc:
            yield Skipped(name, f"unreadable: {exc.strerror or exc}", code="unreadable")


def _content(path: Path, max_bytes: int) -> bytes | None:
    """A rejected file's bytes for its dead letter, when it is under the size limit."""
    try:
        return read_regular(path) if os.stat(path).st_size <= max_bytes else None
    except OSError:
        return None
