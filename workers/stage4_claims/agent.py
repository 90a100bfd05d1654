"""Claims agent: normalized → claims, one message per settlement the article decides, keyed by its id.

The verdicts of a republication carry its `duplicate_of`, so the alerts stage records them as
provenance and never counts them as an independent source.
"""

from __future__ import annotations

from typing import Any

from workers.records import NormalizedArticle
from workers.settings import Settings
from workers.stage4_claims.core import article_verdicts, extract_claims
from workers.streaming import Incoming, StageIO


def make_agent(io: StageIO, settings: Settings) -> Any:
    """The agent function bound to the normalized topic by `workers.app`."""

    async def process(incoming: Incoming, article: NormalizedArticle) -> None:
        for verdict in article_verdicts(extract_claims(article)):
            verdict.duplicate_of = article.duplicate_of  # a republication: provenance, not a source
            await io.emit("claims", str(verdict.settlement.id), verdict.to_dict())

    async def claims(stream: Any) -> None:
        await io.consume(stream, ("normalized_article", NormalizedArticle.from_dict), process)

    return claims
