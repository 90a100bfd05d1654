"""The 27 GeoNames admin1 regions of Ukraine and how texts name them (Kharkiv region, Харківщина, Донецкой области)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from workers.stage3_normalize.text import Token, tokenize


@dataclass(frozen=True)
class Oblast:
    """One admin1 region: display name, Latin names and Cyrillic stems used to spot it in a text."""

    code: str
    name: str
    latin: tuple[str, ...]  # names used before "region"/"oblast" (Kharkiv, Kharkov)
    adjective_stems: tuple[str, ...]  # Cyrillic adjective stems before "область" (Харківськ, Харьковск)
    region_stems: tuple[str, ...]  # Cyrillic region nouns (Харківщин-а/-і/-у)


# GeoNames admin1 codes for UA (checked against the data: the largest place of each code is its centre).
OBLASTS: tuple[Oblast, ...] = (
    Oblast("01", "Cherkasy", ("Cherkasy", "Cherkassy"), ("Черкаськ", "Черкасск"), ("Черкащин",)),
    Oblast(
        "02",
        "Chernihiv",
        ("Chernihiv", "Chernigov"),
        ("Чернігівськ", "Черниговск"),
        ("Чернігівщин", "Черниговщин"),
    ),
    Oblast("03", "Chernivtsi", ("Chernivtsi", "Chernovtsy", "Bukovyna"), ("Чернівецьк", "Черновицк"), ("Буковин",)),
    Oblast(
        "04",
        "Dnipropetrovsk",
        ("Dnipropetrovsk", "Dnipro", "Dnepropetrovsk"),
        ("Дніпропетровськ", "Днепропетровск"),
        ("Дніпропетровщин", "Дніпровщин", "Днепропетровщин"),
    ),
    Oblast("05", "Donetsk", ("Donetsk",), ("Донецьк", "Донецк"), ("Донеччин", "Донетчин")),
    Oblast(
        "06",
        "Ivano-Frankivsk",
        ("Ivano-Frankivsk", "Ivano-Frankovsk"),
        ("Івано-Франківськ", "Ивано-Франковск"),
        ("Івано-Франківщин", "Прикарпатт"),
    ),
    Oblast(
        "07",
        "Kharkiv",
        ("Kharkiv", "Kharkov"),
        ("Харківськ", "Харьковск"),
        ("Харківщин", "Харьковщин", "Слобожанщин"),
    ),
    Oblast("08", "Kherson", ("Kherson",), ("Херсонськ", "Херсонск"), ("Херсонщин",)),
    Oblast(
        "09",
        "Khmelnytskyi",
        ("Khmelnytskyi", "Khmelnytskyy", "Khmelnitsky"),
        ("Хмельницьк", "Хмельницк"),
        ("Хмельниччин",),
    ),
    Oblast(
        "10",
        "Kirovohrad",
        ("Kirovohrad", "Kirovograd", "Kropyvnytskyi"),
        ("Кіровоградськ", "Кировоградск"),
        ("Кіровоградщин",),
    ),
    Oblast("11", "Crimea", ("Crimea",), ("Кримськ", "Крымск"), ("Крим", "Крым")),
    Oblast("12", "Kyiv City", (), (), ()),
    Oblast("13", "Kyiv", ("Kyiv", "Kiev"), ("Київськ", "Киевск"), ("Київщин", "Киевщин")),
    Oblast("14", "Luhansk", ("Luhansk", "Lugansk"), ("Луганськ", "Луганск"), ("Луганщин", "Луганщин")),
    Oblast("15", "Lviv", ("Lviv", "Lvov"), ("Львівськ", "Львовск"), ("Львівщин", "Львовщин")),
    Oblast(
        "16",
        "Mykolaiv",
        ("Mykolaiv", "Nikolaev", "Mykolayiv", "Nikolayev"),
        ("Миколаївськ", "Николаевск"),
        ("Миколаївщин", "Николаевщин"),
    ),
    Oblast("17", "Odesa", ("Odesa", "Odessa"), ("Одеськ", "Одесск"), ("Одещин", "Одесчин")),
    Oblast("18", "Poltava", ("Poltava",), ("Полтавськ", "Полтавск"), ("Полтавщин",)),
    Oblast("19", "Rivne", ("Rivne", "Rovno"), ("Рівненськ", "Ровенск"), ("Рівненщин",)),
    Oblast("20", "Sevastopol City", (), (), ()),
    Oblast("21", "Sumy", ("Sumy",), ("Сумськ", "Сумск"), ("Сумщин",)),
    Oblast("22", "Ternopil", ("Ternopil", "Ternopol"), ("Тернопільськ", "Тернопольск"), ("Тернопільщин",)),
    Oblast("23", "Vinnytsia", ("Vinnytsia", "Vinnytsya", "Vinnitsa"), ("Вінницьк", "Винницк"), ("Вінниччин",)),
    Oblast("24", "Volyn", ("Volyn", "Volhynia"), ("Волинськ", "Волынск"), ("Волин",)),
    Oblast("25", "Zakarpattia", ("Zakarpattia", "Transcarpathia"), ("Закарпатськ", "Закарпатск"), ("Закарпатт",)),
    Oblast("26", "Zaporizhzhia", ("Zaporizhzhia", "Zaporizhia", "Zaporozhye"), ("Запорізьк", "Запорожск"), ()),
    Oblast("27", "Zhytomyr", ("Zhytomyr", "Zhitomir"), ("Житомирськ", "Житомирск"), ("Житомирщин",)),
)
OBLAST_NAMES: dict[str, str] = {o.code: o.name for o in OBLASTS}

_ADJ_ENDINGS = {"а", "ої", "ій", "у", "ою", "ая", "ой", "ую", "ий", "ого", "ому", "им", "ом", "ое", "ої"}
_REGION_ENDINGS = {"", "а", "и", "і", "у", "ою", "ь", "ю", "ы", "е", "ой", "ям"}
_LATIN_REGION = {"region", "oblast", "province"}
_CYR_REGION_PREFIXES = ("област", "обл", "район", "регіон", "регион", "край", "окру")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, list[tuple[str, str, str]]], dict[str, str]]:
    """(Cyrillic stems by their first three letters → (stem, code, kind)), Latin oblast names → code."""
    stems: dict[str, list[tuple[str, str, str]]] = {}
    latin: dict[str, str] = {}
    for o in OBLASTS:
        for kind, values in (("adj", o.adjective_stems), ("noun", o.region_stems)):
            for stem in values:
                low = stem.lower()
                stems.setdefault(low[:3], []).append((low, o.code, kind))
        for name in o.latin:
            low = name.lower()
            for suffix in ("", "ska", "s'ka", "s’ka"):
                latin[low + suffix] = o.code
    return stems, latin


def _stem_hits(word: str) -> list[tuple[str, str]]:
    """(code, kind) of the oblast stems a lower-case word is built on with a proper ending."""
    out = []
    for stem, code, kind in _lexicon()[0].get(word[:3], ()):
        if word.startswith(stem):
            ending = word[len(stem) :]
            if (kind == "noun" and ending in _REGION_ENDINGS) or (kind == "adj" and ending in _ADJ_ENDINGS):
                out.append((code, kind))
    return out


def scan(tokens: list[Token]) -> tuple[set[str], list[tuple[int, int, str]]]:
    """(admin1 codes the text names as regions, spans of one-word region nouns such as Харківщина)."""
    latin = _lexicon()[1]
    codes: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for k, tok in enumerate(tokens):
        word = tok.text.lower()
        nxt = tokens[k + 1].text.lower() if k + 1 < len(tokens) else ""
        if word in latin and nxt in _LATIN_REGION:
            codes.add(latin[word])
        elif word in _LATIN_REGION and nxt == "of" and k + 2 < len(tokens) and tokens[k + 2].text.lower() in latin:
            codes.add(latin[tokens[k + 2].text.lower()])
        for code, kind in _stem_hits(word):
            if kind == "noun" and tok.text[:1].isupper():
                codes.add(code)
                spans.append((tok.start, tok.end, code))
            elif kind == "adj" and nxt.startswith(_CYR_REGION_PREFIXES):
                codes.add(code)
    return codes, spans


def named_oblasts(text: str) -> set[str]:
    """Admin1 codes of the regions a text names as regions (Kharkiv Oblast, Харківщина, Донецкой области)."""
    return scan(tokenize(text))[0]


def region_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of region names written as one word (Харківщина, Донеччині): never settlement mentions."""
    return scan(tokenize(text))[1]
