"""Inflected word forms generated from lemmas (pymorphy3 dictionaries for uk and ru), for the lexicons' macros.

A lexicon pattern may hold `<kind:lemma lemma ...>`; `expand` replaces it with an alternation of the
lemmas' forms of that kind. Multi-word lemmas join their words with "_" ("населений_пункт") and
inflect in agreement. Forms are generated once per process when the patterns compile; the
dictionaries are released afterwards (`release`), the generated forms stay cached.

kinds: past (finite past tense), impe (uk impersonal -но/-то), inf (infinitive), ger (gerund),
pred (predicative passive participle: ru short forms, uk nominative forms), pres (present tense),
noun (every case, both numbers), sing / plur (one number), adj (every form of an adjective).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

MACRO = re.compile(r"<(past|impe|inf|ger|pred|pres|noun|sing|plur|adj):([^<>:]+)>")
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@lru_cache(maxsize=2)
def _analyzer(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def release() -> None:
    """Drop the dictionaries (tens of MB); forms already generated stay cached."""
    _analyzer.cache_clear()


def _fold(word: str) -> str:
    """Forms as the masked text spells them: lower case, ё as е."""
    return word.lower().replace("ё", "е")


def _keep(kind: str, lang: str) -> Callable[[Any], bool]:
    """The test a form's tag must pass for `kind`."""
    def has(tag: Any, *grammemes: str) -> bool:
        return all(g in tag for g in grammemes)

    if kind == "past":
        return lambda f: f.tag.POS == "VERB" and has(f.tag, "past")
    if kind == "impe":
        return lambda f: f.tag.POS == "VERB" and has(f.tag, "Impe")
    if kind == "inf":  # uk: the dictionary form itself is not always tagged infn; its short -ть forms are futures
        return lambda f: f.tag.POS == "INFN" or (
            f.tag.POS == "VERB" and f.word.endswith(("ти", "тися", "тись"))
            and not any(g in f.tag for g in ("past", "pres", "futr", "impr", "Impe")))
    if kind == "ger":
        return lambda f: f.tag.POS == "GRND"
    if kind == "pred":
        if lang == "ru":
            return lambda f: f.tag.POS == "PRTS"
        return lambda f: f.tag.POS == "ADJF" and has(f.tag, "nomn")
    if kind == "pres":
        return lambda f: f.tag.POS == "VERB" and has(f.tag, "pres", "3per")
    if kind == "sing":
        return lambda f: has(f.tag, "sing") or (lang == "uk" and "plur" not in f.tag)
    if kind == "plur":
        return lambda f: has(f.tag, "plur")
    return lambda f: True  # noun, adj: every form


def _parse(lang: str, lemma: str, kind: str) -> Any:
    """The dictionary entry of `lemma` that fits `kind` (a verb for verb kinds, else a noun or adjective)."""
    verbal = kind in ("past", "impe", "inf", "ger", "pres") or (kind == "pred" and lang == "ru")
    wanted = {"VERB", "INFN"} if verbal else ({"ADJF"} if kind in ("adj", "pred") else {"NOUN"})
    parses = [p for p in _analyzer(lang).parse(lemma) if _fold(p.normal_form) == _fold(lemma)
              and "UNKN" not in p.tag and p.methods_stack[0][0].__class__.__name__ == "DictionaryAnalyzer"]
    return next((p for p in parses if p.tag.POS in wanted), parses[0] if parses else None)


@lru_cache(maxsize=None)
def forms(lang: str, kind: str, lemma: str) -> tuple[str, ...]:
    """Every form of `kind` of one lemma (a "_"-joined phrase inflects in agreement with its last word)."""
    words = lemma.split("_")
    if len(words) > 1:
        return _phrase_forms(lang, kind, words)
    p = _parse(lang, lemma, kind)
    if p is None:  # not in the dictionary (an abbreviation): the word as given
        return (_fold(lemma),)
    keep = _keep(kind, lang)
    found = {_fold(f.word) for f in p.lexeme if keep(f)}
    if not found:
        raise ValueError(f"no {kind} forms of {lemma!r} in the {lang} dictionary")
    return tuple(sorted(found, key=lambda w: (-len(w), w)))


def _phrase_forms(lang: str, kind: str, words: list[str]) -> tuple[str, ...]:
    """Forms of an adjective + noun phrase, each case and number agreeing ("населеними пунктами")."""
    head = _parse(lang, words[-1], "noun")
    mods = [_parse(lang, w, "adj") for w in words[:-1]]
    if head is None or any(m is None for m in mods):
        return (_fold(" ".join(words)),)
    gender = head.tag.gender

    def slot(tag: Any) -> tuple[str | None, str]:
        return (tag.case, "plur" if "plur" in tag else "sing")

    nouns: dict[tuple[str | None, str], set[str]] = {}
    for f in head.lexeme:
        nouns.setdefault(slot(f.tag), set()).add(_fold(f.word))
    adjs: list[dict[tuple[str | None, str], set[str]]] = []
    for m in mods:
        table: dict[tuple[str | None, str], set[str]] = {}
        for f in m.lexeme:
            if "plur" in f.tag or f.tag.gender in (gender, None):
                if not (f.tag.case == "accs" and "anim" in f.tag):
                    table.setdefault(slot(f.tag), set()).add(_fold(f.word))
        adjs.append(table)
    wanted = {"sing": ("sing",), "plur": ("plur",)}.get(kind, ("sing", "plur"))
    out = set()
    for (case, number), noun_forms in nouns.items():
        if number not in wanted or case not in _CASES:
            continue
        combos = [""]
        for table in adjs:
            combos = [f"{c}{a} " for c in combos for a in table.get((case, number), ())]
        out |= {f"{c}{n}" for c in combos for n in noun_forms}
    return tuple(sorted(out, key=lambda w: (-len(w), w))) or (_fold(" ".join(words)),)


def expand(pattern: str, lang: str) -> str:
    """Replace every `<kind:lemma ...>` macro of a pattern with the alternation of the generated forms."""
    def one(m: re.Match[str]) -> str:
        alts = {f for lemma in m.group(2).split() for f in forms(lang, m.group(1), lemma)}
        body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(alts, key=lambda w: (-len(w), w)))
        return f"(?:{body})"

    return MACRO.sub(one, pattern)
