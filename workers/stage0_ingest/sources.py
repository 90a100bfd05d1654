"""The sources file (`sources.yaml`): which feeds to poll, validated with one clear error per bad entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

DEFAULT_INTERVAL_S = 300.0
MIN_INTERVAL_S = 1.0  # tests poll fast; real outlets should get minutes (the README says so)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEYS = {"name", "feed", "language", "fetch_pages", "interval_s"}


class SourcesError(ValueError):
    """The sources file cannot be used; `problems` lists every bad entry (which source, which key, why)."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Source:
    """One outlet's feed: its name becomes the articles' `source`."""

    name: str
    feed: str
    language: str | None = None
    fetch_pages: bool = True
    interval_s: float = DEFAULT_INTERVAL_S


def _entry(index: int, raw: Any) -> tuple[Source | None, list[str]]:
    where = f"sources[{index}]"
    if not isinstance(raw, dict):
        return None, [f"{where}: expected a mapping with name and feed, got {type(raw).__name__}"]
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"source {name!r} (sources[{index}])"
    problems = [f"{where}: unknown key {k!r} (keys are {', '.join(sorted(KEYS))})" for k in raw if k not in KEYS]
    if not isinstance(name, str) or not NAME.match(name):
        problems.append(f"{where}: key 'name' must be 1-64 letters, digits, '.', '_' or '-' "
                        f"starting with a letter or digit, got {name!r}")
    feed = raw.get("feed")
    if not isinstance(feed, str) or not feed.strip():
        problems.append(f"{where}: key 'feed' is required: the feed's http(s) address")
    else:
        parts = urlsplit(feed.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"{where}: key 'feed' must be an http or https address, got {feed!r}")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}([-_][A-Za-z]{2,4})?",
                                                                                   language)):
        problems.append(f"{where}: key 'language' must be a language code such as en or uk, got {language!r}")
    fetch_pages = raw.get("fetch_pages", True)
    if not isinstance(fetch_pages, bool):
        problems.append(f"{where}: key 'fetch_pages' must be true or false, got {fetch_pages!r}")
    interval = raw.get("interval_s", DEFAULT_INTERVAL_S)
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval < MIN_INTERVAL_S:
        problems.append(f"{where}: key 'interval_s' must be a number of seconds >= {MIN_INTERVAL_S:g}, "
                        f"got {interval!r}")
    if problems:
        return None, problems
    return Source(name=str(name), feed=str(feed).strip(), language=language, fetch_pages=bool(fetch_pages),
                  interval_s=float(interval)), []


def parse_sources(doc: Any, path: Path | str = "sources.yaml") -> list[Source]:
    """Validated sources from a loaded YAML document; raises SourcesError listing every problem."""
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourcesError(path, ["expected a mapping with a list `sources:`"])
    sources: list[Source] = []
    problems: list[str] = []
    names: set[str] = set()
    for index, raw in enumerate(doc["sources"]):
        source, bad = _entry(index, raw)
        problems += bad
        name = raw.get("name") if isinstance(raw, dict) else None
        if isinstance(name, str) and name in names:
            problems.append(f"source {name!r} (sources[{index}]): key 'name' is used twice")
            continue
        if isinstance(name, str):
            names.add(name)
        if source is not None:
            sources.append(source)
    if not sources and not problems:
        problems.append("no sources listed: add entries under `sources:` (the example file lists real outlets, "
                        "commented out)")
    if problems:
        raise SourcesError(path, problems)
    return sources


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources file; raises SourcesError (missing file, bad YAML, bad entries)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError(path, [f"not valid YAML: {exc}"]) from exc
    return parse_sources(doc, path)
