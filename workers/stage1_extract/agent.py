"""Extraction agent: raw → extracted; parsing runs in a worker thread so the event loop stays live."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from workers.records import RawArticle, Rejection
from workers.settings import Settings
from workers.stage1_extract.core import ExtractLimits, extract_article
from workers.streaming import Incoming, StageIO
from workers.timeutil import utc_now_iso


def limits_from(settings: Settings) -> ExtractLimits:
    """Extraction limits from the settings."""
    return ExtractLimits(
        max_raw_bytes=settings.max_raw_bytes,
        max_text_chars=settings.max_text_chars,
        min_text_chars=settings.min_text_chars,
        langdetect_sample_chars=settings.langdetect_sample_chars,
    )


def make_agent(io: StageIO, settings: Settings) -> Any:
    """The agent function bound to the raw topic by `workers.app`."""
    limits = limits_from(settings)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    async def process(incoming: Incoming, raw: RawArticle) -> None:
        result = await asyncio.get_running_loop().run_in_executor(pool, extract_article, raw, limits)
        if isinstance(result, Rejection):
            await io.dead_letter(incoming, result)
            return
        result.extracted_at = utc_now_iso()
        await io.emit("extracted", result.article_id, result.to_dict())

    async def extract(stream: Any) -> None:
        await io.consume(stream, ("raw_article", RawArticle.from_dict), process)

    return extract
