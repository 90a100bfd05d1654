"""What the ingester remembers, as records of one compacted topic, and the fold that reads them.

Two kinds of record share the topic `ingest_state` (topics.yaml):

- key = article id: the article's fate. `claimed` (a process is fetching it, for a lease),
  `failed` (the last attempt failed; retried at the next poll, with the entry kept so that it is
  retried even when the feed no longer lists it), `published` and `dead` (dead-lettered after too
  many attempts or a permanent error) are final.
- key = `source:<name>`: a source's feed validators (ETag, Last-Modified) and its health.

Every process folds the records of a key in offset order, so all agree on who holds an article:
the first live claim after the last release wins, a claim after a final record loses. A claim is
written, then read back; only its winner fetches. A loser that finds the article final writes the
final record again, so that compaction (which keeps only the last record of a key) never leaves a
losing claim in place of a final state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from workers.timeutil import parse_time

CLAIMED, FAILED, PUBLISHED, DEAD = "claimed", "failed", "published", "dead"
FINAL = (PUBLISHED, DEAD)
SOURCE_PREFIX = "source:"


def _epoch(iso: str | None) -> float:
    return parse_time(iso).timestamp() if iso else 0.0


@dataclass(frozen=True)
class ArticleState:
    """The folded state of one article id."""

    state: str
    owner: str
    at: str  # ISO time the record was written
    attempts: int = 0
    source: str = ""
    entry: dict[str, Any] = field(default_factory=dict)  # FeedEntry.to_dict() of the entry
    error: str | None = None

    @property
    def final(self) -> bool:
        return self.state in FINAL

    def live_claim_by_other(self, owner: str, at_s: float, lease_s: float) -> bool:
        """Another process holds a claim that has not expired at `at_s`."""
        return self.state == CLAIMED and self.owner != owner and at_s < _epoch(self.at) + lease_s

    def to_record(self) -> dict[str, Any]:
        return {"kind": "article", "state": self.state, "owner": self.owner, "at": self.at,
                "attempts": self.attempts, "source": self.source, "entry": self.entry, "error": self.error}

    @classmethod
    def from_record(cls, doc: dict[str, Any]) -> "ArticleState":
        return cls(state=str(doc["state"]), owner=str(doc.get("owner") or ""), at=str(doc["at"]),
                   attempts=int(doc.get("attempts") or 0), source=str(doc.get("source") or ""),
                   entry=dict(doc.get("entry") or {}), error=doc.get("error"))


def fold_article(current: ArticleState | None, record: ArticleState, lease_s: float) -> ArticleState:
    """The state after `record`, read in offset order after `current`."""
    if current is None:
        return record
    if current.final:
        return current  # final records are never undone
    if record.state == CLAIMED and current.live_claim_by_other(record.owner, _epoch(record.at), lease_s):
        return current  # someone else is fetching it: this claim loses
    if record.state == CLAIMED:
        return replace(record, attempts=current.attempts, entry=record.entry or current.entry)
    return record


@dataclass
class SourceState:
    """A source's feed validators and health, as remembered across restarts."""

    source: str
    feed: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_poll: str | None = None
    last_success: str | None = None
    failing_since: str | None = None
    failing_long_logged: bool = False
    last_error: dict[str, str] | None = None  # {"kind", "detail", "at"}
    entries_seen: int = 0
    published: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    bad_document: str | None = None  # digest of the last feed document dead-lettered (not again)

    def to_record(self) -> dict[str, Any]:
        return {"kind": "source", "source": self.source, "feed": self.feed, "etag": self.etag,
                "last_modified": self.last_modified, "last_poll": self.last_poll,
                "last_success": self.last_success, "failing_since": self.failing_since,
                "failing_long_logged": self.failing_long_logged, "last_error": self.last_error,
                "entries_seen": self.entries_seen, "published": self.published, "errors": dict(self.errors),
                "bad_document": self.bad_document}

    @classmethod
    def from_record(cls, doc: dict[str, Any]) -> "SourceState":
        return cls(source=str(doc["source"]), feed=str(doc.get("feed") or ""), etag=doc.get("etag"),
                   last_modified=doc.get("last_modified"), last_poll=doc.get("last_poll"),
                   last_success=doc.get("last_success"), failing_since=doc.get("failing_since"),
                   failing_long_logged=bool(doc.get("failing_long_logged")), last_error=doc.get("last_error"),
                   entries_seen=int(doc.get("entries_seen") or 0), published=int(doc.get("published") or 0),
                   errors={str(k): int(v) for k, v in (doc.get("errors") or {}).items()},
                   bad_document=doc.get("bad_document"))


class IngestState:
    """Every record of the state topic folded: articles by id, sources by name."""

    def __init__(self, lease_s: float) -> None:
        self.lease_s = lease_s
        self.articles: dict[str, ArticleState] = {}
        self.sources: dict[str, SourceState] = {}

    def apply(self, key: str, value: dict[str, Any] | None) -> None:
        """Fold one record (None: a tombstone) read from the topic in offset order."""
        if key.startswith(SOURCE_PREFIX):
            if value is None:
                self.sources.pop(key[len(SOURCE_PREFIX):], None)
            else:
                state = SourceState.from_record(value)
                self.sources[state.source] = state
            return
        if value is None:
            self.articles.pop(key, None)
            return
        self.articles[key] = fold_article(self.articles.get(key), ArticleState.from_record(value), self.lease_s)

    def may_claim(self, article_id: str, owner: str, now_s: float, max_attempts: int) -> bool:
        """Whether `owner` should try to fetch the article now (not final, not held by another, tries left)."""
        current = self.articles.get(article_id)
        if current is None:
            return True
        if current.final or current.live_claim_by_other(owner, now_s, self.lease_s):
            return False
        return current.attempts < max_attempts

    def won(self, article_id: str, owner: str, claim_at: str) -> bool:
        """After our claim was read back: whether it is the one that holds the article."""
        current = self.articles.get(article_id)
        return current is not None and current.state == CLAIMED and current.owner == owner and current.at == claim_at

    def pending(self, source: str) -> dict[str, ArticleState]:
        """Articles of `source` whose last attempt failed (retried at its next poll)."""
        return {k: a for k, a in self.articles.items() if a.state == FAILED and a.source == source}


def source_key(name: str) -> str:
    """The state-topic key of a source's record."""
    return SOURCE_PREFIX + name
