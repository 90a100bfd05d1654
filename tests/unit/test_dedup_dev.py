"""Development scenarios: the three republished wire stories are duplicates, nothing else is."""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path

import pytest

from workers.records import ExtractedArticle, RawArticle
from workers.stage2_dedup.core import DedupIndex

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev"
pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"development scenarios not found at {DEV}")

SCENARIOS = sorted(p for p in DEV.iterdir() if p.is_dir()) if DEV.is_dir() else []
# (scenario, later article, the article it republishes), from the scenarios' gold notes.
REPUBLISHED = {
    ("avdiivka-2024-02", "03-avdiivka-withdrawal-copy"): "02-avdiivka-withdrawal",
    ("kharkiv-2022-09-balakliia", "05-izium-withdrawal-republished"): "04-izium-withdrawal-wire",
    ("luhansk-2022-06-sievierodonetsk", "06-lysychansk-republished"): "05-lysychansk-withdrawal",
}


def _raw(path: Path) -> RawArticle:
    meta_path = path.with_name(path.stem + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return RawArticle(article_id=path.stem, source=meta.get("source", path.stem), url=meta.get("url"),
                      published_at=meta.get("published_at", "2024-01-01T00:00:00Z"),
                      content_type="text/html" if path.suffix == ".html" else "text/plain",
                      body=path.read_text(encoding="utf-8"), language=meta.get("language"), filename=path.name)


def _extracted(path: Path) -> ExtractedArticle:
    """The article as the extraction stage gives it (trafilatura directly if that stage is unavailable)."""
    raw = _raw(path)
    try:
        from workers.stage1_extract.core import extract_article

        result = extract_article(raw)
        if isinstance(result, ExtractedArticle):
            return result
    except ImportError:
        pass
    import trafilatura

    text = raw.body or ""
    if path.suffix == ".html":
        text = trafilatura.extract(text, include_comments=False) or ""
    return ExtractedArticle(article_id=raw.article_id, source=raw.source, url=raw.url, published_at=raw.published_at,
                            title=None, text=text, language="en", language_probability=1.0,
                            content_type=raw.content_type)


@lru_cache(maxsize=None)
def _articles(scenario: Path) -> tuple[ExtractedArticle, ...]:
    return tuple(_extracted(p) for p in sorted(scenario.iterdir()) if p.suffix in (".txt", ".html"))


def test_every_republication_is_listed() -> None:
    assert {s for s, _ in REPUBLISHED} <= {p.name for p in SCENARIOS}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_scenario_replayed_in_order(scenario: Path) -> None:
    index = DedupIndex()
    found = {}
    for art in _articles(scenario):
        d = index.check(art)
        index.remember(art, d, 0.0)
        if d.is_duplicate:
            found[(scenario.name, art.article_id)] = d.duplicate.duplicate_of
    expected = {k: v for k, v in REPUBLISHED.items() if k[0] == scenario.name}
    assert found == expected


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_every_pair_in_scenario(scenario: Path) -> None:
    """Each pair alone in a fresh index: a duplicate exactly when one republishes the other."""
    for earlier, later in itertools.combinations(_articles(scenario), 2):
        index = DedupIndex()
        index.remember(earlier, index.check(earlier), 0.0)
        d = index.check(later)
        expected = REPUBLISHED.get((scenario.name, later.article_id)) == earlier.article_id
        assert d.is_duplicate == expected, (earlier.article_id, later.article_id, d.jaccard, d.containment)
        if expected:
            assert d.duplicate.kind == "near" and d.duplicate.source == later.source
            assert d.duplicate.original_source == earlier.source
