"""Claims agent: normalized → claims, one message per settlement the article decides, keyed by its id.

The verdicts of a republication carry its `duplicate_of`, so the alerts stage records them as
provenance and never counts them as an independent source.
"""

from __future__ import annotations

from typing import Any

from workers.records import NormalizedArticle, Rejection
from workers.settings import Settings
from workers.stage4_claims.core import article_verdicts, extract_claims
from workers.streaming import Incoming, StageIO


def make_agent(io: StageIO, settings: Settings) -> Any:
    """The agent function bound to the normalized topic by `workers.app`."""

    async def claims(stream: Any) -> None:
        async for event in stream.events():
            incoming = Incoming.from_event(event)
            async with io.guard(incoming):
                article = io.parse(incoming, "normalized_article", NormalizedArticle.from_dict)
                if isinstance(article, Rejection):
                    await io.dead_letter(incoming, article)
                    continue
                for verdict in article_verdicts(extract_claims(article)):
                    verdict.duplicate_of = article.duplicate_of  # a republication: provenance, not a source
                    await io.emit("claims", str(verdict.settlement.id), verdict.to_dict())

    return claims
