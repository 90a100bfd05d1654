"""Dedup core: is this article a copy of an earlier one, and are earlier arrivals copies of it? Pure.

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
    The stage (stage.py) keeps a changelog-backed table (key: article_id, or doc:<article_id>;
    value: the JSON-serialisable dict `remember()` returns) and applies every write `remember()`
    and `expire()` return (value None = delete), after the step's messages are sent. On start-up
    or after a rebalance it calls `restore(key, value)` for every entry of the table; the
    in-memory LSH is rebuilt from the stored signatures, so nothing is recomputed from text. A
    SIGKILL between the output and the table write is harmless: the redelivered article gets the
    same answer, computed again, or repeated from the table (see Replays).

Order
    The original of a set of copies is the earliest by (published_at, article_id), whatever arrives
    first, so the labels are a function of the set of articles, not of their arrival order. An
    article A is a copy when an article earlier in that order holds it: the same fingerprint
    (exact), or a near-duplicate that contains A (see below). Both directions are checked on
    arrival: a new article is compared with the earlier articles remembered (is it a copy?) and with
    the later ones that are still originals (are they copies of it?). The second case is an original
    arriving after its copy (a backlog read from several partitions, a late feed): the copy is
    re-labelled, in `DedupDecision.relabels`, and the stage sends it again on the duplicates topic
    with its extracted article, so its claims downstream become republications. That needs the
    copy's article: the index keeps the extracted article of the last `keep_articles` originals
    (table keys `doc:<article_id>`); an original older than that can no longer be re-labelled.
    A copy's `duplicate_of` is the earliest original it reaches through the articles that hold it;
    when an arrival gives a copy an earlier original, the copies it holds follow (`_cascade`), so
    which original a copy names does not depend on arrival order either.

Memory
    Exact copies are found whatever the gap between publication dates, and near copies too: the
    window bounds memory, not the distance between dates. An article is remembered for `window_s`
    of processing time (since it arrived) and at most `max_entries` are kept, the earliest arrivals
    going first; an article forgotten cannot be matched any more.

Exact and near duplicates
    Exact: sha256 of the normalised text (case, punctuation, whitespace folded). Near:
    MinHash (datasketch) over word shingles of the body (headline and short lines left out:
    see shingles.py) and banded LSH (bands.py). The later article is a near-duplicate of the
    earlier one when the estimated share of its shingles found in the earlier, the containment, reaches
    `threshold`: a republication that adds a footer or drops paragraphs still is one, while
    an article that copies a report and adds as much of its own news, or a live blog that
    quotes it, is not. Two guards keep new reports out of the duplicates: the estimated
    Jaccard similarity must reach `min_jaccard` (a short item sharing stock sentences with a
    long one), and at least `min_names` of the later article's names and figures must be
    known to the earlier one (names.py: yesterday's bulletin from the same template, about
    other places and numbers, shares most shingles with today's). The similarity reported is
    the estimated Jaccard similarity (1.0 for an exact copy).

Replays
    An article_id seen before is never a duplicate of itself: `check()` repeats its current
    label (original, or duplicate, a re-label included) with `replay=True`, and `remember()` does
    nothing for it, so Kafka redeliveries and whole replays are idempotent.
"""

from __future__ import annotations

import heapq
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from workers.records import DuplicateRecord, ExtractedArticle
from workers.settings import Settings, setting_default
from workers.stage2_dedup import minhash, names
from workers.stage2_dedup.bands import BandIndex
from workers.stage2_dedup.shingles import body_indices, fingerprint, paragraphs, shingle_hashes

STATE_VERSION = 2
MIN_TERMS = 5  # fewer names and figures than this say too little to veto a copy
DOC_PREFIX = "doc:"  # table keys of the extracted articles kept for re-labelling


@dataclass(frozen=True)
class DedupConfig:
    """Parameters of duplicate detection (settings FRONTWIRE_DEDUP_*)."""

    # estimated containment of the later article in the earlier one
    threshold: float = setting_default("dedup_threshold")
    min_jaccard: float = 0.3  # and at least this estimated Jaccard similarity
    min_names: float = 0.6  # and at least this share of the later article's names and figures known to the earlier
    shingle: int = setting_default("dedup_shingle")  # words per shingle
    permutations: int = setting_default("dedup_permutations")  # MinHash permutations
    # how long an article is remembered after it arrived (processing time)
    window_s: float = setting_default("dedup_window_days") * 86400.0
    seed: int = 1  # MinHash seed: changing it invalidates the stored signatures
    band_rows: int = 3  # LSH rows per band; permutations // band_rows bands
    min_words: int = 5  # shorter paragraphs (datelines, credits) are not shingled
    max_entries: int = 1_000_000  # hard cap on remembered articles; the earliest arrivals go first
    keep_articles: int = setting_default("dedup_keep_articles")  # originals kept whole for re-labelling

    @classmethod
    def from_settings(cls, settings: Settings) -> "DedupConfig":
        """The config the FRONTWIRE_DEDUP_* settings describe (other fields keep their defaults)."""
        return cls(threshold=settings.dedup_threshold, shingle=settings.dedup_shingle,
                   permutations=settings.dedup_permutations, window_s=settings.dedup_window_days * 86400.0,
                   keep_articles=settings.dedup_keep_articles)

    def state_tag(self) -> str:
        """What stored signatures depend on: entries with another tag are not restored."""
        return f"v{STATE_VERSION}:k{self.shingle}:p{self.permutations}:s{self.seed}:w{self.min_words}"


@dataclass(frozen=True)
class ArticleFeatures:
    """What the index keeps of an article: event time, fingerprint, shingle count, signature, names."""

    ts: float
    fp: str  # first 128 bits of the sha256 fingerprint, hex
    n: int  # distinct shingles of the body
    sig: np.ndarray | None  # MinHash hash values; None when the text has no words
    terms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))  # hashes of names and figures


@dataclass(frozen=True)
class DedupDecision:
    """The answer for one article: original or duplicate (with its `DuplicateRecord`), and any re-labels."""

    article_id: str
    is_duplicate: bool
    duplicate: DuplicateRecord | None
    fingerprint: str
    replay: bool = False  # the article_id was seen before; its current label is repeated
    jaccard: float | None = None  # estimated Jaccard similarity with the best candidate (>= min_jaccard)
    containment: float | None = None  # estimated share of this article found in the best candidate
    candidates: int = 0  # LSH candidates with at least min_jaccard
    relabels: list[DuplicateRecord] = field(default_factory=list)  # earlier arrivals that copy this article
    repoints: list[tuple[str, str, str]] = field(default_factory=list)  # (copy, its earlier original, its source)
    features: ArticleFeatures | None = field(default=None, repr=False, compare=False)


class _Entry:
    """One remembered article."""

    __slots__ = ("ts", "fp", "n", "source", "_names", "of", "kind", "sim", "osrc", "at", "seq", "published_at", "url")

    def __init__(self, v: dict[str, Any]) -> None:
        self.ts, self.fp, self.n = float(v["t"]), str(v["fp"]), int(v["n"])
        self.source = sys.intern(str(v["src"]))
        self._names = names.decode(v["nm"]).tobytes() if v.get("nm") is not None else None  # bytes: compact
        self.of, self.kind, self.sim = v.get("of"), v.get("kind"), v.get("sim")
        self.osrc = sys.intern(v["osrc"]) if v.get("osrc") else None
        self.at, self.seq = float(v["at"]), int(v["q"])
        self.published_at, self.url = str(v["pa"]), v.get("u")

    @property
    def names(self) -> np.ndarray | None:
        """Hashes of the article's names and figures (sorted), or None when it had no words."""
        return np.frombuffer(self._names, dtype=np.uint32) if self._names is not None else None


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


def _containment(n_self: int, n_other: int, jaccard: float) -> float:
    """Estimated share of an article's n_self shingles found in another one's n_other, from their Jaccard."""
    return min(1.0, jaccard * (n_self + n_other) / (1.0 + jaccard) / n_self) if n_self else 0.0


class DedupIndex:
    """Articles remembered within the window, searchable for exact and near copies in both directions."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        config = config or DedupConfig()
        if not 0.0 < config.threshold <= 1.0:
            raise ValueError(f"threshold {config.threshold} is not in (0, 1]")
        self.config = config
        self._tag = config.state_tag()
        self._entries: dict[str, _Entry] = {}
        self._by_fp: dict[str, str] = {}  # fingerprint -> the earliest (event order) article having it
        self._copies: dict[str, set[str]] = {}  # original -> the remembered copies pointing at it
        if not 1 <= config.band_rows <= config.permutations:
            raise ValueError(f"band_rows {config.band_rows} does not fit {config.permutations} permutations")
        self._lsh = BandIndex(config.permutations, config.permutations // config.band_rows, config.band_rows)
        self._heap: list[tuple[int, str]] = []  # (arrival sequence, key): the earliest arrival first
        self._docs: dict[str, dict[str, Any]] = {}  # originals' extracted articles, for re-labelling
        self._doc_heap: list[tuple[int, str]] = []
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def original_of(self, article_id: str) -> str | None:
        """The original a remembered article copies (re-labels included); None for an original or an unknown id."""
        e = self._entries.get(article_id)
        return e.of if e is not None else None

    def features(self, article: ExtractedArticle) -> ArticleFeatures:
        """Event time, fingerprint, shingles' MinHash, names and figures of one article.

        An unreadable `published_at` (extraction rejects them) counts as the epoch.
        """
        ts = parse_time(article.published_at) or 0.0
        raw, paras = paragraphs(article.text)
        body = body_indices(paras, article.title, self.config.min_words)
        hashes = shingle_hashes([paras[i] for i in body], self.config.shingle)
        sig = minhash.signature(hashes, self.config.permutations, self.config.seed) if hashes.size else None
        terms = names.term_hashes(names.key_terms([raw[i] for i in body]))
        return ArticleFeatures(ts=ts, fp=fingerprint(paras)[:32], n=int(hashes.size), sig=sig, terms=terms)

    def check(self, article: ExtractedArticle) -> DedupDecision:
        """Decide whether `article` copies an earlier one, and which later arrivals copy it; the index is not changed."""
        seen = self._entries.get(article.article_id)
        if seen is not None:
            return self._replayed(article, seen)
        f = self.features(article)
        if f.sig is None:
            return DedupDecision(article.article_id, False, None, f.fp, features=f)
        me = (f.ts, article.article_id)
        # earlier articles holding this one, ranked (root's key, not exact, -containment, -Jaccard, key): min wins
        best: tuple[tuple[float, str], bool, float, float, str] | None = None
        later: list[tuple[str, str, float]] = []  # (key, kind, Jaccard) of later originals this one holds
        copies: list[str] = []  # later copies this one holds: they may have an earlier original through it
        holder = self._by_fp.get(f.fp)
        if holder is not None:
            e = self._entries[holder]
            if (e.ts, holder) < me:
                best = (self._root_key(holder), False, -1.0, -1.0, holder)
            elif e.of is None:
                later.append((holder, "exact", 1.0))
            else:
                copies.append(holder)
        candidates = self._lsh.query(f.sig, self.config.min_jaccard)
        near_best: tuple[float, float] | None = None
        for key, jac in candidates:
            if key == holder:
                continue
            e = self._entries[key]
            if (e.ts, key) < me:
                cont = _containment(f.n, e.n, jac)
                if near_best is None or (cont, jac) > near_best:
                    near_best = (cont, jac)
                if cont >= self.config.threshold and self._names_known(f.terms, e.names):
                    cand = (self._root_key(key), True, -cont, -jac, key)
                    if best is None or cand < best:
                        best = cand
            elif _containment(e.n, f.n, jac) >= self.config.threshold and self._names_known(e.names, f.terms):
                if e.of is None:
                    later.append((key, "near", jac))
                else:
                    copies.append(key)
        if best is not None:
            kind = "near" if best[1] else "exact"
            decision = self._duplicate(article, f, best[4], kind, -best[3] if best[1] else 1.0,
                                       -best[2] if best[1] else 1.0, len(candidates))
            root, root_source = decision.duplicate.duplicate_of, decision.duplicate.original_source  # type: ignore[union-attr]
        else:
            decision = DedupDecision(article.article_id, False, None, f.fp, jaccard=near_best[1] if near_best else None,
                                     containment=near_best[0] if near_best else None, candidates=len(candidates),
                                     features=f)
            root, root_source = article.article_id, article.source
        decision.relabels.extend(self._relabel(key, kind, jac, root, root_source) for key, kind, jac in sorted(later))
        root_key = (f.ts, root) if root == article.article_id else self._root_key(root)
        decision.repoints.extend((key, root, root_source) for key in sorted(copies)
                                 if root_key < self._root_key(key))
        return decision

    def remember(self, article: ExtractedArticle, decision: DedupDecision, now: float) -> list[tuple[str, Any]]:
        """Add `article` with its decision (and apply its re-labels) at processing time `now`; returns the table writes."""
        if decision.article_id != article.article_id:
            raise ValueError(f"decision is for {decision.article_id!r}, not {article.article_id!r}")
        if article.article_id in self._entries:
            return []
        f = decision.features or self.features(article)
        dup = decision.duplicate
        self._seq += 1
        value: dict[str, Any] = {
            "tag": self._tag, "t": f.ts, "fp": f.fp, "n": f.n, "src": article.source,
            "sig": minhash.encode(f.sig) if f.sig is not None else None,
            "nm": names.encode(f.terms) if f.sig is not None else None,
            "of": dup.duplicate_of if dup else None, "kind": dup.kind if dup else None,
            "sim": dup.similarity if dup else None, "osrc": dup.original_source if dup else None,
            "at": now, "q": self._seq, "pa": article.published_at, "u": article.url,
        }
        self._add(article.article_id, value, f.sig)
        writes: list[tuple[str, Any]] = [(article.article_id, value)]
        for rec in decision.relabels:
            writes.extend(self._apply_relabel(rec))
        for key, root, root_source in decision.repoints:
            writes.extend(self._repoint(key, root, root_source))
        writes.extend(self._cascade([r.article_id for r in decision.relabels] + [k for k, _, _ in decision.repoints]))
        if dup is None and f.sig is not None and self.config.keep_articles > 0:
            doc = {"tag": self._tag, "q": self._seq, "article": article.to_dict()}
            self._keep_doc(article.article_id, doc)
            writes.append((DOC_PREFIX + article.article_id, doc))
            while len(self._docs) > self.config.keep_articles:
                writes.extend(self._drop_oldest_doc())
        while len(self._entries) > self.config.max_entries:
            writes.extend(self._evict_oldest())
        return writes

    def restore(self, key: str, value: object) -> bool:
        """Rebuild one remembered article (or kept article) from its table entry; False if the entry is unusable."""
        if not isinstance(value, dict) or value.get("tag") != self._tag:
            return False
        try:
            if key.startswith(DOC_PREFIX):
                self._keep_doc(key[len(DOC_PREFIX):], value)
                return True
            if key in self._entries:
                return False
            sig = minhash.decode(value["sig"], self.config.permutations) if value.get("sig") else None
            self._add(key, value, sig)
        except (KeyError, TypeError, ValueError):
            return False
        return True

    def expire(self, now: float) -> list[tuple[str, None]]:
        """Forget articles that arrived more than the window before processing time `now`; returns the deletes."""
        horizon = now - self.config.window_s
        out: list[tuple[str, None]] = []
        while self._heap:
            seq, key = self._heap[0]
            e = self._entries.get(key)
            if e is None or e.seq != seq:
                heapq.heappop(self._heap)
                continue
            if e.at >= horizon:
                break
            heapq.heappop(self._heap)
            out.extend(self._forget(key))
        return out

    def memory_bytes(self) -> int:
        """Bytes held by the signature and band arrays (Python objects not counted)."""
        return self._lsh.nbytes()

    def _add(self, key: str, v: dict[str, Any], sig: np.ndarray | None) -> None:
        e = _Entry(v)
        self._entries[key] = e
        if e.of is not None:
            self._copies.setdefault(e.of, set()).add(key)
        self._seq = max(self._seq, e.seq)
        if sig is not None:
            self._lsh.add(key, sig)
            holder = self._by_fp.get(e.fp)
            if holder is None or (e.ts, key) < (self._entries[holder].ts, holder):
                self._by_fp[e.fp] = key
        heapq.heappush(self._heap, (e.seq, key))

    def _value(self, key: str, e: _Entry) -> dict[str, Any]:
        """The table value of a remembered article, as `remember` wrote it (after any re-label)."""
        sig = self._lsh.signature(key) if key in self._lsh else None
        return {"tag": self._tag, "t": e.ts, "fp": e.fp, "n": e.n, "src": e.source,
                "sig": minhash.encode(sig) if sig is not None else None,
                "nm": names.encode(e.names) if e.names is not None else None,
                "of": e.of, "kind": e.kind, "sim": e.sim, "osrc": e.osrc, "at": e.at, "q": e.seq,
                "pa": e.published_at, "u": e.url}

    def _root_key(self, key: str) -> tuple[float, str]:
        """The event-order key of the original a remembered article copies (its own if it is an original)."""
        e = self._entries[key]
        root = self._entries.get(e.of) if e.of is not None else None
        return (root.ts, e.of) if root is not None and e.of is not None else (e.ts, key)

    def _repoint(self, key: str, root: str, root_source: str) -> list[tuple[str, Any]]:
        """A copy gets an earlier original (found through an article that arrived after it); the table write."""
        e = self._entries[key]
        if e.of is not None:
            self._copies.get(e.of, set()).discard(key)
        e.of, e.osrc = root, root_source
        self._copies.setdefault(root, set()).add(key)
        return [(key, self._value(key, e))]

    def _cascade(self, changed: list[str]) -> list[tuple[str, Any]]:
        """Copies held by an article whose original just became earlier get that original too, and so on."""
        writes: list[tuple[str, Any]] = []
        queue = list(changed)
        while queue:
            key = queue.pop()
            e = self._entries.get(key)
            if e is None or e.of is None or key not in self._lsh:
                continue
            root_key = self._root_key(key)
            for other, jac in self._lsh.query(self._lsh.signature(key), self.config.min_jaccard):
                o = self._entries[other]
                if o.of is None or (o.ts, other) <= (e.ts, key) or root_key >= self._root_key(other):
                    continue
                if _containment(o.n, e.n, jac) >= self.config.threshold and self._names_known(o.names, e.names):
                    writes.extend(self._repoint(other, e.of, e.osrc or ""))
                    queue.append(other)
        return writes

    def _names_known(self, terms: np.ndarray | None, known: np.ndarray | None) -> bool:
        """False when the later article (`terms`) names places, people or figures the earlier one (`known`) lacks."""
        if known is None or terms is None or terms.size < MIN_TERMS:
            return True
        return names.share_known(terms, known) >= self.config.min_names

    def _forget(self, key: str) -> list[tuple[str, None]]:
        e = self._entries.pop(key)
        if e.of is not None:
            self._copies.get(e.of, set()).discard(key)
        self._lsh.remove(key)
        if self._by_fp.get(e.fp) == key:
            del self._by_fp[e.fp]
        out: list[tuple[str, None]] = [(key, None)]
        if self._docs.pop(key, None) is not None:
            out.append((DOC_PREFIX + key, None))
        return out

    def _evict_oldest(self) -> list[tuple[str, None]]:
        while self._heap:
            seq, key = heapq.heappop(self._heap)
            e = self._entries.get(key)
            if e is not None and e.seq == seq:
                return self._forget(key)
        return []

    def _keep_doc(self, key: str, doc: dict[str, Any]) -> None:
        self._docs[key] = doc
        heapq.heappush(self._doc_heap, (int(doc["q"]), key))

    def _drop_oldest_doc(self) -> list[tuple[str, None]]:
        while self._doc_heap:
            seq, key = heapq.heappop(self._doc_heap)
            doc = self._docs.get(key)
            if doc is not None and int(doc["q"]) == seq:
                del self._docs[key]
                return [(DOC_PREFIX + key, None)]
        return []

    def _relabel(self, key: str, kind: str, jac: float, root: str, root_source: str) -> DuplicateRecord:
        """The duplicate record that re-labels the remembered original `key` as a copy of `root`."""
        e = self._entries[key]
        doc = self._docs.get(key)
        return DuplicateRecord(article_id=key, duplicate_of=root, similarity=round(jac, 4), kind=kind,
                               source=e.source, url=e.url, published_at=e.published_at, original_source=root_source,
                               article=ExtractedArticle.from_dict(doc["article"]) if doc else None)

    def _apply_relabel(self, rec: DuplicateRecord) -> list[tuple[str, Any]]:
        """Make the original `rec.article_id` a copy of `rec.duplicate_of`; its own copies follow to the new root."""
        e = self._entries[rec.article_id]
        e.of, e.kind, e.sim, e.osrc = rec.duplicate_of, rec.kind, rec.similarity, rec.original_source
        writes: list[tuple[str, Any]] = [(rec.article_id, self._value(rec.article_id, e))]
        if self._docs.pop(rec.article_id, None) is not None:
            writes.append((DOC_PREFIX + rec.article_id, None))
        followers = self._copies.pop(rec.article_id, set())
        self._copies.setdefault(rec.duplicate_of, set()).update(followers | {rec.article_id})
        for key in sorted(followers):
            c = self._entries[key]
            c.of, c.osrc = rec.duplicate_of, rec.original_source
            writes.append((key, self._value(key, c)))
        return writes

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
