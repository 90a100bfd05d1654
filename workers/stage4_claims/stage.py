"""Claims stage: normalized → claims, one message per settlement the article decides, keyed by its id.

The verdicts of a republication carry its `duplicate_of`, so the alerts stage records them as
provenance and never counts them as an independent source.
"""

from __future__ import annotations

from workers.records import Claim, NormalizedArticle
from workers.stage import Emit, Stage, StepResult
from workers.stage4_claims.core import article_verdicts, extract_claims
from workers.stages import spec_of


def analyse(article: NormalizedArticle) -> tuple[list[Claim], list[Claim]]:
    """Every claim of the article (counted or set aside) and its verdicts (one counted claim per settlement)."""
    claims = extract_claims(article)
    verdicts = article_verdicts(claims)
    for verdict in verdicts:
        verdict.duplicate_of = article.duplicate_of  # a republication: provenance, not a source
    return claims, verdicts


class ClaimsStage(Stage):
    spec = spec_of("claims")
    decoders = {"normalized": ("normalized_article", NormalizedArticle.from_dict)}

    def step(self, role: str, record: NormalizedArticle) -> StepResult:
        _, verdicts = analyse(record)
        return StepResult([Emit("claims", str(v.settlement.id), v.to_dict()) for v in verdicts])
