"""Dedup core: is this article a copy of one seen before? Pure; the agent owns Kafka and the table.

Keying and partitioning
    Near-duplicates must be findable whatever source, key or partition they come from, and no
    key of an article (id, source, url) says which story it copies. So the index is not
    partitioned: the `extracted` topic has ONE partition and one dedup worker sees every
    article. Extraction, the expensive stage, scales on the 4-partition `raw` topic; this
    core handles about a thousand articles a second on one core (bench/dedup.py: check +
    remember, 100,000 articles remembered), far above what the extractors feed it, so one
    consumer is enough. Scaling this stage means standby replicas (faust
    `table_standby_replicas`) for fast fail-over, not more partitions. Partitioning by a
    text feature (an LSH band per partition) would need each article sent to every band's
    partition and a join of the answers: not worth it at this rate.

State
    The agent keeps a changelog-backed faust Table (key: article_id; value: the
    JSON-serialisable dict `remember()` returns) and applies every write `remember()` and
    `expire()` return (value None = delete). On start-up or after a rebalance it calls
    `restore(key, value)` for every entry of the table; the in-memory LSH is rebuilt from the
    stored signatures, so nothing is recomputed from text. A SIGKILL between the output and
    the table write (or the other way round) is harmless: the redelivered article gets the
    same answer, either computed again or repeated from the table (see Replays).

Time
    The window runs on event time: an article's `published_at`. `check()` ignores
    remembered articles more than `window_s` away from the article's own time, so its answer
    does not depend on when `expire()` last ran, and never reads a clock. The agent calls
    `expire(now_ts)` with `min(index.watermark, wall-clock)`: the watermark (latest
    published_at remembered) lets a replay of 2022 reports dedup as they did then, the
    wall-clock cap keeps one article with a far-future date from wiping the index.
    `max_entries` bounds memory even when the window holds more articles than planned.

Exact and near duplicates
    Exact: sha256 of the normalised text (case, punctuation, whitespace folded). Near:
    MinHash (datasketch) over word shingles of the body (headline and short lines left out:
    see shingles.py) and banded LSH (bands.py). A candidate is a near-duplicate when the
    estimated share of the new article's shingles found in it, the containment, reaches
    `threshold`: a republication that adds a footer or drops paragraphs still is one, while
    an article that copies a report and adds as much of its own news, or a live blog that
    quotes it, is not. Two guards keep new reports out of the duplicates: the estimated
    Jaccard similarity must reach `min_jaccard` (a short item sharing stock sentences with a
    long one), and at least `min_names` of the new article's names and figures must be
    known to the earlier one (names.py: yesterday's bulletin from the same template, about
    other places and numbers, shares most shingles with today's). The similarity reported is
    the estimated Jaccard similarity (1.0 for an exact copy).

Replays
    An article_id seen before is never a duplicate of itself: `check()` repeats the first
    answer (original, or duplicate of the same original) with `replay=True`, and
    `remember()` does nothing for it, so Kafka redeliveries and whole replays are idempotent.
"""

from __future__ import annotations

import heapq
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from workers.records import DuplicateRecord, ExtractedArticle
from workers.settings import Settings
from workers.stage2_dedup import minhash, names
from workers.stage2_dedup.bands import BandIndex
from workers.stage2_dedup.shingles import body_indices, fingerprint, paragraphs, shingle_hashes

STATE_VERSION = 1
MIN_TERMS = 5  # fewer names and figures than this say too little to veto a copy


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of duplicate detection (settings FRONTWIRE_DEDUP_*)."""

    threshold: float = 0.55  # estimated containment of the new article in an earlier one
    min_jaccard: float = 0.3  # and at least this estimated Jaccard similarity
    min_names: float = 0.6  # and at least this share of its names and figures known to the earlier one
    shingle: int = 4  # words per shingle
    permutations: int = 128  # MinHash permutations
    window_s: float = 7 * 86400.0  # how long an article is remembered (event time)
    seed: int = 1  # MinHash seed: changing it invalidates the stored signatures
    band_rows: int = 3  # LSH rows per band; permutations // band_rows bands
    min_words: int = 5  # shorter paragraphs (datelines, credits) are not shingled
    max_entries: int = 1_000_000  # hard cap on remembered articles; the oldest go first

    @classmethod
    def from_settings(cls, settings: Settings) -> "DedupConfig":
        """The config the FRONTWIRE_DEDUP_* settings describe (other fields keep their defaults)."""
        return cls(threshold=settings.dedup_threshold, shingle=settings.dedup_shingle,
                   permutations=settings.dedup_permutations, window_s=settings.dedup_window_days * 86400.0)

    def state_tag(self) -> str:
        """What stored signatures depend on: entries with another tag are not restored."""
        return f"v{STATE_VERSION}:k{self.shingle}:p{self.permutations}:s{self.seed}:w{self.min_words}"


@dataclass(frozen=True)
class ArticleFeatures:
    """What the index keeps of an article: event time, fingerprint, shingle count, signature."""

    ts: float
    fp: str  # first 128 bits of the sha256 fingerprint, hex
    n: int  # distinct shingles of the body
    sig: np.ndarray | None  # MinHash hash values; None when the text has no words
    terms: frozenset[str] = frozenset()  # names and figures of the body (names.py)


@dataclass(frozen=True)
class DedupDecision:
    """The answer for one article: original or duplicate (with its `DuplicateRecord`)."""

    article_id: str
    is_duplicate: bool
    duplicate: DuplicateRecord | None
    fingerprint: str
    replay: bool = False  # the article_id was seen before; the first answer is repeated
    jaccard: float | None = None  # estimated Jaccard similarity with the best candidate (>= min_jaccard)
    containment: float | None = None  # estimated share of this article found in the best candidate
    candidates: int = 0  # LSH candidates with at least min_jaccard
    features: ArticleFeatures | None = field(default=None, repr=False, compare=False)


class _Entry:
    """One remembered article."""

    __slots__ = ("ts", "fp", "n", "source", "names", "of", "kind", "sim", "osrc")

    def __init__(self, v: dict[str, Any]) -> None:
        self.ts, self.fp, self.n = float(v["t"]), str(v["fp"]), int(v["n"])
        self.source = sys.intern(str(v["src"]))
        self.names = names.decode(v["nm"]) if v.get("nm") else None
        self.of, self.kind, self.sim = v.get("of"), v.get("kind"), v.get("sim")
        self.osrc = sys.intern(v["osrc"]) if v.get("osrc") else None


def parse_time(value: str | None) -> float | None:
    """Epoch seconds of an ISO 8601 time ('Z' accepted, naive = UTC), or None if unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


class DedupIndex:
    """Articles remembered within the window, searchable for exact and near copies."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        config = config or DedupConfig()
        if not 0.0 < config.threshold <= 1.0:
            raise ValueError(f"threshold {config.threshold} is not in (0, 1]")
        self.config = config
        self._tag = config.state_tag()
        self._entries: dict[str, _Entry] = {}
        self._by_fp: dict[str, str] = {}
        if not 1 <= config.band_rows <= config.permutations:
            raise ValueError(f"band_rows {config.band_rows} does not fit {config.permutations} permutations")
        self._lsh = BandIndex(config.permutations, config.permutations // config.band_rows, config.band_rows)
        self._heap: list[tuple[float, str]] = []
        self._watermark: float | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    @property
    def watermark(self) -> float | None:
        """Latest event time (epoch seconds) remembered or restored; None when empty."""
        return self._watermark

    def features(self, article: ExtractedArticle) -> ArticleFeatures:
        """Event time, fingerprint, shingles' MinHash, names and figures of one article.

        An unreadable `published_at` takes the watermark (0 for an empty index) as event time.
        """
        ts = parse_time(article.published_at)
        if ts is None:
            ts = self._watermark if self._watermark is not None else 0.0
        raw, paras = paragraphs(article.text)
        body = body_indices(paras, article.title, self.config.min_words)
        hashes = shingle_hashes([paras[i] for i in body], self.config.shingle)
        sig = minhash.signature(hashes, self.config.permutations, self.config.seed) if hashes.size else None
        terms = frozenset(names.key_terms([raw[i] for i in body]))
        return ArticleFeatures(ts=ts, fp=fingerprint(paras)[:32], n=int(hashes.size), sig=sig, terms=terms)

    def check(self, article: ExtractedArticle) -> DedupDecision:
        """Decide whether `article` copies a remembered one; the index is not changed."""
        seen = self._entries.get(article.article_id)
        if seen is not None:
            return self._replayed(article, seen)
        f = self.features(article)
        if f.sig is None:
            return DedupDecision(article.article_id, False, None, f.fp, features=f)
        window = self.config.window_s
        exact = self._by_fp.get(f.fp)
        if exact is not None and abs(self._entries[exact].ts - f.ts) <= window:
            return self._duplicate(article, f, exact, "exact", 1.0, 1.0, 0)
        # (containment, Jaccard, is an original, earlier, key): the max wins
        best: tuple[float, float, bool, float, str] | None = None
        candidates = self._lsh.query(f.sig, self.config.min_jaccard)
        for key, jac in candidates:
            e = self._entries[key]
            if abs(e.ts - f.ts) > window:
                continue
            cont = min(1.0, jac * (f.n + e.n) / (1.0 + jac) / f.n)
            if not self._same_names(f, e):
                continue
            cand = (cont, jac, e.of is None, -e.ts, key)
            if best is None or cand > best:
                best = cand
        if best is not None and best[0] >= self.config.threshold:
            return self._duplicate(article, f, best[4], "near", best[1], best[0], len(candidates))
        return DedupDecision(article.article_id, False, None, f.fp, jaccard=best[1] if best else None,
                             containment=best[0] if best else None, candidates=len(candidates), features=f)

    def remember(self, article: ExtractedArticle, decision: DedupDecision) -> list[tuple[str, Any]]:
        """Add `article` with its decision; returns the table writes (value None = delete)."""
        if decision.article_id != article.article_id:
            raise ValueError(f"decision is for {decision.article_id!r}, not {article.article_id!r}")
        if article.article_id in self._entries:
            return []
        f = decision.features or self.features(article)
        dup = decision.duplicate
        value: dict[str, Any] = {
            "tag": self._tag, "t": f.ts, "fp": f.fp, "n": f.n, "src": article.source,
            "sig": minhash.encode(f.sig) if f.sig is not None else None,
            "nm": names.encode(names.bloom(f.terms)) if f.sig is not None else None,
            "of": dup.duplicate_of if dup else None, "kind": dup.kind if dup else None,
            "sim": dup.similarity if dup else None, "osrc": dup.original_source if dup else None,
        }
        self._add(article.article_id, value, f.sig)
        writes: list[tuple[str, Any]] = [(article.article_id, value)]
        while len(self._entries) > self.config.max_entries:
            writes.extend(self._evict_oldest())
        return writes

    def restore(self, key: str, value: object) -> bool:
        """Rebuild one remembered article from its table entry; False if the entry is unusable."""
        if key in self._entries or not isinstance(value, dict) or value.get("tag") != self._tag:
            return False
        try:
            sig = minhash.decode(value["sig"], self.config.permutations) if value.get("sig") else None
            self._add(key, value, sig)
        except (KeyError, TypeError, ValueError):
            return False
        return True

    def expire(self, now_ts: float) -> list[tuple[str, None]]:
        """Forget articles published more than the window before `now_ts`; returns the deletes."""
        horizon = now_ts - self.config.window_s
        out: list[tuple[str, None]] = []
        while self._heap and self._heap[0][0] < horizon:
            ts, key = heapq.heappop(self._heap)
            e = self._entries.get(key)
            if e is not None and e.ts == ts:
                self._forget(key)
                out.append((key, None))
        return out

    def memory_bytes(self) -> int:
        """Bytes held by the signature and band arrays (Python objects not counted)."""
        return self._lsh.nbytes()

    def _add(self, key: str, v: dict[str, Any], sig: np.ndarray | None) -> None:
        e = _Entry(v)
        self._entries[key] = e
        if sig is not None:
            self._lsh.add(key, sig)
            self._by_fp.setdefault(e.fp, key)
        heapq.heappush(self._heap, (e.ts, key))
        if self._watermark is None or e.ts > self._watermark:
            self._watermark = e.ts

    def _same_names(self, f: ArticleFeatures, e: _Entry) -> bool:
        """False when the new article names places, people or figures the earlier one lacks."""
        if e.names is None or len(f.terms) < MIN_TERMS:
            return True
        return names.share_known(f.terms, e.names) >= self.config.min_names

    def _forget(self, key: str) -> None:
        e = self._entries.pop(key)
        self._lsh.remove(key)
        if self._by_fp.get(e.fp) == key:
            del self._by_fp[e.fp]

    def _evict_oldest(self) -> list[tuple[str, None]]:
        while self._heap:
            ts, key = heapq.heappop(self._heap)
            e = self._entries.get(key)
            if e is not None and e.ts == ts:
                self._forget(key)
                return [(key, None)]
        return []

    def _duplicate(self, article: ExtractedArticle, f: ArticleFeatures, key: str, kind: str, jac: float,
                   cont: float, ncand: int) -> DedupDecision:
        e = self._entries[key]
        root, osrc = (e.of, e.osrc) if e.of else (key, e.source)
        rec = DuplicateRecord(article_id=article.article_id, duplicate_of=root, similarity=round(jac, 4),
                              kind=kind, source=article.source, url=article.url,
                              published_at=article.published_at, original_source=osrc)
        return DedupDecision(article.article_id, True, rec, f.fp, jaccard=jac, containment=cont,
                             candidates=ncand, features=f)

    def _replayed(self, article: ExtractedArticle, e: _Entry) -> DedupDecision:
        if e.of is None:
            return DedupDecision(article.article_id, False, None, e.fp, replay=True)
        rec = DuplicateRecord(article_id=article.article_id, duplicate_of=e.of, similarity=float(e.sim or 0.0),
                              kind=e.kind or "near", source=article.source, url=article.url,
                              published_at=article.published_at, original_source=e.osrc)
        return DedupDecision(article.article_id, True, rec, e.fp, replay=True)
