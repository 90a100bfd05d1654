"""Mention precision and recall against gold sets (gold.json `mentions`), texts from the extraction stage."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workers.records import RawArticle
from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer

ARTICLE_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


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

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def summary(self) -> str:
        """One line: precision, recall and counts."""
        counts = f"tp={self.tp} fp={self.fp} fn={self.fn}"
        return f"mention precision {self.precision:.3f} recall {self.recall:.3f} ({counts})"


def _sidecar(path: Path) -> dict:
    for candidate in (path.with_suffix(".meta.json"), path.with_name(path.name + ".meta.json")):
        if candidate.exists():
            return json.loads(candidate.read_text(encoding="utf-8"))
    return {}


def raw_article(path: Path) -> RawArticle:
    """A file of a replay directory as the raw article the pipeline would see."""
    meta = _sidecar(path)
    return RawArticle(
        article_id=path.stem,
        source=meta.get("source") or path.stem,
        url=meta.get("url"),
        published_at=meta.get("published_at") or "1970-01-01T00:00:00Z",
        content_type=ARTICLE_SUFFIXES[path.suffix.lower()],
        body=path.read_text(encoding="utf-8", errors="replace"),
        language=meta.get("language"),
        filename=path.name,
    )


def extracted_text(path: Path) -> tuple[str, str | None]:
    """Main text and language of one article file, through the extraction stage."""
    from workers.records import Rejection
    from workers.stage1_extract.core import ExtractLimits, extract_article

    raw = raw_article(path)
    result = extract_article(raw, ExtractLimits())
    if isinstance(result, Rejection):
        raise ValueError(f"{path.name}: extraction rejected it ({result.reason}: {result.detail})")
    return result.text, result.language


def gold_articles(gold_dirs: Iterable[Path]) -> Iterator[GoldArticle]:
    """Every article of every gold directory that has a `mentions` entry in its gold.json."""
    for d in gold_dirs:
        gold = json.loads((d / "gold.json").read_text(encoding="utf-8"))
        mentions = gold.get("mentions", {})
        for path in sorted(d.iterdir()):
            if path.suffix.lower() not in ARTICLE_SUFFIXES or path.stem not in mentions:
                continue
            text, language = extracted_text(path)
            yield GoldArticle(d.name, path.stem, text, language, frozenset(int(i) for i in mentions[path.stem]))


def evaluate(articles: Iterable[GoldArticle], gazetteer: Gazetteer) -> MentionReport:
    """Compare predicted and gold id sets per article; errors name each miss and false hit."""
    report = MentionReport()
    for a in articles:
        predicted = {m.settlement.id for m in find_mentions(a.text, gazetteer, language=a.language)}
        report.tp += len(predicted & a.gold)
        for sid in sorted(predicted - a.gold):
            report.fp += 1
            report.errors.append(f"{a.scenario}/{a.stem}: false {sid} {gazetteer.ref(sid).name}")
        for sid in sorted(a.gold - predicted):
            report.fn += 1
            name = gazetteer.ref(sid).name if sid in gazetteer else "?"
            report.errors.append(f"{a.scenario}/{a.stem}: missed {sid} {name}")
    return report
