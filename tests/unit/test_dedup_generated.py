"""Precision and recall of dedup on generated pairs: republications vs same-event reports."""

from __future__ import annotations

import random

from workers.records import ExtractedArticle
from workers.stage2_dedup.core import DedupIndex
from tests.support.synthetic import Voice, corpus_pairs, make_event, republish, write_article

PAIRS = 300  # 150 republications, 150 same-event reports in other words


def _article(article_id: str, text: str, hour: int = 0) -> ExtractedArticle:
    return ExtractedArticle(article_id=article_id, source=f"outlet-{article_id}", url=None,
                            published_at=f"2024-02-17T{hour:02d}:00:00Z", title=None, text=text, language="en",
                            language_probability=0.99, content_type="text/plain")


def _scores(predicted: list[bool], truth: list[bool]) -> tuple[float, float]:
    tp = sum(p and t for p, t in zip(predicted, truth))
    fp = sum(p and not t for p, t in zip(predicted, truth))
    fn = sum(t and not p for p, t in zip(predicted, truth))
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_precision_and_recall_on_generated_pairs() -> None:
    pairs = corpus_pairs(seed=2024, n=PAIRS)
    predicted, truth = [], []
    for i, (earlier, later, is_dup) in enumerate(pairs):
        index = DedupIndex()
        first = _article(f"e{i}", earlier)
        index.remember(first, index.check(first), 0.0)
        d = index.check(_article(f"l{i}", later, hour=3))
        predicted.append(d.is_duplicate and d.duplicate.duplicate_of == f"e{i}")
        truth.append(is_dup)
    precision, recall = _scores(predicted, truth)
    print(f"\ndedup on {len(pairs)} generated pairs ({sum(truth)} republications): "
          f"precision {precision:.3f} recall {recall:.3f}")
    assert sum(truth) >= 100 and len(truth) - sum(truth) >= 100
    assert precision >= 0.95 and recall >= 0.95


def test_one_shared_index_finds_each_copy_s_own_original() -> None:
    """All stories in one index (with same-event reports that share stock phrasing): no cross-talk."""
    rng = random.Random(77)
    index = DedupIndex()
    copies, rewrites = [], []
    for i in range(120):
        event = make_event(rng)
        text = write_article(Voice(rng.randrange(1 << 30)), event)
        original = _article(f"o{i}", text)
        index.remember(original, index.check(original), 0.0)
        copies.append((f"o{i}", republish(rng, text, event)))
        rewrites.append(write_article(Voice(rng.randrange(1 << 30)), event))  # same vocabulary, other reporter
    predicted, truth = [], []
    for i, (orig_id, copy) in enumerate(copies):
        d = index.check(_article(f"c{i}", copy, hour=5))
        predicted.append(d.is_duplicate and d.duplicate.duplicate_of == orig_id)
        truth.append(True)
    for i, text in enumerate(rewrites):
        predicted.append(index.check(_article(f"r{i}", text, hour=6)).is_duplicate)
        truth.append(False)
    precision, recall = _scores(predicted, truth)
    print(f"\ndedup in one index of 120 stories, {len(truth)} checks: precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95
