"""Every settlement of 10,000 people or more is found from its Ukrainian name in three grammatical cases.

The case forms are generated here by textbook rules, independently of the matcher's own morphology.
City districts and neighbourhoods (Kyiv's Obolon, "Podilskyi raion") are not settlements of their own
and are left out.
"""

from __future__ import annotations

import re

import pytest

from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.disambiguate import FRONT_BONUS, FRONT_OBLASTS
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.text import norm

MIN_POPULATION = 10_000
_SIBILANTS = "жчшщ"
_PALATALISE = {"к": "ц", "г": "з", "х": "с"}
# Genitives that do not follow the rules (fleeting vowels of plural names, -у genitives).
_IRREGULAR_GENITIVE = {"ромни": "ромен", "лубни": "лубен", "ріг": "рогу"}


def _open_i(stem: str) -> str:
    """і/ї of a final closed syllable opens: Харків → Харков-, Київ → Києв-, Тернопіль → Тернопол-, Ірпінь → Ірпен-."""
    m = re.search(r"(і|ї(?=в))([бвгґджзклмнпрстфхцчшщ])ь?$", stem)
    if not m:
        return stem
    vowel = "є" if m.group(1) == "ї" else ("е" if m.group(2) == "н" else "о")
    return stem[: m.start()] + vowel + m.group(2)


def _decline_word(word: str, adjective: bool) -> tuple[str, str]:
    """(genitive, locative) of one word of a Ukrainian place name."""
    low = word.lower()
    if low in _IRREGULAR_GENITIVE:
        gen = _IRREGULAR_GENITIVE[low]
        return gen, {"рогу": "розі"}.get(gen, low[:-1] + "ах")
    if adjective or re.search(r"(ий|ій)$", low) and len(low) > 4:
        if low.endswith(("ий", "ій")):
            return low[:-2] + "ого", low[:-2] + "ому"
        if low.endswith("а"):
            return low[:-1] + "ої", low[:-1] + "ій"
        if low.endswith("е"):
            return low[:-1] + "ого", low[:-1] + "ому"
    if low.endswith("ія"):
        return low[:-1] + "ї", low[:-1] + "ї"
    if low.endswith("я"):
        stem = low[:-1]
        return (low if re.search(r"([бвгґджзклмнпрстфхцчшщ])\1я$|ття$|сся$|лля$", low) else stem + "і"), stem + "і"
    if low.endswith("а"):
        stem = low[:-1]
        gen = stem + ("і" if stem[-1] in _SIBILANTS else "и")
        loc = stem[:-1] + _PALATALISE[stem[-1]] + "і" if stem[-1] in _PALATALISE else stem + "і"
        return gen, loc
    if low.endswith("е"):
        if low.endswith("поле"):
            return low[:-1] + "я", low[:-1] + "і"
        return low[:-1] + "ого", low[:-1] + "ому"
    if low.endswith("о"):
        return low[:-1] + "а", low[:-1] + "і"
    if low.endswith(("и", "і")):
        stem = low[:-1]
        gen = stem + "ів" if stem.endswith("ц") else stem
        return gen, stem + ("ях" if stem.endswith("ц") else "ах")
    if low.endswith(("у", "ю")):  # indeclinable (Яни Капу)
        return low, low
    if low.endswith("ь"):
        stem = _open_i(low).removesuffix("ь")
        return stem + "я", stem + "і"
    if low.endswith("й"):
        return low[:-1] + "я", low[:-1] + "ї"
    stem = _open_i(low)
    loc = stem + ("у" if stem[-1] in "кгх" else "і")
    return stem + "а", loc


def ukrainian_cases(name: str) -> dict[str, str]:
    """Nominative, genitive and locative of a Ukrainian place name (each word declined)."""
    words = re.split(r"(\s+|-)", name)
    parts = [w for w in words if w and not re.fullmatch(r"\s+|-", w)]
    gen, loc = [], []
    for k, part in enumerate(words):
        if not part or re.fullmatch(r"\s+|-", part):
            gen.append(part)
            loc.append(part)
            continue
        is_adj = len(parts) > 1 and part is not parts[-1] and re.search(r"(ий|ій|а|е)$", part.lower()) is not None
        g, lc = _decline_word(part, is_adj)
        gen.append(g[:1].upper() + g[1:] if part[:1].isupper() else g)
        loc.append(lc[:1].upper() + lc[1:] if part[:1].isupper() else lc)
    return {"nom": name, "gen": "".join(gen), "loc": "".join(loc)}


SENTENCES = {
    "nom": "Місто {} опинилося під обстрілом.",
    "gen": "Бої точаться біля {}, повідомили військові.",
    "loc": "Вибухи пролунали у {}, повідомила влада.",
}


def _big_settlements(gaz: Gazetteer):
    return sorted(
        (s for s in gaz.settlements.values() if s.population >= MIN_POPULATION and s.name_uk and not s.section),
        key=lambda s: s.id,
    )


def test_case_rules_on_known_names():
    assert ukrainian_cases("Ізюм") == {"nom": "Ізюм", "gen": "Ізюма", "loc": "Ізюмі"}
    assert ukrainian_cases("Харків")["loc"] == "Харкові"
    assert ukrainian_cases("Київ")["gen"] == "Києва"
    assert ukrainian_cases("Куп’янськ")["loc"] == "Куп’янську"
    assert ukrainian_cases("Нова Каховка")["loc"] == "Новій Каховці"
    assert ukrainian_cases("Гірське")["gen"] == "Гірського"
    assert ukrainian_cases("Балаклія")["loc"] == "Балаклії"


def _weight(s) -> float:
    """A settlement's population, counted up in the oblasts at the front (the resolver's prior for a war report)."""
    return s.population * (10**FRONT_BONUS if s.admin1 in FRONT_OBLASTS else 1.0)


def _acceptable(gaz: Gazetteer, expected: int, found: set[int], form: str) -> bool:
    """Found, or lost to a larger settlement that the same words name (two Mykolaivs: the city wins), a place at
    the front counting three times its size (Ямполя: Yampil of Sumy oblast before the larger one of Vinnytsia)."""
    if expected in found:
        return True
    s = gaz.settlements[expected]
    words = form.lower().replace("’", "'").split()
    named = {sid for rest, sid, _, _ in gaz.exact.get(norm(words[0]), ()) if len(rest) == len(words) - 1}
    return any(f in named and _weight(gaz.settlements[f]) > _weight(s) for f in found)


def test_every_large_settlement_in_three_cases(gazetteer: Gazetteer):
    settlements = _big_settlements(gazetteer)
    assert len(settlements) > 400
    failures = []
    for s in settlements:
        for case, form in ukrainian_cases(s.name_uk).items():
            text = SENTENCES[case].format(form)
            found = {m.settlement.id for m in find_mentions(text, gazetteer, language="uk")}
            if not _acceptable(gazetteer, s.id, found, form):
                failures.append(f"{s.id} {s.name} {case}: {form!r} -> {sorted(found)}")
    assert not failures, f"{len(failures)} misses:\n" + "\n".join(failures[:60])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Бої точаться біля Ізюма.", 707292),
        ("У Куп'янську лунають вибухи.", 703656),
        ("Росіяни обстріляли Балаклію.", 712926),
        ("Військові вийшли з Вугледара.", 690823),
        ("Бои идут в Купянске.", 703656),
        ("Бои идут в Бахмуте.", 713174),
        ("Армия вошла в Северодонецк.", 691999),
        ("Ситуация в Херсоне сложная.", 706448),
        ("З боку Нової Каховки чути артилерію.", 699839),
        ("У Великій Новосілці тривають бої.", 690237),
        ("Поблизу Часового Яру тривають бої.", 710915),
    ],
)
def test_case_forms_in_sentences(gazetteer: Gazetteer, text: str, expected: int):
    assert expected in {m.settlement.id for m in find_mentions(text, gazetteer)}
