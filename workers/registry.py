"""Each stage's `Stage` class by name; a stage's module (and its core) is imported only when it is built."""

from __future__ import annotations

from importlib import import_module

from workers.settings import Settings
from workers.stage import Stage

_CLASSES = {
    "extract": "workers.stage1_extract.stage:ExtractStage",
    "dedup": "workers.stage2_dedup.stage:DedupStage",
    "normalize": "workers.stage3_normalize.stage:NormalizeStage",
    "claims": "workers.stage4_claims.stage:ClaimsStage",
    "alerts": "workers.stage5_alerts.stage:AlertsStage",
}


def make_stage(name: str, settings: Settings) -> Stage:
    """A new instance of the named stage (not opened yet)."""
    module, _, cls = _CLASSES[name].partition(":")
    stage: Stage = getattr(import_module(module), cls)(settings)
    return stage
