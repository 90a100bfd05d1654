"""Claim-delta: a settlement's status history as a fold of its reports in event order.

Each counted verdict of an article on a settlement is a `Report` on that settlement's timeline. The
timeline is kept in one total order that does not depend on arrival: (published_at, article_id).
The status history is the fold of the timeline under CONTRACT §3, starting from `unknown`:
- a report that implies the current status corroborates it (one more independent source, higher
  confidence, no alert);
- a report that implies another status shifts it: a `Shift`, whose `alert_id` is derived from the
  settlement, the two statuses and the report's article, so the same shift always has the same id;
- a republication (a report with `duplicate_of`, from an article the dedup stage found to be a copy)
  never shifts, never adds a source: it is listed as provenance of its original.

The alerts are the shifts of the history. `apply_claim` inserts one report and folds again; the state
remembers which shifts it has published (`published`), so:
- a shift that exists and was not published yet is published; when the incoming report is older than
  reports already on the timeline (it arrived late), the alert is marked `late`; every alert carries
  `effective_at`, the time its shift took effect;
- a published shift that no longer exists is withdrawn by a message naming it (`retracts`).
Any arrival order of the same reports, with any redelivery, ends in the same timeline, hence the same
final status and the same live alert set (tests/unit/test_alerts_properties.py).

An article's entry is replaced when the same article comes again with another verdict (it was analysed
again), and an original's entry becomes a republication when dedup finds it copies an earlier article
that arrived later (dedup re-labels it). The copy label is sticky: an original verdict of an article
already known as a copy is an old redelivery and changes nothing.

Memory is bounded per settlement: beyond `max_reports` entries the oldest are folded into `base` (the
standing as of the `horizon`, the newest key folded). Shifts before the horizon are settled: a report
older than the horizon cannot revise them and is set aside (action "beyond_horizon"; it stays on the
claims topic).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from workers.records import Claim, Evidence, SettlementRef
from workers.settings import setting_default
from workers.timeutil import parse_time

MAX_EVIDENCE = 5
DEFAULT_MAX_REPORTS: int = setting_default("timeline_max_reports")
QUOTE_CHARS = 600  # a report keeps at most this much of its quote

_RUSSIAN_WORDS = ("russia", "russian", "kremlin", "moscow", "wagner", "prigozhin", "shoigu", "peskov",
                  "konashenkov", "separatist", "dpr", "lpr", "росси", "минобороны", "вагнер")
_UKRAINIAN_WORDS = ("ukrain", "kyiv", "zelensk", "syrskyi", "zaluzhn", "tarnavsk", "haidai", "khortytsia",
                    "general staff", "україн", "зсу", "генштаб", "украин")

Key = tuple[float, str]  # (published_at as epoch seconds, article_id): the event order


def event_key(published_at: str, article_id: str) -> Key:
    """Where a report stands in event order: publication time, then article id."""
    return (parse_time(published_at).timestamp(), article_id)


def alert_id_for(settlement_id: int, previous: str, new: str, article_id: str) -> str:
    """Stable id of a shift: the same shift caused by the same article always has this id."""
    raw = f"{settlement_id}|{previous}|{new}|{article_id}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def retraction_id_for(alert_id: str, cause_article_id: str) -> str:
    """Stable id of the message that withdraws `alert_id` because of the report of `cause_article_id`.

    A shift can be withdrawn, found again and withdrawn again; each withdrawal has its own id.
    """
    return hashlib.sha256(f"retracts|{alert_id}|{cause_article_id}".encode()).hexdigest()[:32]


def side_of(attribution: str | None) -> str | None:
    """Which side an attribution speaks for ("russia", "ukraine"), if it says."""
    if not attribution:
        return None
    text = attribution.casefold()
    if any(w in text for w in _RUSSIAN_WORDS):
        return "russia"
    if any(w in text for w in _UKRAINIAN_WORDS):
        return "ukraine"
    return None


def _loser(new_status: str, event: str, actor: str | None) -> str | None:
    """The side that lost the place (or admits a loss) by this claim."""
    if new_status == "ukrainian_control":
        return "russia"
    if new_status == "russian_control":
        return "ukraine"
    if event in ("withdrawal", "partial_withdrawal") and actor in ("russia", "ukraine"):
        return actor
    return None


def claim_confidence(claim: Claim) -> float:
    """Confidence of a single report: higher for an admission by the losing side, lower if hedged."""
    score = 0.55
    if claim.attribution:
        score += 0.05
    if claim.implies and side_of(claim.attribution) == _loser(claim.implies, claim.event, claim.actor):
        score += 0.2
    if claim.hedged:
        score -= 0.2
    return round(min(max(score, 0.05), 0.95), 3)


def corroborated_confidence(single: float, independent_sources: int) -> float:
    """Each independent source beyond the first closes a third of the remaining doubt."""
    doubt = 1.0 - single
    for _ in range(max(independent_sources - 1, 0)):
        doubt *= 2.0 / 3.0
    return round(min(1.0 - doubt, 0.99), 3)


@dataclass(frozen=True)
class Report:
    """One article's counted verdict on one settlement: an entry of the settlement's timeline."""

    article_id: str
    published_at: str
    source: str
    url: str | None
    quote: str
    attribution: str | None
    event: str
    implies: str
    confidence: float
    duplicate_of: str | None = None

    @cached_property
    def key(self) -> Key:
        return event_key(self.published_at, self.article_id)

    @classmethod
    def from_claim(cls, claim: Claim) -> "Report":
        return cls(article_id=claim.article_id, published_at=claim.published_at, source=claim.source,
                   url=claim.url, quote=claim.quote[:QUOTE_CHARS], attribution=claim.attribution,
                   event=claim.event, implies=claim.implies or "", confidence=claim_confidence(claim),
                   duplicate_of=claim.duplicate_of)

    def evidence(self) -> Evidence:
        return Evidence(article_id=self.article_id, source=self.source, url=self.url,
                        published_at=self.published_at, quote=self.quote, attribution=self.attribution)

    def provenance(self) -> dict[str, Any]:
        """The entry listing this report as a republication (`duplicate_of` set)."""
        return {"article_id": self.article_id, "source": self.source, "url": self.url,
                "published_at": self.published_at, "duplicate_of": self.duplicate_of}

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "published_at": self.published_at, "source": self.source,
                "url": self.url, "quote": self.quote, "attribution": self.attribution, "event": self.event,
                "implies": self.implies, "confidence": self.confidence, "duplicate_of": self.duplicate_of}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        return cls(article_id=d["article_id"], published_at=d["published_at"], source=d["source"],
                   url=d.get("url"), quote=d["quote"], attribution=d.get("attribution"), event=d["event"],
                   implies=d["implies"], confidence=float(d["confidence"]), duplicate_of=d.get("duplicate_of"))


@dataclass
class Standing:
    """Where a history stands after some reports: the status and what is behind it."""

    status: str = "unknown"
    since: str | None = None  # published_at of the report that set the status
    latest: str | None = None  # published_at of the newest report behind the status
    event: str = ""
    sources: list[str] = field(default_factory=list)  # independent sources behind the status
    article_ids: list[str] = field(default_factory=list)  # the originals behind the status
    evidence: list[Evidence] = field(default_factory=list)
    report_confidence: float = 0.0  # the best single report behind the status
    confidence: float = 0.0
    last_alert_id: str | None = None

    def shift(self, report: Report, alert_id: str) -> None:
        self.status, self.since, self.latest = report.implies, report.published_at, report.published_at
        self.event = report.event
        self.sources, self.article_ids, self.evidence = [report.source], [report.article_id], [report.evidence()]
        self.report_confidence = self.confidence = report.confidence
        self.last_alert_id = alert_id

    def corroborate(self, report: Report) -> None:
        self.latest = report.published_at
        self.article_ids.append(report.article_id)
        if report.source not in self.sources:
            self.sources.append(report.source)
        if len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(report.evidence())
        self.report_confidence = max(self.report_confidence, report.confidence)
        self.confidence = corroborated_confidence(self.report_confidence, len(self.sources))

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "since": self.since, "latest": self.latest, "event": self.event,
                "sources": list(self.sources), "article_ids": list(self.article_ids),
                "evidence": [e.to_dict() for e in self.evidence], "report_confidence": self.report_confidence,
                "confidence": self.confidence, "last_alert_id": self.last_alert_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Standing":
        return cls(status=d.get("status", "unknown"), since=d.get("since"), latest=d.get("latest"),
                   event=d.get("event", ""), sources=list(d.get("sources") or []),
                   article_ids=list(d.get("article_ids") or []),
                   evidence=[Evidence.from_dict(e) for e in d.get("evidence") or []],
                   report_confidence=float(d.get("report_confidence", 0.0)),
                   confidence=float(d.get("confidence", 0.0)), last_alert_id=d.get("last_alert_id"))

    def copy(self) -> "Standing":
        return Standing.from_dict(self.to_dict())


@dataclass(frozen=True)
class Shift:
    """One status change of a history, made by one report."""

    alert_id: str
    previous: str
    new: str
    report: Report


def fold(settlement_id: int, reports: list[Report], start: Standing | None = None) -> tuple[list[Shift], Standing]:
    """The shifts of a timeline (sorted in event order) and where it ends, from `start` (else unknown)."""
    standing = start.copy() if start is not None else Standing()
    shifts: list[Shift] = []
    for report in reports:
        if report.duplicate_of is not None:
            continue  # provenance of its original, never a source
        if report.implies == standing.status:
            standing.corroborate(report)
            continue
        alert_id = alert_id_for(settlement_id, standing.status, report.implies, report.article_id)
        shifts.append(Shift(alert_id, standing.status, report.implies, report))
        standing.shift(report, alert_id)
    return shifts, standing


@dataclass
class Alert:
    """One message of the alerts topic (CONTRACT §4): a shift, or the withdrawal of one (`retracts`)."""

    alert_id: str
    settlement: SettlementRef
    previous_status: str
    new_status: str
    event: str
    confidence: float
    evidence: list[Evidence]
    emitted_at: str
    effective_at: str | None = None  # when the shift took effect: published_at of the report that made it
    late: bool = False  # found after newer reports had already arrived
    retracts: str | None = None  # the alert this message withdraws
    reason: str | None = None  # why a withdrawal was needed
    republications: list[dict[str, Any]] = field(default_factory=list)  # known copies of the causing article

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "alert_id": self.alert_id,
            "settlement": self.settlement.to_dict(),
            "previous_status": self.previous_status,
            "new_status": self.new_status,
            "event": self.event,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
            "emitted_at": self.emitted_at,
            "effective_at": self.effective_at,
        }
        if self.late:
            d["late"] = True
        if self.retracts is not None:
            d["retracts"] = self.retracts
        if self.reason:
            d["reason"] = self.reason
        if self.republications:
            d["republications"] = [dict(r) for r in self.republications]
        return d


@dataclass
class SettlementState:
    """One settlement's timeline and what of its history has been published (the alerts stage's table value)."""

    settlement: SettlementRef
    reports: list[Report] = field(default_factory=list)  # in event order
    base: Standing | None = None  # the history up to the horizon, folded (reports dropped over the bound)
    horizon: Key | None = None  # the newest key folded into `base`
    published: dict[str, dict[str, Any]] = field(default_factory=dict)  # live alerts sent: id -> what they said
    updated_at: str | None = None

    def history(self) -> tuple[list[Shift], Standing]:
        """The shifts since the horizon and the current standing."""
        return fold(self.settlement.id, self.reports, self.base)

    @property
    def status(self) -> str:
        return self.history()[1].status

    def republications_of(self, article_ids: list[str]) -> list[dict[str, Any]]:
        """Provenance entries of the copies of these articles, in event order."""
        wanted = set(article_ids)
        return [r.provenance() for r in self.reports if r.duplicate_of in wanted]

    def status_record(self) -> dict[str, Any]:
        """The status topic message (schemas/settlement_status.schema.json)."""
        shifts, standing = self.history()
        return {"settlement": self.settlement.to_dict(), **standing.to_dict(),
                "corroboration": len(standing.sources), "updated_at": self.updated_at,
                "republications": self.republications_of(standing.article_ids),
                "history": [{"alert_id": s.alert_id, "previous_status": s.previous, "new_status": s.new,
                             "effective_at": s.report.published_at, "article_id": s.report.article_id}
                            for s in shifts]}

    def to_dict(self) -> dict[str, Any]:
        return {"settlement": self.settlement.to_dict(), "reports": [r.to_dict() for r in self.reports],
                "base": self.base.to_dict() if self.base is not None else None,
                "horizon": list(self.horizon) if self.horizon is not None else None,
                "published": {k: dict(v) for k, v in self.published.items()}, "updated_at": self.updated_at}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SettlementState":
        horizon = d.get("horizon")
        return cls(settlement=SettlementRef.from_dict(d["settlement"]),
                   reports=[Report.from_dict(r) for r in d.get("reports") or []],
                   base=Standing.from_dict(d["base"]) if d.get("base") else None,
                   horizon=(float(horizon[0]), str(horizon[1])) if horizon else None,
                   published={k: dict(v) for k, v in (d.get("published") or {}).items()},
                   updated_at=d.get("updated_at"))


@dataclass
class Outcome:
    """What applying one claim did: the new state (None if unchanged) and the messages to publish."""

    state: SettlementState | None
    alerts: list[Alert]  # new shifts, in event order, then withdrawals
    action: str  # "shift", "corroboration", "revision", "republication", "redelivery", "ignored", "beyond_horizon"

    @property
    def alert(self) -> Alert | None:
        """The first new shift, if any (most claims make at most one)."""
        return next((a for a in self.alerts if a.retracts is None), None)


def apply_claim(state: SettlementState | None, claim: Claim, now: str,
                max_reports: int = DEFAULT_MAX_REPORTS) -> Outcome:
    """Insert one counted claim (an article's verdict on one settlement) into its timeline and fold again."""
    if not claim.counted or claim.implies is None:
        return Outcome(None, [], "ignored")
    current = state or SettlementState(settlement=claim.settlement)
    report = Report.from_claim(claim)
    if current.horizon is not None and report.key <= current.horizon:
        return Outcome(None, [], "beyond_horizon")
    reports = list(current.reports)
    index = next((i for i, r in enumerate(reports) if r.article_id == report.article_id), None)
    relabel = False
    if index is not None:
        known = reports[index]
        if known == report or (known.duplicate_of is not None and report.duplicate_of is None):
            return Outcome(None, [], "redelivery")  # the copy label is sticky: an older message came again
        relabel = known.duplicate_of is None and report.duplicate_of is not None
        del reports[index]
    late = relabel or any(r.key > report.key for r in reports)
    reports.append(report)
    reports.sort(key=lambda r: r.key)
    new = SettlementState(settlement=current.settlement, reports=reports, base=current.base,
                          horizon=current.horizon, published=dict(current.published), updated_at=now)
    _bound(new, max_reports)
    if index is None and new.horizon is not None and report.key <= new.horizon:
        return Outcome(None, [], "beyond_horizon")  # older than every report a full timeline keeps
    shifts, _ = new.history()
    alerts = _publish(new, shifts, report, now, late)
    return Outcome(new, alerts, _action(report, index is not None, alerts))


def _publish(state: SettlementState, shifts: list[Shift], cause: Report, now: str, late: bool) -> list[Alert]:
    """Alerts for the shifts not yet published and withdrawals of published ones that are gone; updates `published`."""
    live = {s.alert_id for s in shifts}
    out: list[Alert] = []
    for s in shifts:
        if s.alert_id in state.published:
            continue
        evidence = s.report.evidence()
        out.append(Alert(alert_id=s.alert_id, settlement=state.settlement, previous_status=s.previous,
                         new_status=s.new, event=s.report.event, confidence=s.report.confidence, evidence=[evidence],
                         emitted_at=now, effective_at=s.report.published_at, late=late,
                         republications=state.republications_of([s.report.article_id])))
        state.published[s.alert_id] = {"previous_status": s.previous, "new_status": s.new, "event": s.report.event,
                                       "confidence": s.report.confidence, "effective_at": s.report.published_at,
                                       "evidence": [evidence.to_dict()]}
    for alert_id in [a for a in state.published if a not in live]:
        gone = state.published.pop(alert_id)
        out.append(Alert(alert_id=retraction_id_for(alert_id, cause.article_id), settlement=state.settlement,
                         previous_status=gone["previous_status"], new_status=gone["new_status"], event=gone["event"],
                         confidence=gone["confidence"], evidence=[Evidence.from_dict(e) for e in gone["evidence"]],
                         emitted_at=now, effective_at=gone["effective_at"], retracts=alert_id,
                         reason=f"withdrawn: the report of {cause.source} published {cause.published_at} "
                                f"changed the history before it"))
    return out


def _action(report: Report, known: bool, alerts: list[Alert]) -> str:
    """A one-word account of what the claim did, for logs and tests."""
    if report.duplicate_of is not None:
        return "revision" if alerts else "republication"
    if known or any(a.retracts is not None for a in alerts):
        return "revision"
    return "shift" if alerts else "corroboration"


def _bound(state: SettlementState, max_reports: int) -> None:
    """Fold the oldest reports into `base` until at most `max_reports` remain; their shifts are settled."""
    excess = len(state.reports) - max(max_reports, 1)
    if excess <= 0:
        return
    dropped, state.reports = state.reports[:excess], state.reports[excess:]
    shifts, standing = fold(state.settlement.id, dropped, state.base)
    state.base = standing
    state.horizon = dropped[-1].key
    for s in shifts:
        state.published.pop(s.alert_id, None)  # settled: before the horizon nothing can withdraw it


def live_alerts(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shifts among alerts-topic messages that no later message withdraws, in the order they took effect.

    `messages` must keep each settlement's messages in topic order (one partition holds them all).
    """
    live: dict[str, dict[str, Any]] = {}
    for message in messages:
        if message.get("retracts"):
            live.pop(message["retracts"], None)
        else:
            live[message["alert_id"]] = message
    return sorted(live.values(), key=lambda m: (m.get("effective_at") or m["evidence"][0]["published_at"],
                                                m["settlement"]["id"], m["alert_id"]))
