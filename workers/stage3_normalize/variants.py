"""Name variants of one settlement: the Ukrainian Cyrillic name, its national romanisation, other spellings."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import translitua
from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

from workers.stage3_normalize.text import APOSTROPHES, is_cyrillic, is_name_script, latin_skeleton, norm

_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэёъЫЭЁЪ")
_SOUTH_SLAVIC = set("јљњћђџѓќѕЈЉЊЋЂЏЃЌЅўЎ")  # Serbian, Macedonian, Belarusian letters
_UK_TABLES = (
    translitua.UkrainianKMU,
    translitua.UkrainianBGN,
    translitua.UkrainianBritish,
    translitua.UkrainianSimple,
    translitua.UkrainianGerman,
    translitua.UkrainianFrench,
)
_RU_TABLES = (
    translitua.RussianSimple,
    translitua.RussianICAO,
    translitua.RussianInternationalPassport,
    translitua.RussianDriverLicense,
)

# English-press spelling of Cyrillic, the way agencies write it (Avdeyevka, Artyomovsk, Kupyansk).
_PRESS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "yu", "я": "ya", "ё": "yo", "ы": "y", "э": "e", "ъ": "",
}
_VOWELS = set("аеєиіїоуюяёыэ")


def cyrillic_names(alternatenames: Iterable[str]) -> list[str]:
    """The alternate names written in Cyrillic only."""
    names = [a.replace("\u0301", "").replace("\u0300", "") for a in alternatenames if is_cyrillic(a)]
    return list(dict.fromkeys(a for a in names if is_name_script(a) and len(a) >= 3))


def latin_names(alternatenames: Iterable[str]) -> list[str]:
    """The alternate names written in Latin that look like proper names (capitalised, not airport codes)."""
    out = []
    for a in alternatenames:
        if not is_name_script(a) or is_cyrillic(a) or not a[:1].isupper() or a.isupper():
            continue
        out.append(a)
    return out


def looks_russian(name: str) -> bool:
    """True for Cyrillic names spelled the Russian way (ы, э, ё; -ое/-ая/-ый; -ово/-ино; -ск without ь)."""
    low = name.lower()
    if set(low) & _RU_ONLY:
        return True
    if set(low) & _UK_ONLY:
        return False
    last = re.split(r"[\s\-]+", low)[-1]
    return bool(re.search(r"(ое|ая|ый|ыно)$", last)) or bool(re.search(r"[^ь](ск|цк|ский|цкий)$", last))


def ukrainian_score(name: str) -> float:
    """How Ukrainian a Cyrillic spelling looks (і/ї/є/ґ, apostrophe, -ськ; not ы/э/ё, -ое, -ово)."""
    low = name.lower()
    letters = set(low)
    score = 0.0
    if letters & _UK_ONLY or any(a in name for a in APOSTROPHES):
        score += 3.0
    if letters & _RU_ONLY:
        score -= 3.0
    if letters & _SOUTH_SLAVIC:
        score -= 5.0
    if re.search(r"(ськ|цьк|зьк)(е|а|ий)?$", re.split(r"[\s\-]+", low)[-1]):
        score += 1.0
    if looks_russian(name):
        score -= 2.0
    elif re.search(r"(ово|ево|ино|овка|евка)$", low):  # Russian neuter, though also Transcarpathian (Солотвино)
        score -= 1.0
    if re.search(r"[бвгґджзклмнпрстфхцчшщ]ї", low):  # old orthography (Днїпро)
        score -= 1.0
    return score


def _family_score(name: str, geoname_name: str, latin_skeletons: list[str]) -> float:
    """How well a Cyrillic name matches GeoNames' current name and the Latin alternates (script-neutral)."""
    rom = latin_skeleton(anyascii(name))
    rom_uk = latin_skeleton(national(name))
    target = latin_skeleton(geoname_name)
    name_sim = max(Levenshtein.normalized_similarity(r, target) for r in (rom, rom_uk))
    support = sum(
        1 for k in latin_skeletons if max(Levenshtein.normalized_similarity(r, k) for r in (rom, rom_uk)) >= 0.8
    )
    return 6.0 * name_sim + 6.0 * support / max(1, len(latin_skeletons))


def choose_ukrainian(geoname_name: str, alternatenames: list[str]) -> str | None:
    """Pick the current Ukrainian Cyrillic name among the alternates, or None when none looks Ukrainian.

    Among the Ukrainian-looking spellings, the one closest to GeoNames' current name and best
    supported by the Latin alternates wins (Bakhmut, not the historic Artemivsk; Sievierodonetsk,
    not the proposed Siverskodonetsk); near-ties go to the more Ukrainian spelling (Куп’янськ).
    """
    cyr = [n for n in cyrillic_names(alternatenames) if not set(n.lower()) & (_RU_ONLY | _SOUTH_SLAVIC)]
    cyr = [n for n in cyr if not looks_russian(n)]
    if not cyr:
        return None
    latin_skeletons = [latin_skeleton(a) for a in latin_names(alternatenames)]
    latin_keys = {norm(a) for a in latin_names(alternatenames)}
    fam = {n: _family_score(n, geoname_name, latin_skeletons) + 1.5 * (norm(national(n)) in latin_keys) for n in cyr}
    top = max(fam.values())
    close = [n for n in cyr if fam[n] >= top - 0.75]
    best = max(close, key=lambda n: (ukrainian_score(n), fam[n], -len(n)))
    return best if ukrainian_score(best) >= 0 else None  # Кадиевка, Чистяково: GeoNames' own name is better


def national(name_uk: str) -> str:
    """The Ukrainian national romanisation (KMU 2010) of a Ukrainian Cyrillic name."""
    return translitua.translit(name_uk, translitua.UkrainianKMU).replace("’", "").replace("'", "")


def press_romanisation(name: str) -> str:
    """English-press romanisation: ye after vowels and at word start, soft signs dropped."""
    out: list[str] = []
    prev = " "
    for ch in name:
        low = ch.lower()
        if low in _PRESS:
            rom = _PRESS[low]
            if low == "е" and (prev in _VOWELS or prev in " -ьъ'’"):
                rom = "ye"
            out.append(rom.capitalize() if ch.isupper() else rom)
        elif ch in APOSTROPHES:
            out.append("")
        else:
            out.append(ch)
        prev = low
    return "".join(out)


def romanisations(name: str) -> set[str]:
    """Latin spellings of one Cyrillic name under the usual transliteration systems."""
    tables = _RU_TABLES if looks_russian(name) else _UK_TABLES + _RU_TABLES
    out = {translitua.translit(name, t) for t in tables}
    out.add(anyascii(name))
    out.add(press_romanisation(name))
    return {o for o in out if o and "\u0361" not in o}


def english_variants(latin: str) -> set[str]:
    """Common English spellings of a romanised name: -s'k/-sk, iy/yi/y, ia/ya, ie/ye, iu/yu, yy/y."""
    base = latin.replace("'", "").replace("’", "")
    out = {base}
    rules = [
        (r"iy\b", "y"), (r"yi\b", "y"), (r"yy\b", "y"), (r"yi\b", "iy"), (r"ii\b", "y"),  # Kryvyi, Kryvy, Kryviy
        (r"ia", "ya"), (r"iu", "yu"), (r"ie", "ye"), (r"ii", "iyi"),  # Kupyansk, Lyubotyn, Syevyerodonetsk, Avdiyivka
    ]
    for pattern, repl in rules:
        for v in list(out):
            out.add(re.sub(pattern, repl, v))
    return out


# Ukrainian -> Russian spelling of place names (Сонцівка → Сонцовка, Яковлівка → Яковлевка, Новоєгорівка →
# Новоегоровка, Курахове → Курахово, Вільне → Вольное, Ірпінь → Ирпень, Мар'їнка → Марьинка, Сіверськ → Северск).
# Ukrainian і after a consonant stands for Russian о, е or и (the ikavism of closed syllables and the old ѣ);
# ї after a vowel for е or и; є, initial і, ґ and the soft sign of -ськ have one Russian letter each.
RUSSIAN_MIN_LEN = 5  # shorter words keep their Ukrainian spelling only (Сіль is no Соль)
_RUSSIAN_MAX_PER_WORD = 12
# Russian и for Ukrainian і or ї needs no spelling of its own: the loose key (cyr_skeleton) already equates them
_I_CHOICES = ("о", "е")  # the last і of a word (the suffix: -івка, -ів, -ін-)
_I_CHOICES_EARLY = ("е", "и")  # an earlier one (Сіверськ, Кліщіївка), spelled with и when the last one changes
_VOWEL_BEFORE = set("аеєиіїоуюяь'’ʼ")


def _russian_letters(word: str) -> list[tuple[str, ...]]:
    """Each letter of one lower-case Ukrainian word with its Russian spellings."""
    slots: list[tuple[str, ...]] = []
    last_i = max((k for k, ch in enumerate(word) if ch == "і" and k > 0 and word[k - 1] not in _VOWEL_BEFORE),
                 default=-1)
    for k, ch in enumerate(word):
        prev = word[k - 1] if k else ""
        if ch in "'’ʼ`":
            nxt = word[k + 1] if k + 1 < len(word) else ""
            slots.append(("ь",) if nxt == "ї" else ("",))
        elif ch == "і":
            if k == 0 or prev in _VOWEL_BEFORE:
                slots.append(("и",))
            else:
                slots.append(_I_CHOICES if k == last_i else _I_CHOICES_EARLY)
        elif ch == "ї":
            slots.append(("и",) if k == 0 or prev in "'’ʼ`" else ("е",))
        elif ch == "є":
            slots.append(("е",))
        elif ch == "ґ":
            slots.append(("г",))
        elif ch == "ь" and word[k + 1: k + 2] == "к" and prev in "сцз":
            slots.append(("",))  # -ськ → -ск
        else:
            slots.append((ch,))
    return slots


def _russian_endings(word: str, original: str, last: bool) -> set[str]:
    """Russian endings of one respelled word: -ове → -ово, -не → -ное, -нє → -нее, Нова → Новая, -ська → -ская."""
    out = {word}
    if re.search(r"(?:[аеиоуяіїє][вклнрт]|нн|[сцз]к)а$", word):
        out.add(word + "я")  # Нова → Новая, Кремінна → Кременная, Дніпровська → Днепровская
    if not last:
        return out
    if re.search(r"(?:ов|ев|ин)е$", word):
        out.add(word[:-1] + "о")  # Курахове → Курахово, Сиротине → Сиротино
    if original.endswith("є"):
        out.add(word[:-1] + "ее")  # Верхнє → Верхнее
    elif re.search(r"[бвгджзклмнпрстфхцчшщ]е$", word):
        out.add(word[:-1] + "ое")  # Вільне → Вольное, Гірське → Горское
    return out


def russian_spellings(name_uk: str) -> set[str]:
    """Russian spellings of a Ukrainian Cyrillic place name (the name itself excluded), capitalised as written."""
    words = split_words(name_uk)
    if not words:
        return set()
    per_word: list[list[str]] = []
    for k, w in enumerate(words):
        low = w.lower()
        letters = _russian_letters(low) if len(low) >= RUSSIAN_MIN_LEN else [(ch,) for ch in low]
        found: list[str] = []
        for p in itertools.islice(itertools.product(*letters), 64):
            for v in sorted(_russian_endings("".join(p), low, k == len(words) - 1)):
                if v not in found:
                    found.append(v)
        per_word.append([_like(w, v) for v in found[:_RUSSIAN_MAX_PER_WORD]])
    out = {" ".join(combo) for combo in itertools.islice(itertools.product(*per_word), 2 * _RUSSIAN_MAX_PER_WORD)}
    out.discard(" ".join(words))
    return out


def split_words(name: str) -> list[str]:
    """The words of a name (a hyphen joins words too: Кам'янка-Дніпровська)."""
    return [w for w in re.split(r"[\s\-‐‑–]+", name.strip()) if w]


def _like(original: str, spelled: str) -> str:
    """`spelled` with the capitalisation of `original` (first letter)."""
    return spelled[:1].upper() + spelled[1:] if original[:1].isupper() else spelled
