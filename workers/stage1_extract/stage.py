"""Extraction stage: raw → extracted (main text, title, date, language); a rejection is dead-lettered."""

from __future__ import annotations

from typing import Any

from workers.records import RawArticle, Rejection
from workers.stage import Emit, Stage, StepResult
from workers.stages import spec_of
from workers.timeutil import utc_now_iso


class ExtractStage(Stage):
    """Parsing is CPU-heavy: the binder runs the step in a worker thread so the event loop stays live."""

    spec = spec_of("extract")
    decoders = {"raw": ("raw_article", RawArticle.from_dict)}
    blocking = True

    def open(self, state: Any = None) -> None:
        # imported here, not at module import: a worker's open() runs while its group join waits
        from workers.stage1_extract.core import ExtractLimits, extract_article

        self.limits = ExtractLimits.from_settings(self.settings)
        self.extract = extract_article

    def step(self, role: str, record: RawArticle) -> StepResult:
        result = self.extract(record, self.limits)
        if isinstance(result, Rejection):
            return StepResult(rejection=result)
        result.extracted_at = utc_now_iso()
        return StepResult([Emit("extracted", result.article_id, result.to_dict())])
