"""Who did it: the side of the forces that carried out an event, from the words before its verb."""

from __future__ import annotations

import re

from workers.stage4_claims.masking import MaskedSentence
from workers.stage4_claims.patterns import compiled

_SIDE_WORDS = {"ukrainian": "ukraine", "ukraine's": "ukraine", "russian": "russia", "russia's": "russia"}
_LANG_DEFAULT_OURS = {"en": "ukraine", "uk": "ukraine", "ru": "russia"}


def other(side: str | None) -> str | None:
    """The opposing side."""
    return {"ukraine": "russia", "russia": "ukraine"}.get(side or "")


def side_from_word(word: str) -> str | None:
    """Map a side word of a control phrase ('Ukrainian control', 'під контролем ЗСУ') to a side."""
    w = word.lower()
    if w in _SIDE_WORDS:
        return _SIDE_WORDS[w]
    if re.match(r"(?:укр|україн|украин|зсу|всу|сил\w*\s+оборони)", w):
        return "ukraine"
    if re.match(r"(?:рос|рф|вс\s+рф|днр|лнр|окупант)", w):
        return "russia"
    return None


def _tokens(ms: MaskedSentence) -> list[tuple[int, int, str]]:
    """Every actor word of the sentence: (start, end, kind), computed once per sentence."""
    cached = ms.cache.get("actor_tokens")
    if cached is None:
        cached = ms.cache["actor_tokens"] = _find_tokens(ms)
    return cached  # type: ignore[return-value]


def _find_tokens(ms: MaskedSentence) -> list[tuple[int, int, str]]:
    """Every actor word of the sentence: (start, end, kind)."""
    c = compiled()
    kinds = (
        ("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA), ("enemy", c.ACTOR_ENEMY), ("ours", c.ACTOR_OURS),
        ("allied", c.ACTOR_ALLIED), ("pending", c.ACTOR_POSSESSIVE), ("pending", c.ACTOR_GENERIC),
        ("pending", c.ACTOR_PRONOUN),
    )
    found = [(m.start(), m.end(), kind) for kind, rx in kinds for m in rx.finditer(ms.text)]
    for k, (s, e) in enumerate(ms.positions):
        if ms.surfaces[k] in c.capital_surfaces:  # "Kyiv says", "Kyiv's forces"
            found.append((s, e, "ukraine"))
    return found


def scan_actor(ms: MaskedSentence, anchor: int, speaker: str | None, lang: str) -> str | None:
    """The nearest side-bearing word before `anchor`; troops, 'its forces' and pronouns fall back on the speaker."""
    tokens = sorted((t for t in _tokens(ms) if t[1] <= anchor), key=lambda t: (-t[1], t[0]))
    for _, _, kind in tokens:
        if kind in ("russia", "ukraine"):
            return kind
        if kind == "enemy":
            return other(speaker) or ("ukraine" if lang == "ru" else "russia")
        if kind in ("ours", "allied"):
            return speaker or _LANG_DEFAULT_OURS.get(lang, "ukraine")
    return speaker


def agent_after(ms: MaskedSentence, pos: int) -> str | None:
    """The side named in a passive's agent ("was seized by Russian forces", "fell to Ukrainian troops")."""
    c = compiled()
    m = c.BY_AGENT.match(ms.text[pos:])
    if not m:
        return None
    rest = ms.text[pos + m.end(): pos + m.end() + 40]
    hits = [(x.start(), side) for side, rx in (("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA))
            for x in [rx.match(rest) or rx.search(rest[:20])] if x]
    return min(hits)[1] if hits else None


def flag_side(ms: MaskedSentence, noun_start: int, noun_end: int) -> str | None:
    """The side of a flag from its own words ('the Ukrainian flag', 'прапор України', 'Wagner's flags')."""
    c = compiled()
    before = ms.text[max(0, noun_start - 30): noun_start]
    after = ms.text[noun_end: noun_end + 15]
    for text in (before, after):
        hits = [(m.end(), side) for side, rx in (("ukraine", c.FLAG_UA), ("russia", c.FLAG_RU))
                for m in rx.finditer(text)]
        if hits:
            return max(hits)[1]
    return None
