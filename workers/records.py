"""Typed records that flow between the stages; each maps 1:1 to a schema in `schemas/`.

`to_dict()` gives the JSON message (exactly the schema's shape); `from_dict()` reads one
that has already been validated against its schema.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["unknown", "ukrainian_control", "russian_control", "contested"]
STATUSES: tuple[str, ...] = ("unknown", "ukrainian_control", "russian_control", "contested")


@dataclass(frozen=True)
class Rejection:
    """A stage's refusal of one input: goes to the dead-letter topic with this reason."""

    reason: str
    detail: str = ""


@dataclass
class RawArticle:
    """One article as published by `frontwire replay` (topic: raw)."""

    article_id: str
    source: str
    url: str | None
    published_at: str
    content_type: str  # "text/plain" or "text/html"
    body: str | None = None  # the article, when it is valid UTF-8
    body_base64: str | None = None  # the article's bytes, when they are not valid UTF-8
    language: str | None = None
    filename: str | None = None
    ingested_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RawArticle":
        return cls(
            article_id=d["article_id"],
            source=d["source"],
            url=d.get("url"),
            published_at=d["published_at"],
            content_type=d["content_type"],
            body=d.get("body"),
            body_base64=d.get("body_base64"),
            language=d.get("language"),
            filename=d.get("filename"),
            ingested_at=d.get("ingested_at"),
        )


@dataclass
class ExtractedArticle:
    """Main text and metadata of one article (topic: extracted, and unique after dedup)."""

    article_id: str
    source: str
    url: str | None
    published_at: str
    title: str | None
    text: str
    language: str
    language_probability: float
    content_type: str
    comments: list[str] = field(default_factory=list)  # reader comments, never in `text`
    author: str | None = None
    sitename: str | None = None
    filename: str | None = None
    extracted_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ExtractedArticle":
        return cls(
            article_id=d["article_id"],
            source=d["source"],
            url=d.get("url"),
            published_at=d["published_at"],
            title=d.get("title"),
            text=d["text"],
            language=d["language"],
            language_probability=float(d.get("language_probability", 0.0)),
            content_type=d["content_type"],
            comments=list(d.get("comments") or []),
            author=d.get("author"),
            sitename=d.get("sitename"),
            filename=d.get("filename"),
            extracted_at=d.get("extracted_at"),
        )


@dataclass
class DuplicateRecord:
    """An article recognised as a copy of one seen before (topic: duplicates)."""

    article_id: str
    duplicate_of: str
    similarity: float
    kind: str  # "exact" or "near"
    source: str
    url: str | None
    published_at: str
    original_source: str | None = None
    detected_at: str | None = None
    article: ExtractedArticle | None = None  # the duplicate itself, so later stages can list it as provenance

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k != "article"}
        d["article"] = self.article.to_dict() if self.article is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DuplicateRecord":
        fields = {k: d.get(k) for k in cls.__dataclass_fields__ if k != "article"}
        article = d.get("article")
        return cls(**fields, article=ExtractedArticle.from_dict(article) if article else None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SettlementRef:
    """A gazetteer settlement as it appears in messages."""

    id: int
    name: str
    oblast: str | None
    lat: float
    lon: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SettlementRef":
        return cls(id=int(d["id"]), name=d["name"], oblast=d.get("oblast"), lat=float(d["lat"]), lon=float(d["lon"]))


@dataclass
class Mention:
    """One place in the main text that names a settlement."""

    settlement: SettlementRef
    surface: str
    span: tuple[int, int]  # character offsets [start, end) in the main text
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "settlement": self.settlement.to_dict(),
            "surface": self.surface,
            "span": [self.span[0], self.span[1]],
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(
            settlement=SettlementRef.from_dict(d["settlement"]),
            surface=d["surface"],
            span=(int(d["span"][0]), int(d["span"][1])),
            confidence=float(d.get("confidence", 1.0)),
        )


@dataclass
class NormalizedArticle:
    """An article with its settlement mentions (topic: normalized); `duplicate_of` is set on a republication."""

    article: ExtractedArticle
    mentions: list[Mention]
    duplicate_of: str | None = None  # the article this one republishes (from the duplicates topic)

    def to_dict(self) -> dict[str, Any]:
        d = self.article.to_dict()
        d["mentions"] = [m.to_dict() for m in self.mentions]
        d["duplicate_of"] = self.duplicate_of
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "NormalizedArticle":
        body = {k: v for k, v in d.items() if k not in ("mentions", "duplicate_of")}
        return cls(article=ExtractedArticle.from_dict(body), mentions=[Mention.from_dict(m) for m in d.get("mentions", [])],
                   duplicate_of=d.get("duplicate_of"))


@dataclass
class Claim:
    """Who did what where, according to one sentence of one article (topic: claims)."""

    claim_id: str
    article_id: str
    source: str
    url: str | None
    published_at: str
    settlement: SettlementRef
    event: str  # liberation, capture, withdrawal, entry, street_fighting, partial_control, ...
    actor: str | None  # "ukraine", "russia" or None
    implies: str | None  # the status the claim sets, or None when it sets none
    quote: str
    attribution: str | None
    counted: bool
    reason: str  # why it counts ("rule: ...") or why it was set aside
    hedged: bool = False
    span: tuple[int, int] | None = None  # the quote's offsets in the main text
    duplicate_of: str | None = None  # set when the article republishes another: provenance, never a new source
    clause: str | None = None  # the words of the quote that carry the claim (its clause)
    link: dict[str, str] | None = None  # how the place was linked: {"how": name|list|description, "text", "note"}
    marker: str | None = None  # what set the claim aside ("hedged: 'likely'"), None when it counts

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["settlement"] = self.settlement.to_dict()
        d["span"] = list(self.span) if self.span is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Claim":
        span = d.get("span")
        return cls(
            claim_id=d["claim_id"],
            article_id=d["article_id"],
            source=d["source"],
            url=d.get("url"),
            published_at=d["published_at"],
            settlement=SettlementRef.from_dict(d["settlement"]),
            event=d["event"],
            actor=d.get("actor"),
            implies=d.get("implies"),
            quote=d["quote"],
            attribution=d.get("attribution"),
            counted=bool(d["counted"]),
            reason=d.get("reason", ""),
            hedged=bool(d.get("hedged", False)),
            span=(int(span[0]), int(span[1])) if span else None,
            duplicate_of=d.get("duplicate_of"),
            clause=d.get("clause"),
            link=dict(d["link"]) if d.get("link") else None,
            marker=d.get("marker"),
        )


@dataclass
class Evidence:
    """One quote behind a status, as carried in alerts and the status topic."""

    article_id: str
    source: str
    url: str | None
    published_at: str
    quote: str
    attribution: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_claim(cls, claim: Claim) -> "Evidence":
        return cls(
            article_id=claim.article_id,
            source=claim.source,
            url=claim.url,
            published_at=claim.published_at,
            quote=claim.quote,
            attribution=claim.attribution,
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Evidence":
        return cls(
            article_id=d["article_id"],
            source=d["source"],
            url=d.get("url"),
            published_at=d["published_at"],
            quote=d["quote"],
            attribution=d.get("attribution"),
        )


@dataclass
class DeadLetter:
    """An input a stage could not process (topic: dead letters)."""

    stage: str
    reason: str
    detail: str
    topic: str | None
    partition: int | None
    offset: int | None
    key: str | None
    payload: str | None  # the original bytes as text when valid UTF-8 ...
    payload_base64: str | None  # ... otherwise base64
    payload_truncated: bool
    failed_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
