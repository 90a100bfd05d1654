"""Who did it: the side of the forces that carried out an event, from the words around its verb.

"The Armed Forces" without a country are the speaker's; in a Ukrainian text with no speaker's side, Ukraine's.

Unit and formation names count as sides (the lexicons' ACTOR_* patterns: the Russian groupings, VDV,
Akhmat, Wagner; Ukrainian numbered brigades, the National Guard, Khortytsia, the Defence Forces).
"""

from __future__ import annotations

import re

from workers.stage4_claims.masking import MaskedSentence

_SIDE_WORDS = {"ukrainian": "ukraine", "ukraine's": "ukraine", "russian": "russia", "russia's": "russia"}
_LANG_DEFAULT_OURS = {"en": "ukraine", "uk": "ukraine", "ru": "russia"}
_LANG_DEFAULT_ARMED = {"uk": "ukraine"}  # "Збройні сили" in a Ukrainian text; Russian and English need the speaker
_UA = re.compile(r"(?:^|\s)(?:укр|україн|украин|зсу|всу|вфу|сил\w*\s+оборон)")
_RU = re.compile(r"(?:^|\s)(?:рос|рф|вс\s+рф|днр|лнр|окупант|оккупант|загарбник|рашист)")
_ENEMY = re.compile(r"(?:^|\s)(?:the\s+enemy|enemy|ворог|противник|врага?\b)")
_AGENT_CUT = re.compile(r"[,.;:]|\s-\s")
_AGENT_REACH = 40  # characters after a passive verb searched for its agent


def other(side: str | None) -> str | None:
    """The opposing side."""
    return {"ukraine": "russia", "russia": "ukraine"}.get(side or "")


def side_from_word(word: str) -> str | None:
    """Map the side words of a control phrase ('Ukrainian control', 'під контролем ЗСУ', 'військ РФ', 'ворога') to
    ukraine, russia or enemy (the speaker's other side)."""
    w = " " + word.lower()
    if w.strip() in _SIDE_WORDS:
        return _SIDE_WORDS[w.strip()]
    if _ENEMY.search(w):
        return "enemy"
    ua, ru = _UA.search(w), _RU.search(w)
    if ua and ru:
        return "ukraine" if ua.start() < ru.start() else "russia"
    return "ukraine" if ua else ("russia" if ru else None)


def _tokens(ms: MaskedSentence) -> list[tuple[int, int, str]]:
    """Every actor word of the sentence: (start, end, kind), computed once per sentence."""
    cached = ms.cache.get("actor_tokens")
    if cached is None:
        cached = ms.cache["actor_tokens"] = _find_tokens(ms)
    return cached  # type: ignore[return-value]


def _find_tokens(ms: MaskedSentence) -> list[tuple[int, int, str]]:
    """Every actor word of the sentence: (start, end, kind); of two sides written together ("Russia's 3rd Army
    Corps") the first qualifies the second."""
    c = ms.lex
    kinds = (
        ("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA), ("enemy", c.ACTOR_ENEMY), ("ours", c.ACTOR_OURS),
        ("allied", c.ACTOR_ALLIED), ("armed", c.ACTOR_ARMED), ("pending", c.ACTOR_POSSESSIVE),
        ("pending", c.ACTOR_GENERIC),
        ("pending", c.ACTOR_PRONOUN),
    )
    found = sorted((m.start(), m.end(), kind) for kind, rx in kinds for m in rx.finditer(ms.text))
    for k, (s, e) in enumerate(ms.positions):
        if ms.surfaces[k] in c.capital_surfaces:  # "Kyiv says", "Kyiv's forces"
            found.append((s, e, "ukraine"))
    sides = [t for t in found if t[2] in ("russia", "ukraine")]
    qualified = {b for a in sides for b in sides if a[2] != b[2] and 0 <= b[0] - a[1] <= 3}
    # "російські Збройні сили": the Armed Forces qualified by the side before them
    qualified |= {b for b in found if b[2] == "armed" for a in sides if 0 <= b[0] - a[1] <= 3}
    return [t for t in found if t not in qualified]


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
        if kind == "armed" and (speaker or lang in _LANG_DEFAULT_ARMED):
            return speaker or _LANG_DEFAULT_ARMED[lang]
    return speaker


def side_in(ms: MaskedSentence, text: str, speaker: str | None, lang: str) -> str | None:
    """The first side named in a stretch of text (the enemy resolved through the speaker)."""
    c = ms.lex
    hits = [(m.start(), side) for side, rx in (("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA),
                                               ("enemy", c.ACTOR_ENEMY)) for m in [rx.search(text)] if m]
    if not hits:
        return None
    side = min(hits)[1]
    return (other(speaker) or ("ukraine" if lang == "ru" else "russia")) if side == "enemy" else side


def agent_after(ms: MaskedSentence, pos: int, speaker: str | None = None, lang: str = "en") -> str | None:
    """The side named in a passive's agent ("was seized by Russian forces", "окуповане російськими військами")."""
    m = ms.lex.BY_AGENT.match(ms.text[pos:])
    if not m:
        return None
    rest = ms.text[pos + m.end(): pos + m.end() + _AGENT_REACH]
    cut = _AGENT_CUT.search(rest)
    return side_in(ms, rest[: cut.start()] if cut else rest, speaker, lang)


def expelled_side(ms: MaskedSentence, pos: int, speaker: str | None = None, lang: str = "en") -> str | None:
    """The side a place was freed from ("freed from Russian forces", "звільнене від окупантів"): it left."""
    m = ms.lex.FROM_AGENT.match(ms.text[pos:])
    if not m:
        return None
    rest = ms.text[pos + m.end(): pos + m.end() + _AGENT_REACH]
    cut = _AGENT_CUT.search(rest)
    return side_in(ms, rest[: cut.start()] if cut else rest, speaker, lang)


def flag_side(ms: MaskedSentence, noun_start: int, noun_end: int) -> str | None:
    """The side of a flag from its own words ('the Ukrainian flag', 'прапор України', 'Wagner's flags')."""
    c = ms.lex
    before = ms.text[max(0, noun_start - 30): noun_start]
    after = ms.text[noun_end: noun_end + 15]
    for text in (before, after):
        hits = [(m.end(), side) for side, rx in (("ukraine", c.FLAG_UA), ("russia", c.FLAG_RU))
                for m in rx.finditer(text)]
        if hits:
            return max(hits)[1]
    return None
