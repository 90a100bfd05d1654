"""The three lexicons compiled once, on first use, into the regexes the matcher runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from workers.stage4_claims import lexicon_en, lexicon_ru, lexicon_uk

LEXICONS: dict[str, ModuleType] = {"en": lexicon_en, "uk": lexicon_uk, "ru": lexicon_ru}
# a mention followed by one of these names something else ("Zaporizhzhia nuclear plant", "Bakhmut direction")
_NOT_THE_PLACE = (
    r"(?!\s+(?:nuclear|power|plant|airport|airfield|station|bridge|dam|reservoir|region|oblast|direction|front|river"
    r"|road|highway|railway|axis|sector|raion|province|county|port|refinery|aes|аес|аэс|направлени\w*|напрямк\w*"
    r"|област\w*|район\w*|водосховищ\w*|водохранилищ\w*)\b)"
)
MENTION = r"⟨(?P<m>\d+)⟩" + _NOT_THE_PLACE


@dataclass(frozen=True)
class Trigger:
    """One event pattern of one language."""

    event: str
    regex: re.Pattern[str]
    lang: str


@dataclass(frozen=True)
class Compiled:
    """Every compiled pattern; union regexes match in any of the three languages."""

    triggers: tuple[Trigger, ...]
    coordination_after: re.Pattern[str]
    coordination_before: re.Pattern[str]
    regexes: dict[str, re.Pattern[str]]
    capital_surfaces: frozenset[str]
    speaker_pronouns: frozenset[str]
    speaker_heads: tuple[str, ...]
    month_numbers: dict[str, int]

    def __getattr__(self, name: str) -> re.Pattern[str]:
        try:
            return self.regexes[name]
        except KeyError:
            raise AttributeError(name) from None


# scalar patterns joined across languages (each lexicon defines every one of them)
_UNIONS = (
    "ACTOR_RU", "ACTOR_UA", "ACTOR_ENEMY", "ACTOR_OURS", "ACTOR_ALLIED", "ACTOR_POSSESSIVE", "ACTOR_GENERIC",
    "ACTOR_PRONOUN", "SPEAKER_RU", "SPEAKER_UA", "SPEAKER_OFFICIAL", "PREDICTION", "INFINITIVE_MARK", "REALIZED",
    "ADMISSION", "CONDITIONAL", "QUESTION", "NEGATION", "DENIAL", "HEDGE_RUMOUR", "HEDGE_UNVERIFIED", "NON_OFFICIAL",
    "HEDGE_WEAK",
    "NEXT_SENTENCE_HEDGE", "SUBORDINATORS", "BACKGROUND_OPENER", "PAST", "PAST_PRECEDING", "DATE_DAY_MONTH",
    "DATE_MONTH_DAY", "FLAG_NOUN", "FLAG_RAISE", "FLAG_UA", "FLAG_RU", "LOCATIVE", "SENTENCE_LOCATIVE",
    "ADJECTIVAL_BEFORE", "EVALUATION_AFTER", "PART_AFTER", "AREA_AFTER", "AGENTIVE_TRIGGER", "BY_AGENT",
    "NEXT_SENTENCE_ATTRIBUTION",
)
# patterns that run on original-case text
_CASELESS = ("SPEAKER_RU", "SPEAKER_UA", "SPEAKER_OFFICIAL", "NEXT_SENTENCE_ATTRIBUTION", "NON_OFFICIAL")


def _expand(pattern: str, lex: ModuleType) -> str:
    """Replace the macros {M} {F} {Q} {NP} {WD} of a trigger pattern."""
    return (
        pattern.replace("{WD}", lex.WITHDRAW_WORDS)
        .replace("{NP}", lex.TROOPS_NP)
        .replace("{F}", f"(?:{lex.FILLER})?")
        .replace("{Q}", "")
        .replace("{M}", MENTION)
    )


def _union(name: str) -> str:
    """One alternation of the named pattern over the three languages."""
    return "|".join(f"(?:{getattr(lex, name)})" for lex in LEXICONS.values())


@lru_cache(maxsize=1)
def compiled() -> Compiled:
    """Compile every pattern (once per process)."""
    triggers = tuple(
        Trigger(event, re.compile(_expand(pattern, lex)), lang)
        for lang, lex in LEXICONS.items()
        for event, pattern in lex.TRIGGERS
    )
    fillers = _union("FILLER")
    coordination = _union("COORDINATION")
    regexes = {name: re.compile(_union(name), re.IGNORECASE if name in _CASELESS else 0) for name in _UNIONS}
    # the words that end a subclause's noun phrases, for evaluation ("Taking X is huge")
    for lang, lex in LEXICONS.items():  # word-shape tests that must not mix languages
        regexes[f"INFINITIVE_TRIGGER_{lang}"] = re.compile(lex.INFINITIVE_TRIGGER)
        regexes[f"FUTURE_OPENER_{lang}"] = re.compile(lex.FUTURE_OPENER)
        regexes[f"PAST_FORM_{lang}"] = re.compile(lex.PAST_FORM)
        regexes[f"AGENT_BEFORE_{lang}"] = re.compile(lex.AGENT_BEFORE + "$" if lex.AGENT_BEFORE else "")
    regexes["NOMINAL_TRIGGERS"] = re.compile(rf"^(?:{_union('NOMINAL_TRIGGERS')})$")
    regexes["GERUND_TRIGGER"] = re.compile(rf"^(?:{_union('GERUND_TRIGGER')})$")
    regexes["REPORT_VERBS"] = re.compile(rf"\b(?:{_union('REPORT_VERBS')})\b", re.IGNORECASE)
    regexes["ACCORDING_TO"] = re.compile(rf"\b(?:{_union('ACCORDING_TO')})\s+", re.IGNORECASE)
    return Compiled(
        triggers=triggers,
        coordination_after=re.compile(rf"(?:{coordination})(?:{fillers})?⟨(\d+)⟩"),
        coordination_before=re.compile(rf"⟨(\d+)⟩(?:{coordination})(?:{fillers})?$"),
        regexes=regexes,
        capital_surfaces=frozenset(s for lex in LEXICONS.values() for s in lex.CAPITAL_SURFACES),
        speaker_pronouns=frozenset(s for lex in LEXICONS.values() for s in lex.SPEAKER_PRONOUNS),
        speaker_heads=tuple(h for lex in LEXICONS.values() for h in lex.SPEAKER_HEADS),
        month_numbers={k: v for lex in LEXICONS.values() for k, v in lex.MONTH_NUMBERS.items()},
    )
