"""Dedup stage: extracted → unique (originals) or duplicates (copies of an earlier article).

A duplicate message carries the copy's whole extracted article, so the normalize and claims stages
can pass it on to the alerts stage, which lists it as a republication, never as a new source. When
an original arrives after its copy, the copy is sent again on the duplicates topic (a re-label), so
its claims become republications downstream (see `workers.stage2_dedup.core`, Order).

The index lives in memory for speed and in the changelog-backed table for durability: every change
the core makes is a table write, and after a (re)assignment of the single `extracted` partition the
in-memory index is rebuilt from the table before the next article is checked.
"""

from __future__ import annotations

import importlib
import time
from typing import TYPE_CHECKING, Any

from workers.records import ExtractedArticle
from workers.stage import Emit, Stage, StepResult
from workers.stages import spec_of
from workers.timeutil import utc_now_iso

if TYPE_CHECKING:
    from workers.stage2_dedup.core import DedupIndex


class DedupStage(Stage):
    spec = spec_of("dedup")
    decoders = {"extracted": ("extracted_article", ExtractedArticle.from_dict)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._index: DedupIndex | None = None

    def open(self, state: Any = None) -> None:
        super().open(state)
        # the core is imported here, not at module import: a worker's open() runs while its group join
        # waits, and numpy, datasketch and scipy take half a second
        importlib.import_module("workers.stage2_dedup.core")

    def reset(self) -> None:
        self._index = None  # rebuilt from the table on next use

    def index(self) -> DedupIndex:
        """The in-memory index, rebuilt from the table when the state changed hands."""
        if self._index is None:
            from workers.stage2_dedup.core import DedupConfig, DedupIndex

            index = DedupIndex(DedupConfig.from_settings(self.settings))
            for key, value in list(self.state.items()):
                index.restore(key, value)
            self._index = index
        return self._index

    def step(self, role: str, record: ExtractedArticle) -> StepResult:
        index = self.index()
        now = time.time()
        decision = index.check(record)
        writes = index.remember(record, decision, now) + index.expire(now)
        detected = utc_now_iso()
        emits = []
        if decision.is_duplicate and decision.duplicate is not None:
            decision.duplicate.detected_at = detected
            decision.duplicate.article = record  # normalize turns it into provenance for the alerts
            emits.append(Emit("duplicates", record.article_id, decision.duplicate.to_dict()))
        else:
            emits.append(Emit("unique", record.article_id, record.to_dict()))
        for relabel in decision.relabels:  # earlier arrivals that copy this article
            relabel.detected_at = detected
            emits.append(Emit("duplicates", relabel.article_id, relabel.to_dict()))
        return StepResult(emits, writes)
