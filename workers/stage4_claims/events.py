"""Which event verb governs which places in one masked sentence: each trigger with the list of places it governs.

A verb reaches every item of a list ("liberated A, B and C", "captured two villages, A and B, and the
town of C"); names the gazetteer does not know (⟨?⟩) carry the list on but are never claimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.stage4_claims.actors import flag_side
from workers.stage4_claims.masking import PLACEHOLDER, MaskedSentence

_FLAG_WINDOW = 90  # characters between a raising verb and its flag, and between the flag and its place
_FLAG_MAX_WORDS_TO_PLACE = 10
_COORDINATION_WINDOW = 160  # characters searched back for "X and" before a passive's subject
_PART_WINDOW = 60  # characters before a place searched for "half of", "частина", "большую часть города"
_CLAUSE_CUT = re.compile(r"[,;:]|\s-\s")
_OUTSKIRTS_BEFORE = re.compile(
    r"(?:outskirts|edges?|approaches|suburbs)\s+of\s+(?:the\s+\w+\s+of\s+)?$|(?:околиц|окраин|підступ|подступ|передмі)"
    r"\w*\s+(?:\w+\s+)?$"
)
TAKING_OR_LEAVING = frozenset({"withdrawal", "capture", "occupation", "liberation", "recapture", "control"})


@dataclass(frozen=True)
class Place:
    """One place a trigger governs."""

    mention: int  # index into MaskedSentence.mentions
    span: tuple[int, int]  # its placeholder in the masked text
    event: str  # the event for this place (a part of it: partial_control)
    via: str = ""  # "list": an item of a list after the first; "anaphora": a pronoun stands for it ("над ней")
    pronoun: str = ""  # the pronoun, for an anaphora


@dataclass(frozen=True)
class EventMatch:
    """An event verb (or noun) of the sentence and the places it governs: one clause-level fact before judgement."""

    event: str
    places: tuple[Place, ...]
    t_start: int
    t_end: int
    anchor: int  # actors are looked for before this offset
    passive: bool  # the place is the subject ("X was liberated")
    side: str | None  # a side named by the pattern itself ("under Ukrainian control", the flag's colours)
    trigger: str
    lang: str

    @property
    def places_end(self) -> int:
        """Where the last governed place ends."""
        return max(p.span[1] for p in self.places)


def _index(token: str) -> int | None:
    """The mention index of a placeholder's number, None for an unknown name (⟨?⟩)."""
    return None if token == "?" else int(token)


def _coordinated_after(ms: MaskedSentence, end: int) -> list[tuple[int | None, int, int]]:
    """Places joined after the one ending at `end` ('Izyum and Balakleya', 'two villages, A and B, and the town of
    C')."""
    out = []
    while True:
        m = ms.lex.coordination_after.match(ms.text, end)
        if not m:
            return out
        out.append((_index(m.group(1)), m.start(1) - 1, m.end(1) + 1))
        end = m.end(1) + 1


def _coordinated_before(ms: MaskedSentence, start: int) -> list[tuple[int | None, int, int]]:
    """Places joined before the one starting at `start` ('Izyum and Balakleya were liberated')."""
    out = []
    while True:
        window = max(0, start - _COORDINATION_WINDOW)
        m = ms.lex.coordination_before.search(ms.text[window:start])
        if not m:
            return out
        s = window + m.start()
        out.append((_index(m.group(1)), s, s + len(f"⟨{m.group(1)}⟩")))
        start = s


def _has_agent(ms: MaskedSentence, lang: str, trigger: str, before: str) -> bool:
    """Verbs like 'left' and 'lost' need forces as subject ('troops left X'; not 'the strike left X without power')."""
    c = ms.lex
    if not c.AGENTIVE_TRIGGER.match(trigger):
        return True
    agent = c.regexes.get(f"AGENT_BEFORE_{lang}")
    return agent is None or not agent.pattern or bool(agent.search(before))


def _place_event(ms: MaskedSentence, event: str, span: tuple[int, int], before: bool) -> str:
    """The event for one place: a part of it ('half of X', "X's coke plant", 'частина X') holds only part."""
    c, text = ms.lex, ms.text
    after = text[span[1]: span[1] + 60]
    if not before:
        if event == "entry" and c.AREA_AFTER.match(after):
            return "approach"
        if event == "withdrawal" and c.AREA_AFTER.match(after):
            return "area_withdrawal"
        if event in TAKING_OR_LEAVING and c.PART_AFTER.match(after):
            return "partial_control"
    if event in TAKING_OR_LEAVING:
        lead = text[max(0, span[0] - _PART_WINDOW): span[0]]
        if _OUTSKIRTS_BEFORE.search(lead):
            return "approach"
        if c.PART_BEFORE.search(lead):
            return "partial_control"
    return event


def find_events(ms: MaskedSentence) -> list[EventMatch]:
    """Every event of the sentence with the places it governs, from the trigger patterns and flag raisings."""
    text = ms.text
    out: list[EventMatch] = []
    for trig in ms.lex.triggers:
        for m in trig.regex.finditer(text):
            em = _match(ms, trig.event, trig.lang, m)
            if em is not None:
                out.append(em)
    out.extend(_flags(ms))
    return out


def _match(ms: MaskedSentence, event: str, lang: str, m: re.Match[str]) -> EventMatch | None:
    """One trigger match as an event with its governed places, or None when it governs no known place."""
    c, text = ms.lex, ms.text
    groups = m.re.groupindex
    t_start, t_end = m.span("t")
    trigger = " ".join(m.group("t").split())
    if c.NOT_AFTER_TRIGGER.match(text[t_end:]):  # "освобождены из плена": people, not a place
        return None
    before = m.start("m") < t_start
    passive = before and "rel" not in groups
    if not before and not _has_agent(ms, lang, trigger, text[:t_start]):
        return None
    if event in TAKING_OR_LEAVING and c.PARTLY_BEFORE.search(text[max(0, t_start - 20): t_start]):
        event = "partial_control"
    first = (_index(m.group("m")), m.start("m") - 1, m.end("m") + 1)
    if before:  # "A and B were taken", "на вулицях A та B тривають бої": the list around the place before the verb
        governed = [first] + _coordinated_before(ms, first[1]) + [
            p for p in _coordinated_after(ms, first[2]) if p[2] <= t_start]
    else:
        governed = [first] + _coordinated_after(ms, first[2])
    places = []
    for k, s, e in governed:
        if k is None:
            continue
        place_event = _place_event(ms, event, (s, e), before)
        if event == "capture" and c.ENCIRCLE_AFTER.match(text[e:]):
            place_event = "encirclement"  # "взяли X в напівкільце"
        places.append(Place(k, (s, e), place_event, "list" if (s, e) != first[1:] else ""))
    if not places:
        return None
    anchor = m.start("p") if "p" in groups and m.group("p") else t_start
    side = m.group("side") if "side" in groups else None
    return EventMatch(event, tuple(places), t_start, t_end, anchor, passive, side, trigger, lang)


def _flags(ms: MaskedSentence) -> list[EventMatch]:
    """Flags raised over places: 'raised the flag over the council building in X', 'підняли прапори в A та B',
    'подняли над ней флаг' (the place named before in the sentence)."""
    c, text = ms.lex, ms.text
    out = []
    for noun in c.FLAG_NOUN.finditer(text):
        lo, hi = max(0, noun.start() - _FLAG_WINDOW // 2), min(len(text), noun.end() + _FLAG_WINDOW // 2)
        raise_m = list(c.FLAG_RAISE.finditer(text, lo, hi))
        if not raise_m or c.FLAG_DOWN.search(text[max(0, noun.start() - 40): noun.start()]):
            continue
        verb = min(raise_m, key=lambda r: abs(r.start() - noun.start()))
        target, how = _flag_target(ms, noun, verb)
        if target is None:
            continue
        pronoun = _pronoun(ms, noun, verb) if how == "before" else ""
        t_start, t_end = min(verb.start(), noun.start()), max(verb.end(), noun.end())
        first = (_index(target.group(1)), target.start(), target.end())
        governed = [first] + ([] if how == "before" else _coordinated_after(ms, first[2]))
        places = tuple(Place(k, (s, e), "flag_raised", "list" if (s, e) != first[1:] else "anaphora" if pronoun else "",
                             pronoun) for k, s, e in governed if k is not None)
        if places:
            side = flag_side(ms, noun.start(), noun.end())
            trigger = " ".join(text[t_start:t_end].split())
            out.append(EventMatch("flag_raised", places, t_start, t_end, t_start, False, side, trigger, "any"))
    return out


def _pronoun(ms: MaskedSentence, noun: re.Match[str], verb: re.Match[str]) -> str:
    """The pronoun that stands for the flag's place ("над ней"), or ""."""
    for pos in (noun.end(), verb.end()):
        m = ms.lex.FLAG_PRONOUN.match(ms.text[pos:])
        if m:
            return m.group(0).strip()
    return ""


def _flag_target(ms: MaskedSentence, noun: re.Match[str], verb: re.Match[str]) -> tuple[re.Match[str] | None, str]:
    """The place a flag went up in: after the flag and its verb, between them, a pronoun, or named before."""
    c, text = ms.lex, ms.text
    start = max(noun.end(), verb.end())
    for p in PLACEHOLDER.finditer(text, start, min(len(text), start + _FLAG_WINDOW)):
        between = text[start: p.start()]
        if len(between.split()) > _FLAG_MAX_WORDS_TO_PLACE or "," in between:
            break
        if c.LOCATIVE.search(between) and p.group(1) != "?":
            return p, "after"
    lo, hi = min(noun.end(), verb.end()), max(noun.start(), verb.start())
    for p in PLACEHOLDER.finditer(text, lo, hi):  # "встановили в місті державний прапор"
        if p.group(1) != "?" and c.LOCATIVE.search(text[max(lo, p.start() - 40): p.start()]):
            return p, "between"
    if any(c.FLAG_PRONOUN.match(text[pos:]) for pos in (noun.end(), verb.end())):  # "підняли над ним прапор"
        before = [p for p in PLACEHOLDER.finditer(text, 0, min(noun.start(), verb.start())) if p.group(1) != "?"]
        if before:
            return before[-1], "before"
    found = _place_before(ms, min(noun.start(), verb.start()))
    return found, "before"


def _place_before(ms: MaskedSentence, end: int) -> re.Match[str] | None:
    """A place named before the flag in the same clause ('над радою в X підняли прапор'), or opening the sentence."""
    c, text = ms.lex, ms.text
    clause_start = max((m.end() for m in _CLAUSE_CUT.finditer(text, 0, end)), default=0)
    found = None
    for p in PLACEHOLDER.finditer(text, 0, end):
        if p.group(1) == "?":
            continue
        if p.start() >= clause_start and c.LOCATIVE.search(text[max(0, p.start() - 40): p.start()]):
            found = p  # the nearest one wins
        elif found is None and c.SENTENCE_LOCATIVE.search(text[: p.start()]):
            found = p
    return found


def count_events(ms: MaskedSentence) -> list[tuple[str, str, int, int]]:
    """Events stated for a number of places whose names follow in the next sentence: (event, trigger, start, end)."""
    return [(t.event, " ".join(m.group("t").split()), *m.span("t"))
            for t in ms.lex.count_triggers for m in t.regex.finditer(ms.text)]
