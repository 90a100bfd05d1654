"""The pipeline's stages in order, and how to build one (each stage's module is imported only when built)."""

from __future__ import annotations

from importlib import import_module

from workers.settings import Settings
from workers.stage import Stage, StageSpec

STAGES: tuple[StageSpec, ...] = (
    StageSpec("extract", reads="raw", writes=("extracted",)),
    StageSpec("dedup", reads="extracted", writes=("unique", "duplicates"), table="dedup_index"),
    StageSpec("normalize", reads="unique", writes=("normalized",), also_reads=("duplicates",)),
    StageSpec("claims", reads="normalized", writes=("claims",)),
    StageSpec("alerts", reads="claims", writes=("alerts", "status"), table="status_table"),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
_CLASSES = {
    "extract": "workers.stage1_extract.stage:ExtractStage",
    "dedup": "workers.stage2_dedup.stage:DedupStage",
    "normalize": "workers.stage3_normalize.stage:NormalizeStage",
    "claims": "workers.stage4_claims.stage:ClaimsStage",
    "alerts": "workers.stage5_alerts.stage:AlertsStage",
}


def stage_specs(names: list[str]) -> list[StageSpec]:
    """The specs of the named stages, in pipeline order."""
    unknown = set(names) - set(STAGE_NAMES)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}; stages are {', '.join(STAGE_NAMES)}")
    return [s for s in STAGES if s.name in names]


def spec_of(name: str) -> StageSpec:
    """The spec of one stage."""
    return next(s for s in STAGES if s.name == name)


def make_stage(name: str, settings: Settings) -> Stage:
    """A new instance of the named stage (not opened yet)."""
    module, _, cls = _CLASSES[name].partition(":")
    stage: Stage = getattr(import_module(module), cls)(settings)
    return stage
