"""Dedup agent: extracted → unique (originals) or duplicates (copies of an article seen before).

A duplicate message carries the copy's whole extracted article, so the normalize and claims stages
can pass it on to the alerts stage, which lists it as a republication, never as a new source.

The index lives in memory for speed and in a changelog-backed table for durability: every change
the core makes is written to the table, and after a (re)assignment of the single `extracted`
partition the in-memory index is rebuilt from the table before the next article is checked.
"""

from __future__ import annotations

import time
from typing import Any

from workers.records import ExtractedArticle
from workers.settings import Settings
from workers.stage2_dedup.core import DedupConfig, DedupIndex
from workers.streaming import Incoming, StageIO
from workers.timeutil import utc_now_iso


def config_from(settings: Settings) -> DedupConfig:
    """Dedup parameters from the settings."""
    return DedupConfig.from_settings(settings)


def make_agent(io: StageIO, settings: Settings, table: Any, app: Any) -> Any:
    """The agent function bound to the extracted topic by `workers.app`; `table` persists the index."""
    config = config_from(settings)
    holder: dict[str, DedupIndex | None] = {"index": None}

    @app.on_partitions_revoked.connect
    async def _forget(*_: Any, **__: Any) -> None:  # the table may change hands: rebuild on next use
        holder["index"] = None

    def current_index() -> DedupIndex:
        index = holder["index"]
        if index is None:
            index = DedupIndex(config)
            for key, value in list(table.items()):
                index.restore(key, value)
            holder["index"] = index
        return index

    def persist(writes: list[tuple[str, object | None]]) -> None:
        for key, value in writes:
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value

    async def process(incoming: Incoming, article: ExtractedArticle) -> None:
        index = current_index()
        decision = index.check(article)
        persist(index.remember(article, decision))
        # event time, never ahead of the wall clock: a future-dated article cannot wipe the index
        persist(index.expire(min(index.watermark or 0.0, time.time())))
        if decision.is_duplicate and decision.duplicate is not None:
            decision.duplicate.detected_at = utc_now_iso()
            decision.duplicate.article = article  # normalize turns it into provenance for the alerts
            await io.emit("duplicates", article.article_id, decision.duplicate.to_dict())
        else:
            await io.emit("unique", article.article_id, article.to_dict())

    async def dedup(stream: Any) -> None:
        await io.consume(stream, ("extracted_article", ExtractedArticle.from_dict), process)

    return dedup
