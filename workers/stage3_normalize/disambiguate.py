"""Choosing between same-named settlements: oblasts named in the text, nearby places, then population."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from workers.stage3_normalize.gazetteer import Gazetteer, Settlement

OBLAST_BONUS = 1.5  # in log10(population) units
PROXIMITY_BONUS = 3.0
PROXIMITY_SCALE_KM = 50.0
ANCHOR_MARGIN = 1.0  # a name is an anchor when its best reading leads by this much before proximity
ISOLATION_MIN_KM, ISOLATION_MAX_KM = 100.0, 250.0  # bounds of "far from every other place of the article"
ISOLATION_SPREAD = 4.0  # ... in units of the median distance between the article's other places
ISOLATION_MAX_POPULATION = 20_000
WEAK_NEAR_KM = 150.0  # a typo or an English-word name counts only with another place this close
WEAK_ALONE_FACTOR = 0.7
SECTION_PENALTY = 2.0  # a city district loses to a town of the same name
QUALITY_WEIGHT = 10.0  # an alias or loose match (quality 0.9) counts like a tenth of the population


@dataclass
class Group:
    """All occurrences of one name (same candidate set) in one article."""

    options: dict[int, float]  # settlement id → best match quality
    weak: bool = False  # every occurrence is a typo, a loose spelling or an English word
    chosen: int | None = None
    factor: float = 1.0  # confidence multiplier from the choice
    scores: dict[int, float] = field(default_factory=dict)


def distance_km(a: Settlement, b: Settlement) -> float:
    """Great-circle distance between two settlements."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _prior(s: Settlement, oblasts: set[str], quality: float = 1.0) -> float:
    score = math.log10(s.population + 10) + (OBLAST_BONUS if s.admin1 in oblasts else 0.0)
    return score - (SECTION_PENALTY if s.section else 0.0) - QUALITY_WEIGHT * (1.0 - quality)


def _nearest(s: Settlement, anchors: list[Settlement]) -> float | None:
    """Distance to the closest anchor (another name of the article; the same place named otherwise counts)."""
    return min((distance_km(s, a) for a in anchors), default=None)


def _isolation_km(anchors: list[Settlement]) -> float:
    """How far from the article's other places a small place may lie: wider for articles that range widely."""
    pairs = sorted(distance_km(a, b) for k, a in enumerate(anchors) for b in anchors[k + 1 :])
    if not pairs:
        return ISOLATION_MAX_KM
    return min(ISOLATION_MAX_KM, max(ISOLATION_MIN_KM, ISOLATION_SPREAD * pairs[len(pairs) // 2]))


def resolve(groups: list[Group], gaz: Gazetteer, oblasts: set[str]) -> None:
    """Pick one settlement per group (or none), setting `chosen` and `factor` in place."""
    anchors_of: dict[int, Settlement] = {}
    for g in groups:
        top_q = max(g.options.values())
        prior = {sid: _prior(gaz.settlements[sid], oblasts, q / top_q) for sid, q in g.options.items()}
        ranked = sorted(prior, key=lambda sid: -prior[sid])
        best = gaz.settlements[ranked[0]]
        margin = prior[ranked[0]] - prior[ranked[1]] if len(ranked) > 1 else 99.0
        if margin >= ANCHOR_MARGIN and best.id != gaz.capital_id and not g.weak:
            anchors_of[id(g)] = best
    for g in groups:
        anchors = [a for key, a in anchors_of.items() if key != id(g)]
        top_q = max(g.options.values())
        scores = {}
        for sid, q in g.options.items():
            s = gaz.settlements[sid]
            d = _nearest(s, anchors)
            near = PROXIMITY_BONUS * math.exp(-d / PROXIMITY_SCALE_KM) if d is not None else 0.0
            scores[sid] = _prior(s, oblasts, q / top_q) + near
        ranked = sorted(scores, key=lambda sid: -scores[sid])
        g.scores = scores
        g.chosen = ranked[0]
        if len(ranked) > 1:
            margin = scores[ranked[0]] - scores[ranked[1]]
            g.factor = 0.75 + 0.25 * min(1.0, margin / 1.5)
        chosen = gaz.settlements[g.chosen]
        d = _nearest(chosen, anchors)
        if g.weak:
            if d is None:
                g.factor *= WEAK_ALONE_FACTOR
            elif d > WEAK_NEAR_KM:
                g.chosen = None
                continue
        if d is not None and d > _isolation_km(anchors) and chosen.population < ISOLATION_MAX_POPULATION:
            g.chosen = None  # far from everything else: a namesake below the gazetteer threshold is meant
