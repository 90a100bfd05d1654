"""Claim-delta: apply an article's verdict to a settlement's status and decide whether it alerts.

Pure functions over `SettlementState`. A claim that implies the current status corroborates it
(more independent sources, higher confidence, no alert); one that implies another status shifts it
and yields an `Alert`, unless it was published before the newest report behind the current status
(`latest`: the report that set it or a later corroboration). Out-of-order reports never overturn a
newer one. Every id is derived from the input, so a redelivered or replayed claim changes nothing
and a replayed shift has the same `alert_id`.

Comparing with `latest` rather than with `since` also keeps redelivery harmless: `latest` never
decreases, so a claim applied once and later superseded is out of order when it comes again after a
crash (with `since` alone, a report corroborating A, then an older report B shifting to B's status,
then the corroboration redelivered would have shifted back).

Republications (claims with `duplicate_of`, from articles the dedup stage found to be copies) never
shift the status, never add a source and never raise confidence; they are provenance:
- if the original set or corroborated the current status (it is in `article_ids`), or the copy
  implies the current status, the copy goes into `republications` (action "republication");
- if the copy was published before the newest report behind the current status, its original cannot
  set it either: it is ignored (action "ignored");
- otherwise the original has not been applied yet (a stream may deliver the copy first): the copy
  waits in `pending_republications`. When its original later corroborates the status, the copy moves
  to `republications`; when the original shifts the status, the new state starts with it in
  `republications` and the alert lists it in its optional `republications` field.
A shift starts the new status with only its own article's republications (the others stand behind
the old status). Both lists are bounded, and a copy already listed is a redelivery (no change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from workers.records import Claim, Evidence, SettlementRef
from workers.timeutil import parse_time

MAX_EVIDENCE = 5
MAX_REMEMBERED_ARTICLES = 200
MAX_PENDING_REPUBLICATIONS = 50

_RUSSIAN_WORDS = ("russia", "russian", "kremlin", "moscow", "wagner", "prigozhin", "shoigu", "peskov",
                  "konashenkov", "separatist", "dpr", "lpr", "росси", "минобороны", "вагнер")
_UKRAINIAN_WORDS = ("ukrain", "kyiv", "zelensk", "syrskyi", "zaluzhn", "tarnavsk", "haidai", "khortytsia",
                    "general staff", "україн", "зсу", "генштаб", "украин")


@dataclass
class SettlementState:
    """The current status of one settlement and what stands behind it (status topic value)."""

    settlement: SettlementRef
    status: str = "unknown"
    since: str | None = None  # published_at of the report that set the status
    latest: str | None = None  # published_at of the newest report behind the status (>= since)
    event: str = ""
    sources: list[str] = field(default_factory=list)  # independent sources behind the status
    article_ids: list[str] = field(default_factory=list)  # articles already applied to this status
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    report_confidence: float = 0.0  # the best single report's confidence behind the status
    last_alert_id: str | None = None
    updated_at: str | None = None
    republications: list[dict[str, Any]] = field(default_factory=list)  # copies of articles behind the status
    pending_republications: list[dict[str, Any]] = field(default_factory=list)  # copies awaiting their original

    @property
    def corroboration(self) -> int:
        return len(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "settlement": self.settlement.to_dict(),
            "status": self.status,
            "since": self.since,
            "latest": self.latest,
            "event": self.event,
            "sources": list(self.sources),
            "article_ids": list(self.article_ids),
            "corroboration": self.corroboration,
            "confidence": self.confidence,
            "report_confidence": self.report_confidence,
            "evidence": [e.to_dict() for e in self.evidence],
            "republications": [dict(r) for r in self.republications],
            "pending_republications": [dict(r) for r in self.pending_republications],
            "last_alert_id": self.last_alert_id,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SettlementState":
        return cls(
            settlement=SettlementRef.from_dict(d["settlement"]),
            status=d.get("status", "unknown"),
            since=d.get("since"),
            latest=d.get("latest") or d.get("since"),
            event=d.get("event", ""),
            sources=list(d.get("sources") or []),
            article_ids=list(d.get("article_ids") or []),
            evidence=[Evidence.from_dict(e) for e in d.get("evidence") or []],
            confidence=float(d.get("confidence", 0.0)),
            report_confidence=float(d.get("report_confidence", 0.0)),
            last_alert_id=d.get("last_alert_id"),
            updated_at=d.get("updated_at"),
            republications=[dict(r) for r in d.get("republications") or []],
            pending_republications=[dict(r) for r in d.get("pending_republications") or []],
        )


@dataclass
class Alert:
    """One status shift, as published on the alerts topic (CONTRACT §4)."""

    alert_id: str
    settlement: SettlementRef
    previous_status: str
    new_status: str
    event: str
    confidence: float
    evidence: list[Evidence]
    emitted_at: str
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
        }
        if self.republications:
            d["republications"] = [dict(r) for r in self.republications]
        return d


@dataclass
class Outcome:
    """What applying one claim did: the new state (None if unchanged) and an alert if it shifted."""

    state: SettlementState | None
    alert: Alert | None
    action: str  # "shift", "corroboration", "republication", "pending_republication", "redelivery",
    #              "out_of_order", "ignored"


def alert_id_for(settlement_id: int, previous: str, new: str, article_id: str) -> str:
    """Stable id of a shift: the same shift caused by the same article always has this id."""
    raw = f"{settlement_id}|{previous}|{new}|{article_id}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


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


def _corroborated_confidence(single: float, independent_sources: int) -> float:
    """Each independent source beyond the first closes a third of the remaining doubt."""
    doubt = 1.0 - single
    for _ in range(max(independent_sources - 1, 0)):
        doubt *= 2.0 / 3.0
    return round(min(1.0 - doubt, 0.99), 3)


def apply_claim(state: SettlementState | None, claim: Claim, now: str) -> Outcome:
    """Apply one counted claim (an article's verdict on one settlement) to the settlement's state."""
    if not claim.counted or claim.implies is None:
        return Outcome(None, None, "ignored")
    current = state or SettlementState(settlement=claim.settlement)
    if claim.duplicate_of is not None:
        return _apply_republication(current, claim, now)
    evidence = Evidence.from_claim(claim)
    own, others = _split_pending(current.pending_republications, claim.article_id)

    if claim.implies == current.status:
        if claim.article_id in current.article_ids:
            return Outcome(None, None, "redelivery")
        new = _copy(current)
        new.article_ids = _bounded(new.article_ids + [claim.article_id], MAX_REMEMBERED_ARTICLES)
        new.republications = _bounded(new.republications + own, MAX_REMEMBERED_ARTICLES)
        new.pending_republications = others
        if claim.source not in new.sources:
            new.sources.append(claim.source)
        if len(new.evidence) < MAX_EVIDENCE:
            new.evidence.append(evidence)
        new.latest = _newer(current.latest, claim.published_at)
        new.report_confidence = max(claim_confidence(claim), current.report_confidence)
        new.confidence = _corroborated_confidence(new.report_confidence, len(new.sources))
        new.updated_at = now
        return Outcome(new, None, "corroboration")

    if current.latest is not None and parse_time(claim.published_at) < parse_time(current.latest):
        return Outcome(None, None, "out_of_order")

    alert_id = alert_id_for(claim.settlement.id, current.status, claim.implies, claim.article_id)
    confidence = claim_confidence(claim)
    new = SettlementState(
        settlement=claim.settlement,
        status=claim.implies,
        since=claim.published_at,
        latest=claim.published_at,
        event=claim.event,
        sources=[claim.source],
        article_ids=[claim.article_id],
        evidence=[evidence],
        confidence=confidence,
        report_confidence=confidence,
        last_alert_id=alert_id,
        updated_at=now,
        republications=own,
        pending_republications=others,
    )
    alert = Alert(
        alert_id=alert_id,
        settlement=claim.settlement,
        previous_status=current.status,
        new_status=claim.implies,
        event=claim.event,
        confidence=confidence,
        evidence=[evidence],
        emitted_at=now,
        republications=[dict(r) for r in own],
    )
    return Outcome(new, alert, "shift")


def republication_of(claim: Claim) -> dict[str, Any]:
    """The provenance entry of a republication's claim (status topic `republications` item)."""
    return {"article_id": claim.article_id, "source": claim.source, "url": claim.url,
            "published_at": claim.published_at, "duplicate_of": claim.duplicate_of}


def _apply_republication(current: SettlementState, claim: Claim, now: str) -> Outcome:
    """Record a republication as provenance (or keep it until its original arrives); never shift."""
    known = {r["article_id"] for r in current.republications + current.pending_republications}
    if claim.article_id in known:
        return Outcome(None, None, "redelivery")
    entry = republication_of(claim)
    if claim.duplicate_of in current.article_ids or claim.implies == current.status:
        new = _copy(current)
        new.republications = _bounded(new.republications + [entry], MAX_REMEMBERED_ARTICLES)
        new.updated_at = now
        return Outcome(new, None, "republication")
    if current.latest is not None and parse_time(claim.published_at) < parse_time(current.latest):
        return Outcome(None, None, "ignored")  # its original is older than the status's newest report: it cannot shift it
    new = _copy(current)
    new.pending_republications = _bounded(new.pending_republications + [entry], MAX_PENDING_REPUBLICATIONS)
    new.updated_at = now
    return Outcome(new, None, "pending_republication")


def _split_pending(pending: list[dict[str, Any]], article_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pending republications of `article_id`, and the others."""
    own = [dict(r) for r in pending if r.get("duplicate_of") == article_id]
    others = [dict(r) for r in pending if r.get("duplicate_of") != article_id]
    return own, others


def _newer(a: str | None, b: str) -> str:
    """The later of two publication times (`a` may be missing)."""
    return b if a is None or parse_time(b) > parse_time(a) else a


def _bounded(items: list[Any], limit: int) -> list[Any]:
    return items[-limit:]


def _copy(state: SettlementState) -> SettlementState:
    return SettlementState.from_dict(state.to_dict())
