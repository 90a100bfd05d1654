"""Normalization stage: unique and duplicates → normalized (the article with its settlement mentions).

Originals come from the unique topic. Duplicates come from the duplicates topic with the copy's
extracted article; they are normalized the same way and carry `duplicate_of`, so the claims stage
marks their claims and the alerts stage lists them as republications (provenance), never as
independent sources. A duplicate message without its article (an older producer, or a re-label of
an original dedup no longer kept) has nothing to normalize and is passed over with a log line.
"""

from __future__ import annotations

import logging
from typing import Any

from workers.records import DuplicateRecord, ExtractedArticle, NormalizedArticle
from workers.stage import Emit, Stage, StepResult
from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stages import spec_of

log = logging.getLogger(__name__)


class NormalizeStage(Stage):
    spec = spec_of("normalize")
    decoders = {"unique": ("extracted_article", ExtractedArticle.from_dict),
                "duplicates": ("duplicate", DuplicateRecord.from_dict)}

    def __init__(self, *args: Any, gazetteer: Gazetteer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gazetteer = gazetteer

    def open(self, state: Any = None) -> None:
        if self.gazetteer is None:  # imported here: building it needs the slow build modules
            from workers.stage3_normalize.cache import load_gazetteer

            self.gazetteer = load_gazetteer(self.settings.data_dir / "gazetteer")

    def step(self, role: str, record: ExtractedArticle | DuplicateRecord) -> StepResult:
        assert self.gazetteer is not None, "open() the stage first"
        duplicate_of: str | None = None
        article = record
        if isinstance(record, DuplicateRecord):
            if record.article is None:
                log.info("duplicate without its article; nothing to normalize", extra={"article_id": record.article_id})
                return StepResult()
            article, duplicate_of = record.article, record.duplicate_of
        assert isinstance(article, ExtractedArticle)
        mentions = find_mentions(article.text, self.gazetteer, language=article.language)
        normalized = NormalizedArticle(article=article, mentions=mentions, duplicate_of=duplicate_of)
        return StepResult([Emit("normalized", article.article_id, normalized.to_dict())])
