"""Who says so: the speaker of a sentence ("Russia's defence ministry said") and the side it speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workers.stage4_claims.masking import unify
from workers.stage4_claims.patterns import Compiled, compiled

_MAX_WORDS = 10
_SEGMENT_END = re.compile(r"[,;:\"(]|\s-\s|^\s*-\s")
_WEEKDAY = (
    r"(?:on\s+\w+day|(?:в|у|во)\s+(?:ночь\s+на\s+\w+|понеділок|вівторок|середу|четвер|п'ятницю|суботу|неділю"
    r"|понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье))"
)
_TRAILING = re.compile(
    r"(?:\s+(?:has|have|had|also|then|later|again|now|already|previously|earlier|officially|finally|has\s+also"
    r"|in\s+a\s+statement|уже|также|також|ранее|раніше|уранці|утром|увечері|вечером|" + _WEEKDAY + r"))+\s*$",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:and|but|so|then|meanwhile|also|hours\s+earlier|earlier|later|separately|и|а|но|і|та|але|тим\s+часом"
    r"|ранее|раніше|in\s+a\s+statement|" + _WEEKDAY + r")(?:\s+|$))+",
    re.IGNORECASE,
)
# words that end a speaker phrase on its left ("The advance comes a day after | Ukrainian officials announced")
_LEFT_CUT = re.compile(
    r"^.*\b(?:after|before|as|when|while|since|because|and|but|that|if|що|что|і|та|и|але|но|коли|когда)\s+",
    re.IGNORECASE,
)
_PASSIVE_AUX = re.compile(r"\b(?:are|is|was|were|been|be|being)\s*$", re.IGNORECASE)
_NP_SHAPE = re.compile(r"[A-ZА-ЯІЇЄҐ]|\b(?:officials?|ministry|military|army|spokes\w+|governor|mayor|command\w*"
                       r"|staff|president|agency|analysts?|bloggers?|administration|sources?|authorities)\b")


@dataclass
class Speaker:
    """One sentence's attribution text and the side it speaks for; a monitor (DeepState, ISW, a journalist) only
    reports, so its side never stands in for the actor."""

    text: str | None
    side: str | None
    monitor: bool = False


@dataclass
class SpeakerContext:
    """What the article has said about its speakers so far ("the ministry" = Russia's defence ministry)."""

    heads: dict[str, Speaker] = field(default_factory=dict)
    last: Speaker = field(default_factory=lambda: Speaker(None, None))
    lex: Compiled = field(default_factory=compiled)


def _words_tail(text: str, n: int) -> str:
    """The last n words of text."""
    words = text.split()
    return " ".join(words[-n:])


def _clean(np: str) -> str | None:
    """Trim a speaker phrase of time words, conjunctions and punctuation."""
    np = np.strip(" ,.-\"'")
    for _ in range(3):
        np = _TRAILING.sub("", np).strip(" ,.-\"'")
        np = _LEADING.sub("", np).strip(" ,.-\"'")
    return np or None


def _preposed(text: str, verb_start: int, lex: Compiled) -> str | None:
    """The noun phrase right before a reporting verb ("Russia's defence ministry said")."""
    before = text[:verb_start]
    cuts = [m.end() for m in _SEGMENT_END.finditer(before)]
    segment = before[cuts[-1] if cuts else 0:]
    segment = _LEFT_CUT.sub("", segment)
    if not segment.strip():
        return None
    np = _words_tail(segment, _MAX_WORDS)
    if np.lower() in lex.speaker_pronouns:
        return np
    return np if _NP_SHAPE.search(np) else None


def _apposition(text: str, verb_start: int) -> str | None:
    """'Hanna Maliar, Ukraine's deputy defence minister, says' and '..., the governor, Serhiy Haidai, said'."""
    before = text[:verb_start].rstrip()
    if not before.endswith(","):
        return None
    parts = before[:-1].split(",")
    if len(parts) < 2:
        return None
    last, prev = parts[-1].strip(), parts[-2].strip()
    if len(parts) == 2 and len(prev.split()) <= 4 and re.match(r"[A-ZА-ЯІЇЄҐ]", prev):
        return f"{prev}, {last}"
    if len(last.split()) <= 6 and len(prev.split()) <= 6 and _NP_SHAPE.search(last):
        prev = _LEFT_CUT.sub("", prev)
        return f"{prev}, {last}" if _NP_SHAPE.search(prev) else last
    return None


def _inverted(after: str) -> str | None:
    """The speaker after an inverted verb ('..., said Dmytro Lykhovii, spokesman for ...')."""
    np = re.split(r"[.;:]|\s-\s", after)[0]
    parts = [p.strip() for p in np.split(",")]
    np = ", ".join(parts[:2]) if len(parts) > 1 and len(" ".join(parts[:2]).split()) <= 14 else parts[0]
    np = re.sub(r"^(?:в|у)\s+(?=[А-ЯІЇЄҐ])", "", _LEADING.sub("", np.strip()))
    cleaned = _clean(" ".join(np.split()[:14]))
    return cleaned if cleaned and _NP_SHAPE.search(cleaned) else None


def find_speaker_text(sentence: str, lex: Compiled | None = None) -> str | None:
    """The attribution phrase of one sentence (as written), or None."""
    lex = lex or compiled()
    if not lex.SPEAKER_PREFILTER.search(sentence.lower()):
        return None
    np = _speaker_in(unify(sentence), lex)
    if not np:
        return None
    at = unify(sentence).find(np)  # unify keeps offsets: give back the original characters
    if at < 0:
        return np
    end = at + len(np)
    if end < len(sentence) and sentence[end] in "»”\"" and sentence[at:end].count("«") > sentence[at:end].count("»"):
        end += 1
    return sentence[at:end]


def _speaker_in(text: str, c: Compiled) -> str | None:
    """The attribution phrase of one unified sentence, or None."""
    m = c.ACCORDING_TO.search(text)
    if m:
        np = re.split(r"[,.;:\"]|\s-\s", text[m.end():])[0]
        return _clean(" ".join(np.split()[:_MAX_WORDS]))
    for v in c.REPORT_VERBS.finditer(text):
        before = text[: v.start()].rstrip()
        if _PASSIVE_AUX.search(before):
            continue
        after = text[v.end():]
        if not before or before[-1] in "\"-:" or re.search(
            r"\b(?:про\s+це|об\s+этом)(?:\s+[\w'-]+){0,3}$", before, re.IGNORECASE
        ):
            np = _inverted(after)
        elif before[-1] == ",":
            np = (_apposition(text, v.start()) if before.count(",") >= 2 else None) or _inverted(after)
        else:
            np = _preposed(text, v.start(), c)
        if np:
            return _clean(np)
    return None


def speaker_side(text: str | None, ctx: SpeakerContext) -> str | None:
    """The side a speaker speaks for: Russian and Ukrainian names and institutions, or an earlier 'the ministry'."""
    if not text:
        return None
    c = ctx.lex
    found = [(m.start(), side) for side, rx in (("russia", c.SPEAKER_RU), ("ukraine", c.SPEAKER_UA))
             for m in [rx.search(text)] if m]
    if found:
        return min(found)[1]
    lower = text.lower()
    for head in c.speaker_heads:
        if head in lower and head in ctx.heads:
            return ctx.heads[head].side
    if c.SPEAKER_OFFICIAL.search(text):
        return "ukraine"
    return None


def resolve_speaker(text: str | None, ctx: SpeakerContext) -> Speaker:
    """Resolve a sentence's speaker (pronouns and 'the ministry' through the context) and update the context.

    An unqualified institution ("the ministry", "the General Staff") named for the first time speaks for the
    side of the article's last speaker ("Moscow claims ... The ministry reported ...")."""
    if not text:
        return Speaker(None, None)
    c = ctx.lex
    if text.lower() in c.speaker_pronouns:
        return Speaker(ctx.last.text, ctx.last.side, ctx.last.monitor) if ctx.last.text else Speaker(None, None)
    lower = text.lower()
    if re.match(r"(?:the|this|that|це|цей|это|этот)\s+\S+$", lower) or lower in c.speaker_heads:
        for head in c.speaker_heads:  # "the ministry" = the ministry named before
            if head in lower and head in ctx.heads:
                ctx.last = ctx.heads[head]
                return ctx.heads[head]
    side = speaker_side(text, ctx)
    unqualified = re.match(r"(?:the|this|that)\s+\S+(?:\s+\S+)?$", lower) and any(h in lower for h in c.speaker_heads)
    if side is None and unqualified and ctx.last.side:
        side = ctx.last.side
    speaker = Speaker(text, side, bool(c.MONITOR.search(text)))
    if side:
        for head in c.speaker_heads:
            if head in lower:
                ctx.heads[head] = speaker
    ctx.last = speaker
    return speaker
