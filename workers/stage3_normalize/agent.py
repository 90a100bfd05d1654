"""Normalization agent: unique and duplicates → normalized (the article with its settlement mentions).

Originals come from the unique topic. Duplicates come from the duplicates topic with the copy's
extracted article; they are normalized the same way and carry `duplicate_of`, so the claims stage
marks their claims and the alerts stage lists them as republications (provenance), never as
independent sources. A duplicate message without its article (an older producer) has nothing to
normalize and is skipped with a log line.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from workers.records import DuplicateRecord, ExtractedArticle, NormalizedArticle
from workers.settings import Settings
from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import load_gazetteer
from workers.streaming import Incoming, StageIO

log = logging.getLogger(__name__)


def make_agent(io: StageIO, settings: Settings, roles: dict[str, str] | None = None) -> Any:
    """The agent function bound to the unique and duplicates topics; `roles` maps topic name → role."""
    cache_dir = settings.data_dir / "gazetteer"
    roles = dict(roles or {})

    def decoder(incoming: Incoming) -> tuple[str, Any]:
        if roles.get(incoming.topic or "") == "duplicates":
            return "duplicate", DuplicateRecord.from_dict
        return "extracted_article", ExtractedArticle.from_dict

    async def normalize(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        gazetteer = await loop.run_in_executor(None, load_gazetteer, cache_dir)

        async def process(incoming: Incoming, record: ExtractedArticle | DuplicateRecord) -> None:
            duplicate_of: str | None = None
            article = record
            if isinstance(record, DuplicateRecord):
                if record.article is None:
                    log.info("duplicate without its article; nothing to normalize",
                             extra={"article_id": record.article_id, **incoming.log_fields()})
                    return
                article, duplicate_of = record.article, record.duplicate_of
            mentions = find_mentions(article.text, gazetteer, language=article.language)
            normalized = NormalizedArticle(article=article, mentions=mentions, duplicate_of=duplicate_of)
            await io.emit("normalized", article.article_id, normalized.to_dict())

        await io.consume(stream, decoder, process)

    return normalize
