"""What kind of place each settlement is (feature code, population), for descriptions such as "the regional capital".

The claims stage needs only this much of the gazetteer, so it is kept in a small file beside the
gazetteer cache (same fingerprint, see `cache.load_profiles`) and read without loading the name index.
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.stage3_normalize.gazetteer import Gazetteer


@dataclass(frozen=True, slots=True)
class Profile:
    """A settlement's kind: its GeoNames-style feature code (PPLC, PPLA, PPL) and population."""

    population: int
    feature: str = "PPL"


def profiles_of(gazetteer: Gazetteer) -> dict[int, Profile]:
    """The profile of every settlement of a gazetteer."""
    return {sid: Profile(st.population, st.feature) for sid, st in gazetteer.settlements.items()}
