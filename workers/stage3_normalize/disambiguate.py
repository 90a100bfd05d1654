"""Choosing between same-named settlements by the article's geography.

The prior is population, raised for an oblast the text names and (a little) for the oblasts at the front; then
proximity to the article's unambiguous places. A candidate must fit the kind the text gives the name ("a village");
a name the text places relative to another ("south-west of Odesa") takes a candidate near that place. A name is
dropped as a namesake below the gazetteer threshold when its reading lies far from everything else, or, for a name
several settlements share, outside the oblasts the article names and its places' oblasts.
"""

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
HOMONYM_NEAR_KM = 50.0  # a same-named place this close to one of the article's places fits its geography
HOMONYM_MAX_POPULATION = 50_000  # a town this large is meant even far from the article's other places
# Oblasts the front line has crossed since 2023: without any geography in the article, a war report's place with
# a same-named village elsewhere is more likely the one at the front (Borova in Kharkiv, not Kyiv, oblast)
FRONT_OBLASTS = frozenset({"04", "05", "07", "08", "14", "21", "26"})
FRONT_BONUS = 0.5
VILLAGE_MAX_POPULATION = 15_000  # "a village": never a large town or an oblast centre (as in stage4 places.fits)
CITY_MIN_POPULATION = 10_000
CITY_UK_MIN_POPULATION = 5_000
LOCATED_KM = 150.0  # "north-west of Kyiv", "к югу от Соледара": how far such a place may lie from the one named


@dataclass
class Group:
    """All occurrences of one name (same candidate set) in one article."""

    options: dict[int, float]  # settlement id → best match quality
    weak: bool = False  # every occurrence is a typo, a loose spelling or an English word
    chosen: int | None = None
    factor: float = 1.0  # confidence multiplier from the choice
    scores: dict[int, float] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)  # what the text calls the place ("a village", "the town of")


def fits_kind(s: Settlement, kind: str) -> bool:
    """Whether a settlement can be what the text calls it: a village is small, a city is large or a centre."""
    centre = s.feature in ("PPLA", "PPLC")
    return {
        "village": s.population < VILLAGE_MAX_POPULATION and not centre,
        "town": s.feature != "PPLC",
        "city": s.population >= CITY_MIN_POPULATION or centre,
        "city_uk": s.population >= CITY_UK_MIN_POPULATION or centre,
    }.get(kind, True)


def _candidates(g: Group, gaz: Gazetteer) -> list[int]:
    """The candidates of a group that fit every kind the text gives it (all of them when none fits)."""
    fitting = [sid for sid in g.options if all(fits_kind(gaz.settlements[sid], k) for k in g.kinds)]
    return fitting or list(g.options)


def distance_km(a: Settlement, b: Settlement) -> float:
    """Great-circle distance between two settlements."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _prior(s: Settlement, oblasts: set[str], quality: float = 1.0) -> float:
    score = math.log10(s.population + 10) + (OBLAST_BONUS if s.admin1 in oblasts else 0.0)
    score += FRONT_BONUS if s.admin1 in FRONT_OBLASTS else 0.0
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


def _choose(groups: list[Group], gaz: Gazetteer, oblasts: set[str], named: set[str], skip: set[int]) -> None:
    """One pass: anchors from the names that are clear on their own (those in `skip`, by id(group), excluded), then
    the best candidate of every group by prior and proximity to the other groups' anchors."""
    anchors_of: dict[int, Settlement] = {}
    for g in groups:
        if id(g) in skip:
            continue
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
        for sid in _candidates(g, gaz):
            q = g.options[sid]
            s = gaz.settlements[sid]
            d = _nearest(s, anchors)
            near = PROXIMITY_BONUS * math.exp(-d / PROXIMITY_SCALE_KM) if d is not None else 0.0
            scores[sid] = _prior(s, oblasts, q / top_q) + near
        ranked = sorted(scores, key=lambda sid: -scores[sid])
        g.scores = scores
        g.chosen = ranked[0]
        g.factor = 1.0
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
        if chosen.admin1 in oblasts:
            continue  # in an oblast the article names: never "far from the story"
        if d is not None and d > _isolation_km(anchors) and chosen.population < ISOLATION_MAX_POPULATION:
            g.chosen = None  # far from everything else: a namesake below the gazetteer threshold is meant
        elif _far_homonym(g, chosen, anchors, named):
            g.chosen = None  # one of several same-named places, none of them where the article is


def _far_homonym(g: Group, chosen: Settlement, anchors: list[Settlement], named: set[str]) -> bool:
    """A name several settlements share whose best reading lies outside the article's geography: the article names
    its oblast(s) and its other places, and this reading is in none of their oblasts nor near one of the places
    (Dobropillia of Donetsk oblast in a report on Huliaipole, Zaporizhzhia region). Such a name most likely means a
    namesake below the gazetteer threshold."""
    if len(g.options) < 2 or chosen.population >= HOMONYM_MAX_POPULATION or not anchors or not named:
        return False
    if chosen.admin1 in named or any(a.admin1 == chosen.admin1 for a in anchors):
        return False
    d = _nearest(chosen, anchors)
    return d is not None and d > HOMONYM_NEAR_KM


def resolve(groups: list[Group], gaz: Gazetteer, oblasts: set[str],
            located: list[tuple[Group, Group]] | None = None, named: set[str] | None = None) -> None:
    """Pick one settlement per group (or none), setting `chosen` and `factor` in place.

    Two passes: a name dropped as far from the story in the first pass is no anchor in the second, so two stray
    namesakes cannot vouch for each other (Борисовка and Красное of another oblast). Then the names the text places
    relative to another one (`located`: "Serhiivka, a resort village south-west of Odesa") take the candidate near
    that place, or none when every candidate lies far from it (the namesake meant is below the threshold).
    `named` are the oblasts the text names as regions (`oblasts` adds those of region-like uses of place names).
    """
    named = oblasts if named is None else named
    _choose(groups, gaz, oblasts, named, set())
    dropped = {id(g) for g in groups if g.chosen is None}
    if dropped:
        _choose(groups, gaz, oblasts, named, dropped)
    for g, target in located or ():
        if g is target or target.chosen is None:
            continue
        where = gaz.settlements[target.chosen]
        close = [sid for sid in _candidates(g, gaz) if distance_km(gaz.settlements[sid], where) <= LOCATED_KM]
        if close:
            g.chosen = max(close, key=lambda sid: g.scores.get(sid, 0.0))
        elif g.chosen is not None and gaz.settlements[g.chosen].population < HOMONYM_MAX_POPULATION:
            g.chosen = None
