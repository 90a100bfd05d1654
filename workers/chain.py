"""The stage cores chained in-process, without a broker: `explain`, `eval` and the bare-chain benchmark.

The same pure functions the agents call, in the same order, so what this shows is what the
pipeline does (an integration test checks both give the same alerts).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workers.records import Claim, ExtractedArticle, Mention, NormalizedArticle, RawArticle, Rejection
from workers.settings import Settings
from workers.stage0_replay.core import ReplayItem, Skipped, article_from_file, read_replay_dir
from workers.stage1_extract.agent import limits_from
from workers.stage1_extract.core import extract_article
from workers.stage2_dedup.agent import config_from
from workers.stage2_dedup.core import DedupIndex
from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer, load_gazetteer
from workers.stage4_claims.core import article_verdicts, extract_claims
from workers.stage5_alerts.core import Alert, SettlementState, apply_claim
from workers.timeutil import utc_now_iso


@dataclass
class ArticleTrace:
    """Everything the chain did with one article."""

    origin: str
    raw: RawArticle | None
    rejection: Rejection | None = None
    extracted: ExtractedArticle | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    verdicts: list[Claim] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def stem(self) -> str:
        name = self.origin.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name


class Chain:
    """Stage cores with their state (dedup index, settlement statuses), fed one raw article at a time."""

    def __init__(self, settings: Settings, gazetteer: Gazetteer | None = None) -> None:
        self.settings = settings
        self.limits = limits_from(settings)
        self.gazetteer = gazetteer or load_gazetteer(settings.data_dir / "gazetteer")
        self.dedup = DedupIndex(config_from(settings))
        self.states: dict[int, SettlementState] = {}

    def analyse(self, raw: RawArticle, origin: str) -> ArticleTrace:
        """Extraction, mentions and claims of one article (no dedup, no state)."""
        return self._trace(raw, origin, remember=False)

    def process(self, raw: RawArticle, origin: str) -> ArticleTrace:
        """The whole chain for one article: extract, dedup, normalize, claims, status and alerts."""
        trace = self._trace(raw, origin, remember=True)
        for verdict in trace.verdicts:
            verdict.duplicate_of = trace.duplicate_of
            outcome = apply_claim(self.states.get(verdict.settlement.id), verdict, utc_now_iso())
            if outcome.state is not None:
                self.states[verdict.settlement.id] = outcome.state
            if outcome.alert is not None:
                trace.alerts.append(outcome.alert)
        return trace

    def _trace(self, raw: RawArticle, origin: str, *, remember: bool) -> ArticleTrace:
        """Extract, (if `remember`) dedup against earlier articles, find mentions and claims."""
        trace = ArticleTrace(origin=origin, raw=raw)
        extracted = extract_article(raw, self.limits)
        if isinstance(extracted, Rejection):
            trace.rejection = extracted
            return trace
        trace.extracted = extracted
        if remember:
            decision = self.dedup.check(extracted)
            self.dedup.remember(extracted, decision)
            self.dedup.expire(min(self.dedup.watermark or 0.0, time.time()))
            if decision.is_duplicate and decision.duplicate is not None:
                # as in the pipeline: a duplicate's claims carry duplicate_of and only add provenance
                trace.duplicate_of = decision.duplicate.duplicate_of
                trace.similarity = decision.duplicate.similarity
        trace.mentions = find_mentions(extracted.text, self.gazetteer, language=extracted.language)
        normalized = NormalizedArticle(article=extracted, mentions=trace.mentions, duplicate_of=trace.duplicate_of)
        trace.claims = extract_claims(normalized)
        trace.verdicts = article_verdicts(trace.claims)
        return trace


def raw_from_item(item: ReplayItem) -> RawArticle | Rejection:
    """A replay message as a RawArticle (jsonl lines may be malformed: then the rejection)."""
    try:
        return RawArticle.from_dict(item.value)
    except (KeyError, TypeError, ValueError) as exc:
        return Rejection("schema_violation", f"{type(exc).__name__}: {exc}")


def run_directory(directory: Path, settings: Settings, gazetteer: Gazetteer | None = None
                  ) -> tuple[list[ArticleTrace], Chain]:
    """Replay `directory` through the in-process chain from an empty state."""
    chain = Chain(settings, gazetteer)
    traces: list[ArticleTrace] = []
    for item in read_replay_dir(directory, settings.max_message_bytes):
        if isinstance(item, Skipped):
            continue
        raw = raw_from_item(item)
        if isinstance(raw, Rejection):
            traces.append(ArticleTrace(origin=item.origin, raw=None, rejection=raw))
            continue
        traces.append(chain.process(raw, item.origin))
    return traces, chain


def explain_file(path: Path, settings: Settings, gazetteer: Gazetteer | None = None) -> ArticleTrace:
    """Extraction, mentions and claims of one article file (with its sidecar)."""
    item = article_from_file(path, settings.max_message_bytes)
    if isinstance(item, Skipped):
        return ArticleTrace(origin=path.name, raw=None, rejection=Rejection("skipped", item.reason))
    raw = raw_from_item(item)
    if isinstance(raw, Rejection):
        return ArticleTrace(origin=path.name, raw=None, rejection=raw)
    return Chain(settings, gazetteer).analyse(raw, path.name)


def explain_json(trace: ArticleTrace) -> dict[str, Any]:
    """CONTRACT §4b: the explanation of one article as a JSON object."""
    extracted = trace.extracted
    out: dict[str, Any] = {
        "file": trace.origin,
        "article_id": trace.raw.article_id if trace.raw else None,
        "rejected": {"reason": trace.rejection.reason, "detail": trace.rejection.detail} if trace.rejection else None,
        "title": extracted.title if extracted else None,
        "text": extracted.text if extracted else "",
        "language": extracted.language if extracted else None,
        "language_probability": extracted.language_probability if extracted else None,
        "comments_set_aside": len(extracted.comments) if extracted else 0,
        "mentions": [
            {"settlement": {"id": m.settlement.id, "name": m.settlement.name, "oblast": m.settlement.oblast},
             "surface": m.surface, "span": [m.span[0], m.span[1]], "confidence": m.confidence}
            for m in trace.mentions
        ],
        "claims": [
            {"settlement": {"id": c.settlement.id, "name": c.settlement.name}, "event": c.event, "actor": c.actor,
             "implies": c.implies, "quote": c.quote, "attribution": c.attribution, "hedged": c.hedged,
             "counted": c.counted, "reason": c.reason}
            for c in trace.claims
        ],
        "verdicts": [
            {"settlement": {"id": v.settlement.id, "name": v.settlement.name}, "event": v.event,
             "implies": v.implies, "quote": v.quote, "attribution": v.attribution}
            for v in trace.verdicts
        ],
    }
    return out
