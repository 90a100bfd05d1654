"""The pipeline's stages in order: what each reads and writes (topics.yaml roles) and its state table.

`workers.registry` builds a stage by name; the stage modules import their spec from here.
"""

from __future__ import annotations

from workers.stage import StageSpec

STAGES: tuple[StageSpec, ...] = (
    StageSpec("extract", reads="raw", writes=("extracted",)),
    StageSpec("dedup", reads="extracted", writes=("unique", "duplicates"), table="dedup_index"),
    StageSpec("normalize", reads="unique", writes=("normalized",), also_reads=("duplicates",)),
    StageSpec("claims", reads="normalized", writes=("claims",)),
    StageSpec("alerts", reads="claims", writes=("alerts", "status"), table="status_table"),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)


def stage_specs(names: list[str]) -> list[StageSpec]:
    """The specs of the named stages, in pipeline order."""
    unknown = set(names) - set(STAGE_NAMES)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}; stages are {', '.join(STAGE_NAMES)}")
    return [s for s in STAGES if s.name in names]


def spec_of(name: str) -> StageSpec:
    """The spec of one stage."""
    return next(s for s in STAGES if s.name == name)
