"""The stages chained in-process, without a broker: `explain`, `eval` and the bare-chain benchmark.

The same `Stage` objects the workers bind to Kafka, with their state in dicts: each step's messages
go, as JSON values decoded again, to the stage that reads their topic, so what this shows is what
the pipeline does (an integration test checks both give the same alerts).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workers.records import Claim, ExtractedArticle, Mention, NormalizedArticle, RawArticle, Rejection
from workers.registry import make_stage
from workers.settings import Settings
from workers.stage import Stage
from workers.stage0_replay.core import ReplayItem, Skipped, article_from_file, read_replay_dir
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.profiles import profiles_of
from workers.stage3_normalize.stage import NormalizeStage
from workers.stage4_claims.stage import ClaimsStage, analyse
from workers.stage5_alerts.core import SettlementState, live_alerts
from workers.stages import STAGE_NAMES


@dataclass
class ArticleTrace:
    """Everything the chain did with one article."""

    origin: str
    raw: RawArticle | None
    rejection: Rejection | None = None
    extracted: ExtractedArticle | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    relabelled: list[str] = field(default_factory=list)  # earlier arrivals found to copy this article
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)  # every claim, counted or set aside (`analyse` only)
    verdicts: list[Claim] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)  # alerts-topic messages this article caused

    @property
    def stem(self) -> str:
        name = self.origin.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name


class Chain:
    """Every stage, opened once with in-memory state, fed one raw article at a time.

    Given a `gazetteer`, the normalize and claims stages use it (and its profiles) instead of loading
    them from the settings' data directory.
    """

    def __init__(self, settings: Settings, gazetteer: Gazetteer | None = None) -> None:
        self.settings = settings
        self.claims = ClaimsStage(settings, profiles=profiles_of(gazetteer) if gazetteer is not None else None)
        given: dict[str, Stage] = {"normalize": NormalizeStage(settings, gazetteer=gazetteer), "claims": self.claims}
        self.stages: dict[str, Stage] = {}
        for name in STAGE_NAMES:
            stage = given.get(name) or make_stage(name, settings)
            stage.open({})
            self.stages[name] = stage
        self._reader_of = {role: stage for stage in self.stages.values() for role in stage.spec.inputs}

    @property
    def states(self) -> dict[int, SettlementState]:
        """Each settlement's state in the alerts stage."""
        return {int(k): SettlementState.from_dict(v) for k, v in self.stages["alerts"].state.items()}

    def process(self, raw: RawArticle, origin: str) -> ArticleTrace:
        """The whole chain for one article: every stage, state kept, messages routed by topic role."""
        trace = ArticleTrace(origin=origin, raw=raw)
        queue: deque[tuple[str, dict[str, Any]]] = deque([("raw", raw.to_dict())])
        while queue:
            role, value = queue.popleft()
            stage = self._reader_of.get(role)
            if stage is None:  # alerts and status: the chain's end
                if role == "alerts":
                    trace.alerts.append(value)
                continue
            record = stage.decoders[role][1](value)
            result = stage.step(role, record)
            if result.rejection is not None:
                trace.rejection = result.rejection
                continue
            for emit in result.emits:
                self._observe(trace, emit.role, emit.value)
                queue.append((emit.role, emit.value))
            stage.apply(result.writes)
        return trace

    def analyse(self, raw: RawArticle, origin: str) -> ArticleTrace:
        """Extraction, mentions and every claim of one article, without dedup or statuses (nothing kept)."""
        trace = ArticleTrace(origin=origin, raw=raw)
        result = self.stages["extract"].step("raw", raw)
        if result.rejection is not None:
            trace.rejection = result.rejection
            return trace
        trace.extracted = ExtractedArticle.from_dict(result.emits[0].value)
        normalized = NormalizedArticle.from_dict(self.stages["normalize"].step("unique", trace.extracted).emits[0].value)
        trace.mentions = normalized.mentions
        trace.claims, trace.verdicts = analyse(normalized, self.claims.profiles)
        return trace

    @staticmethod
    def _observe(trace: ArticleTrace, role: str, value: dict[str, Any]) -> None:
        """Keep what the trace of an article shows from one message of its chain."""
        own = trace.raw is not None and value.get("article_id") == trace.raw.article_id
        if role == "extracted":
            trace.extracted = ExtractedArticle.from_dict(value)
        elif role == "duplicates" and own:
            trace.duplicate_of, trace.similarity = value["duplicate_of"], value["similarity"]
        elif role == "duplicates":
            trace.relabelled.append(value["article_id"])
        elif role == "normalized" and own:
            trace.mentions = NormalizedArticle.from_dict(value).mentions
        elif role == "claims" and own:
            trace.verdicts.append(Claim.from_dict(value))


def raw_from_item(item: ReplayItem) -> RawArticle | Rejection:
    """A replay message as a RawArticle (jsonl lines may be malformed: then the rejection)."""
    try:
        return RawArticle.from_dict(item.value)
    except (KeyError, TypeError, ValueError) as exc:
        return Rejection("schema_violation", f"{type(exc).__name__}: {exc}")


def run_directory(directory: Path, settings: Settings, gazetteer: Gazetteer | None = None
                  ) -> tuple[list[ArticleTrace], Chain]:
    """Replay `directory` through the in-process chain from an empty state, in file order."""
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


def directory_alerts(traces: list[ArticleTrace]) -> list[dict[str, Any]]:
    """The live alerts a replay produced: every shift sent and not withdrawn, in the order they took effect."""
    return live_alerts([a for t in traces for a in t.alerts])


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
             "counted": c.counted, "reason": c.reason, "clause": c.clause, "link": c.link, "marker": c.marker}
            for c in trace.claims
        ],
        "verdicts": [
            {"settlement": {"id": v.settlement.id, "name": v.settlement.name}, "event": v.event,
             "implies": v.implies, "quote": v.quote, "attribution": v.attribution}
            for v in trace.verdicts
        ],
    }
    return out
