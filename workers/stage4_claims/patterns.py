"""The lexicons compiled once per language, on first use, into the regexes the matcher runs.

An article runs its own language's patterns only ("en", "uk", "ru"); an article of unknown language
runs the union of the three ("any"). Lexicon macros `<kind:lemma ...>` expand to generated word
forms (forms.py) at compile time; {L} after {M} lets a place-first pattern name a list ("в A и B идут бои").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from workers.stage4_claims import forms, lexicon_en, lexicon_ru, lexicon_uk

LEXICONS: dict[str, ModuleType] = {"en": lexicon_en, "uk": lexicon_uk, "ru": lexicon_ru}
ANY = "any"
# a mention followed by one of these names something else ("Zaporizhzhia nuclear plant", "Bakhmut direction")
_NOT_THE_PLACE = (
    r"(?!\s+(?:nuclear|power|plant|airport|airfield|station|bridge|dam|reservoir|region|regional|oblast|direction"
    r"|front|river|road|highway|railway|axis|sector|raion|province|county|port|refinery|aes|аес|аэс|направлени\w*"
    r"|напрямк\w*|област\w*|район\w*|водосховищ\w*|водохранилищ\w*)\b)"
)
MENTION = r"⟨(?P<m>\d+|\?)⟩" + _NOT_THE_PLACE


@dataclass(frozen=True)
class Trigger:
    """One event pattern of one language."""

    event: str
    regex: re.Pattern[str]
    lang: str


@dataclass(frozen=True)
class Compiled:
    """Every compiled pattern of one language (or of all three)."""

    lang: str
    triggers: tuple[Trigger, ...]
    count_triggers: tuple[Trigger, ...]  # an event for "two villages", the places named in the next sentence
    coordination_after: re.Pattern[str]
    coordination_before: re.Pattern[str]
    regexes: dict[str, re.Pattern[str]]
    capital_surfaces: frozenset[str]
    speaker_pronouns: frozenset[str]
    speaker_heads: tuple[str, ...]
    month_numbers: dict[str, int]
    kinds: dict[str, str]  # description word (lowercase) -> kind ("town", "regional_capital", ...)

    def __getattr__(self, name: str) -> re.Pattern[str]:
        try:
            return self.regexes[name]
        except KeyError:
            raise AttributeError(name) from None


# scalar patterns every lexicon defines; an "any" compilation joins the three
_SCALARS = (
    "ACTOR_RU", "ACTOR_UA", "ACTOR_ENEMY", "ACTOR_OURS", "ACTOR_ALLIED", "ACTOR_ARMED", "ACTOR_POSSESSIVE",
    "ACTOR_GENERIC",
    "ACTOR_PRONOUN", "SPEAKER_RU", "SPEAKER_UA", "SPEAKER_OFFICIAL", "PREDICTION", "ORDER", "ORDER_DONE",
    "INFINITIVE_MARK", "REALIZED", "ADMISSION", "CONDITIONAL", "QUESTION", "NEGATION", "NOT_NEGATION", "DENIAL",
    "DENIAL_AFTER", "DENIAL_TAIL", "CLAIM_WRAPPER", "NEGATED_WRAPPER", "NEGATED_AFTER", "NEGATED_REPORT",
    "HEDGE_RUMOUR",
    "HEDGE_UNVERIFIED", "NON_OFFICIAL", "HEDGE_WEAK",
    "HEDGE_NEAR", "MONITOR", "NEXT_SENTENCE_HEDGE", "SUBORDINATORS", "BACKGROUND_OPENER", "PAST", "PAST_OPENER",
    "PAST_PRECEDING", "DATE_DAY_MONTH", "DATE_MONTH_DAY", "FLAG_NOUN", "FLAG_RAISE", "FLAG_DOWN", "FLAG_UA",
    "FLAG_RU", "LOCATIVE", "SENTENCE_LOCATIVE", "FLAG_PRONOUN", "ADJECTIVAL_BEFORE", "EVALUATION_AFTER",
    "PART_AFTER", "PART_BEFORE", "PARTLY_BEFORE", "AREA_AFTER", "AGENTIVE_TRIGGER", "BY_AGENT", "FROM_AGENT",
    "NEXT_SENTENCE_ATTRIBUTION", "PARTICIPIAL_OPENER", "PARTICIPIAL_TRIGGER", "MAIN_CLAUSE_FUTURE",
    "LIST_OPENER", "NOT_AFTER_TRIGGER", "ENCIRCLE_AFTER", "DESCRIPTION",
)
# patterns that run on original-case text
_CASELESS = ("SPEAKER_RU", "SPEAKER_UA", "SPEAKER_OFFICIAL", "NEXT_SENTENCE_ATTRIBUTION", "NON_OFFICIAL", "MONITOR")


def _expand(pattern: str, lex: ModuleType, lang: str) -> str:
    """Replace the macros {M} {F} {Q} {NP} {WD} {L} and the word-form macros of a trigger pattern."""
    out = (
        pattern.replace("{L}", rf"(?:(?:{lex.COORDINATION})⟨(?:\d+|\?)⟩)*")
        .replace("{WD}", lex.WITHDRAW_WORDS)
        .replace("{NP}", lex.TROOPS_NP)
        .replace("{F}", f"(?:{lex.FILLER})?")
        .replace("{Q}", "")
        .replace("{M}", MENTION)
    )
    return forms.expand(out, lang) if lang != "en" else out


def _scalar(name: str, lexes: dict[str, ModuleType]) -> str:
    """The named pattern of one language, or the alternation over the three (named groups made unique)."""
    parts = [_expand(getattr(lex, name), lex, lang) for lang, lex in lexes.items()]
    if len(parts) > 1:
        parts = [re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{lang}>", p) for lang, p in zip(lexes, parts)]
    return "|".join(f"(?:{p})" for p in parts)


def group(m: re.Match[str], name: str) -> str | None:
    """A named group of a match of a scalar pattern, whichever language's alternative matched."""
    for key, value in m.groupdict().items():
        if value is not None and (key == name or key.startswith(name + "_")):
            return value
    return None


@lru_cache(maxsize=4)
def compiled(lang: str = ANY) -> Compiled:
    """Compile the patterns of one language (en, uk, ru) or of all three (any); once per process."""
    lexes = {lang: LEXICONS[lang]} if lang in LEXICONS else dict(LEXICONS)
    triggers = tuple(
        Trigger(event, re.compile(_expand(pattern, lex, code)), code)
        for code, lex in lexes.items()
        for event, pattern in lex.TRIGGERS
    )
    count_triggers = tuple(
        Trigger(event, re.compile(_expand(pattern, lex, code)), code)
        for code, lex in lexes.items()
        for event, pattern in lex.COUNT_TRIGGERS
    )
    fillers = _scalar("FILLER", lexes)
    coordination = _scalar("COORDINATION", lexes)
    regexes = {name: re.compile(_scalar(name, lexes), re.IGNORECASE if name in _CASELESS else 0) for name in _SCALARS}
    for code, lex in lexes.items():  # word-shape tests that must not mix languages
        regexes[f"INFINITIVE_TRIGGER_{code}"] = re.compile(_expand(lex.INFINITIVE_TRIGGER, lex, code))
        regexes[f"FUTURE_OPENER_{code}"] = re.compile(lex.FUTURE_OPENER)
        regexes[f"PAST_FORM_{code}"] = re.compile(lex.PAST_FORM)
        regexes[f"AGENT_BEFORE_{code}"] = re.compile(_expand(lex.AGENT_BEFORE, lex, code) + "$" if lex.AGENT_BEFORE else "")
    regexes["NOMINAL_TRIGGERS"] = re.compile(rf"^(?:{_scalar('NOMINAL_TRIGGERS', lexes)})$")
    regexes["GERUND_TRIGGER"] = re.compile(rf"^(?:{_scalar('GERUND_TRIGGER', lexes)})$")
    regexes["REPORT_VERBS"] = re.compile(rf"\b(?:{_scalar('REPORT_VERBS', lexes)})\b", re.IGNORECASE)
    regexes["ACCORDING_TO"] = re.compile(rf"\b(?:{_scalar('ACCORDING_TO', lexes)})\s+", re.IGNORECASE)
    # cheap tests on lower-cased text: most sentences name no speaker and no kind of place
    regexes["SPEAKER_PREFILTER"] = re.compile(
        rf"\b(?:{_scalar('REPORT_VERBS', lexes)})\b|\b(?:{_scalar('ACCORDING_TO', lexes)})\s+")
    kinds = {forms_word: kind for code, lex in lexes.items() for kind, lemmas in lex.DESCRIPTION_KINDS.items()
             for forms_word in _kind_words(lemmas, code)}
    heads = sorted({k.split()[0] for k in kinds}, key=lambda w: (-len(w), w))
    regexes["KIND_PREFILTER"] = re.compile(r"(?<![\w'-])(?:" + "|".join(map(re.escape, heads)) + r")(?![\w'-])")
    out = Compiled(
        lang=lang if lang in LEXICONS else ANY,
        triggers=triggers,
        count_triggers=count_triggers,
        coordination_after=re.compile(rf"(?:{coordination})(?:{fillers})?⟨(\d+|\?)⟩" + _NOT_THE_PLACE),
        coordination_before=re.compile(rf"⟨(\d+|\?)⟩(?:{coordination})(?:{fillers})?$"),
        regexes=regexes,
        capital_surfaces=frozenset(s for lex in lexes.values() for s in lex.CAPITAL_SURFACES),
        speaker_pronouns=frozenset(s for lex in lexes.values() for s in lex.SPEAKER_PRONOUNS),
        speaker_heads=tuple(h for lex in lexes.values() for h in lex.SPEAKER_HEADS),
        month_numbers={k: v for lex in lexes.values() for k, v in lex.MONTH_NUMBERS.items()},
        kinds=kinds,
    )
    forms.release()
    return out


def _kind_words(lemmas: tuple[str, ...], lang: str) -> set[str]:
    """The singular forms of the description words of one kind (English words are given as they are)."""
    if lang == "en":
        return {w.lower() for w in lemmas}
    return {f for lemma in lemmas for f in forms.forms(lang, "sing", lemma)}


_UK_LETTERS, _RU_LETTERS = "іїєґІЇЄҐ", "ыэъёЫЭЪЁ"
_SAMPLE = 3000


def lexicon_language(language: str | None, text: str = "") -> str:
    """Which lexicon an article runs: its detected language, corrected by the letters only Ukrainian or only
    Russian use (a misdetected uk/ru article still runs the right patterns); another language by its script."""
    code = (language or "")[:2].lower()
    sample = text[:_SAMPLE]
    cyrillic = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in sample if "a" <= ch.lower() <= "z")
    if code == "en" and latin >= cyrillic:
        return "en"
    if code not in ("uk", "ru") and not cyrillic:
        return "en" if latin else ANY
    uk = sum(sample.count(ch) for ch in _UK_LETTERS)
    ru = sum(sample.count(ch) for ch in _RU_LETTERS)
    if uk != ru:
        return "uk" if uk > ru else "ru"
    return code if code in ("uk", "ru") else ANY


def for_language(language: str | None, text: str = "") -> Compiled:
    """The patterns of an article: en, uk or ru (from its language and script), else all three."""
    return compiled(lexicon_language(language, text))
