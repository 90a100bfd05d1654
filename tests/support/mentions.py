"""Mention precision and recall against gold sets (gold.json `mentions`), texts from the extraction stage.

Files are read as `frontwire replay` reads them (`workers.stage0_replay.core`) and scored with the
counts `frontwire eval` uses (`workers.evaluate.Counts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workers.evaluate import Counts
from workers.records import RawArticle, Rejection
from workers.settings import setting_default
from workers.stage0_replay.core import ARTICLE_TYPES, Skipped, article_from_file
from workers.stage1_extract.core import extract_article
from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer


@dataclass(frozen=True)
class GoldArticle:
    """One article of a gold set: its extracted text and the settlement ids the gold says it mentions."""

    scenario: str
    stem: str
    text: str
    language: str | None
    gold: frozenset[int]


@dataclass
class MentionReport:
    """Micro-averaged mention precision/recall over articles (set of ids per article)."""

    counts: Counts = field(default_factory=Counts)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        return self.counts.recall

    def summary(self) -> str:
        """One line: precision, recall and counts."""
        c = self.counts
        return f"mention precision {self.precision:.3f} recall {self.recall:.3f} (tp={c.tp} fp={c.fp} fn={c.fn})"


def extracted_text(path: Path) -> tuple[str, str | None]:
    """Main text and language of one article file, read as replay reads it, through the extraction stage."""
    item = article_from_file(path, setting_default("max_message_bytes"))
    if isinstance(item, Skipped):
        raise ValueError(f"{path.name}: replay skips it ({item.reason})")
    result = extract_article(RawArticle.from_dict(item.value))
    if isinstance(result, Rejection):
        raise ValueError(f"{path.name}: extraction rejected it ({result.reason}: {result.detail})")
    return result.text, result.language


def gold_articles(gold_dirs: Iterable[Path]) -> Iterator[GoldArticle]:
    """Every article of every gold directory that has a `mentions` entry in its gold.json."""
    for d in gold_dirs:
        gold = json.loads((d / "gold.json").read_text(encoding="utf-8"))
        mentions = gold.get("mentions", {})
        for path in sorted(d.iterdir()):
            if path.suffix.lower() not in ARTICLE_TYPES or path.stem not in mentions:
                continue
            text, language = extracted_text(path)
            yield GoldArticle(d.name, path.stem, text, language, frozenset(int(i) for i in mentions[path.stem]))


def evaluate(articles: Iterable[GoldArticle], gazetteer: Gazetteer) -> MentionReport:
    """Compare predicted and gold id sets per article; errors name each miss and false hit."""
    report = MentionReport()
    for a in articles:
        predicted = {m.settlement.id for m in find_mentions(a.text, gazetteer, language=a.language)}
        report.counts.add(Counts.of(predicted, set(a.gold)))
        for sid in sorted(predicted - a.gold):
            report.errors.append(f"{a.scenario}/{a.stem}: false {sid} {gazetteer.ref(sid).name}")
        for sid in sorted(a.gold - predicted):
            name = gazetteer.ref(sid).name if sid in gazetteer else "?"
            report.errors.append(f"{a.scenario}/{a.stem}: missed {sid} {name}")
    return report
