"""Which event verb governs which settlement mention in one masked sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.stage4_claims.actors import flag_side
from workers.stage4_claims.masking import PLACEHOLDER, MaskedSentence
from workers.stage4_claims.patterns import compiled

_FLAG_WINDOW = 90  # characters between a raising verb and its flag, and between the flag and its place
_FLAG_MAX_WORDS_TO_PLACE = 10
_COORDINATION_WINDOW = 160  # characters searched back for "X and" before a passive's subject
_CLAUSE_CUT = re.compile(r"[,;:]|\s-\s")


@dataclass(frozen=True)
class EventMatch:
    """An event verb (or noun) of the sentence and one mention it governs."""

    event: str
    mention: int  # index into MaskedSentence.mentions
    t_start: int
    t_end: int
    anchor: int  # actors are looked for before this offset
    mention_span: tuple[int, int]
    passive: bool  # the place is the subject ("X was liberated")
    side: str | None  # a side named by the pattern itself ("under Ukrainian control", the flag's colours)
    trigger: str
    lang: str


def _coordinated_after(text: str, end: int) -> list[tuple[int, int, int]]:
    """Mentions joined to the one ending at `end` ('Izyum and Balakleya', 'Боровское, а также села Вороново')."""
    c = compiled()
    out = []
    while True:
        m = c.coordination_after.match(text, end)
        if not m:
            return out
        out.append((int(m.group(1)), m.start(1) - 1, m.end()))
        end = m.end()


def _coordinated_before(text: str, start: int) -> list[tuple[int, int, int]]:
    """Mentions joined before the one starting at `start` ('Izyum and Balakleya were liberated')."""
    c = compiled()
    out = []
    while True:
        window = max(0, start - _COORDINATION_WINDOW)
        m = c.coordination_before.search(text[window:start])
        if not m:
            return out
        s = window + m.start()
        out.append((int(m.group(1)), s, s + len(f"⟨{m.group(1)}⟩")))
        start = s


def _has_agent(lang: str, trigger: str, before: str) -> bool:
    """Verbs like 'left' and 'lost' need forces as subject ('troops left X'; not 'the strike left X without power')."""
    c = compiled()
    if not c.AGENTIVE_TRIGGER.match(trigger):
        return True
    agent = c.regexes.get(f"AGENT_BEFORE_{lang}")
    return agent is None or not agent.pattern or bool(agent.search(before))


def _part_of_place(event: str, text: str, mention_end: int) -> str:
    """Taking or leaving a part of the place ("from Avdiivka's coke plant") holds only part: contested."""
    c = compiled()
    after = text[mention_end: mention_end + 60]
    if event == "entry" and c.AREA_AFTER.match(after):
        return "approach"
    if event not in ("withdrawal", "capture", "occupation", "liberation", "recapture", "control"):
        return event
    if event == "withdrawal" and c.AREA_AFTER.match(after):
        return "area_withdrawal"
    if c.PART_AFTER.match(after):
        return "partial_control"
    return event


def find_events(ms: MaskedSentence) -> list[EventMatch]:
    """Every (event, governed mention) pair of the sentence, from the trigger patterns and flag raisings."""
    text = ms.text
    out: list[EventMatch] = []
    for trig in compiled().triggers:
        for m in trig.regex.finditer(text):
            t_start, t_end = m.span("t")
            before = m.start("m") < t_start
            relative = "rel" in trig.regex.groupindex  # "X, which Russian forces captured": active verb
            passive = before and not relative
            if not before and not _has_agent(trig.lang, " ".join(m.group("t").split()), text[:t_start]):
                continue
            anchor = m.start("p") if "p" in trig.regex.groupindex and m.group("p") else t_start
            side = m.group("side") if "side" in trig.regex.groupindex else None
            k = int(m.group("m"))
            mention_span = (m.start("m") - 1, m.end("m") + 1)
            governed = [(k, *mention_span)]
            if before:
                governed += _coordinated_before(text, mention_span[0])
            else:
                governed += _coordinated_after(text, mention_span[1])
            for idx, s, e in governed:
                event = _part_of_place(trig.event, text, e) if not before else trig.event
                out.append(EventMatch(event, idx, t_start, t_end, anchor, (s, e), passive, side,
                                      " ".join(m.group("t").split()), trig.lang))
    out.extend(_flags(ms))
    return out


def _flags(ms: MaskedSentence) -> list[EventMatch]:
    """Flags raised over a place: 'raised the flag over the council building in X', 'У X ... підняли прапор'."""
    c = compiled()
    text = ms.text
    out = []
    for noun in c.FLAG_NOUN.finditer(text):
        lo, hi = max(0, noun.start() - _FLAG_WINDOW // 2), min(len(text), noun.end() + _FLAG_WINDOW // 2)
        raise_m = [r for r in c.FLAG_RAISE.finditer(text, lo, hi)]
        if not raise_m:
            continue
        verb = min(raise_m, key=lambda r: abs(r.start() - noun.start()))
        start = max(noun.end(), verb.end())
        target = None
        for p in PLACEHOLDER.finditer(text, start, min(len(text), start + _FLAG_WINDOW)):
            between = text[start: p.start()]
            if len(between.split()) > _FLAG_MAX_WORDS_TO_PLACE or "," in between:
                break
            if c.LOCATIVE.search(between):
                target = p
                break
        if target is None:
            target = _place_before(text, min(noun.start(), verb.start()))
        if target is None:
            continue
        k = int(target.group(1))
        t_start = min(verb.start(), noun.start())
        t_end = max(verb.end(), noun.end())
        side = flag_side(ms, noun.start(), noun.end())
        out.append(EventMatch("flag_raised", k, t_start, t_end, t_start, target.span(), False, side,
                              " ".join(text[t_start:t_end].split()), "any"))
    return out


def _place_before(text: str, end: int) -> re.Match[str] | None:
    """A place named before the flag in the same clause ('над радою в X підняли прапор'), or opening the sentence."""
    c = compiled()
    clause_start = max((m.end() for m in _CLAUSE_CUT.finditer(text, 0, end)), default=0)
    found = None
    for p in PLACEHOLDER.finditer(text, 0, end):
        if p.start() >= clause_start and c.LOCATIVE.search(text[max(0, p.start() - 40): p.start()]):
            found = p  # the nearest one wins
        elif found is None and c.SENTENCE_LOCATIVE.search(text[: p.start()]):
            found = p
    return found
