"""Names used for places outside Ukraine: a sentence set in Russia's border regions, or "X, a town in Poland".

Ukrainian villages share their names with villages across the border (Pravda, Podol, Krynki): in a
sentence placed "in the Kursk region" or "on Russian soil", a small place is the foreign namesake.
"""

from __future__ import annotations

import re
from functools import lru_cache

SMALL_POPULATION = 20_000  # larger places are rarely meant when a sentence is set across the border
_REGIONS = r"(?:Kursk|Belgorod|Bryansk|Rostov|Voronezh)"
_REGIONS_CYR = r"(?:Курськ|Курск|Бєлгородськ|Белгородск|Брянськ|Брянск|Ростовськ|Ростовск|Воронезьк|Воронежск)\w*"
_COUNTRIES = (
    r"(?:Poland|Belarus|Russia|Moldova|Romania|Hungary|Slovakia|Georgia|Lithuania|Latvia|Estonia|Bulgaria|Serbia"
    r"|Czechia|Czech\s+Republic|Turkey)"
)
_ANCHOR = (
    rf"\b(?:in|across|inside)\s+(?:the\s+)?(?:Russian\s+)?{_REGIONS}\s+(?:region|oblast|province|border\s+region)"
    rf"|\bon\s+Russian\s+(?:soil|territory)"
    rf"|\b(?:в|у|на)\s+{_REGIONS_CYR}\s+(?:област|обл\.)\w*"
    r"|\bна\s+(?:Курщин|Бєлгородщин|Белгородчин|Брянщин)\w*"
    r"|\bна\s+(?:російській|российской)\s+(?:території|территории)"
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


@lru_cache(maxsize=1)
def _anchor() -> re.Pattern[str]:
    return re.compile(_ANCHOR, re.IGNORECASE)


@lru_cache(maxsize=1)
def _foreign_apposition() -> re.Pattern[str]:
    return re.compile(
        rf",?\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?(?:town|village|city|settlement|district)\s+in\s+"
        rf"(?:(?:north|south|east|west|central)[\w-]*\s+)?{_COUNTRIES}\b"
    )


def foreign_sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences set in Russia's border regions."""
    if not _anchor().search(text):
        return []
    return [m.span() for m in _SENTENCE.finditer(text) if m.group(0) and _anchor().search(m.group(0))]


def placed_abroad(text: str, start: int, end: int, population: int, foreign: list[tuple[int, int]]) -> bool:
    """True when the name at [start, end) names a foreign place: a small place in a foreign sentence, or any
    place described right after as lying in another country ("Krynki, a small town in north-eastern Poland")."""
    if _foreign_apposition().match(text, end, min(len(text), end + 80)):
        return True
    return population < SMALL_POPULATION and any(s <= start < e for s, e in foreign)
