"""Mention precision and recall on the gold sets (dev scenarios and seeds) must each stay at or above 0.95."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.mentions import evaluate, gold_articles
from workers.stage3_normalize.gazetteer import Gazetteer

pytestmark = pytest.mark.eval

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FLOOR = 0.95


def _gold_dirs() -> list[Path]:
    dev = SHARED / "eval" / "dev"
    dirs = sorted(d for d in dev.iterdir() if (d / "gold.json").exists()) if dev.is_dir() else []
    seeds = SHARED / "seeds" if (SHARED / "seeds" / "gold.json").exists() else ROOT / "seeds"
    if (seeds / "gold.json").exists():
        dirs.append(seeds)
    return dirs


def test_mention_precision_and_recall_on_gold_sets(gazetteer: Gazetteer):
    dirs = _gold_dirs()
    if not dirs:
        pytest.skip("no gold sets beside the project")
    articles = list(gold_articles(dirs))
    assert len(articles) >= 10
    report = evaluate(articles, gazetteer)
    print(f"\n{len(articles)} articles in {len(dirs)} gold sets: {report.summary()}")
    for line in report.errors:
        print("  ", line)
    assert report.precision >= FLOOR, report.errors
    assert report.recall >= FLOOR, report.errors
