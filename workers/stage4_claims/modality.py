"""How a sentence holds its event: question, condition, evaluation, denial, negation, prediction, past, hedge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from workers.stage4_claims.patterns import compiled

_CLAUSE_BOUNDARY = re.compile(r"[,;:()]|\s-\s|\s-$|^-\s")
_CONTRAST = re.compile(r"\b(?:but|while|whereas|however|але|проте|однак|но|однако)\b|;")
_LEADING_FILLER = re.compile(r"^\s*(?:(?:and|but|yet|so|still|also|even|and\s+then|і|та|а|и|но)\s+)*$")
_DATE_SLACK_DAYS = 3


@dataclass(frozen=True)
class Scope:
    """Where an event's verb sits: the whole sentence, its clause and its subclause (masked-text offsets)."""

    text: str
    t_start: int
    t_end: int
    clause: tuple[int, int]
    subclause_start: int


def scope_of(text: str, t_start: int, t_end: int) -> Scope:
    """Find the clause (between commas, dashes, colons) and subclause (after 'since', 'which'...) of a verb."""
    starts = [m.end() for m in _CLAUSE_BOUNDARY.finditer(text) if m.end() <= t_start]
    ends = [m.start() for m in _CLAUSE_BOUNDARY.finditer(text) if m.start() >= t_end]
    c_start = max(starts) if starts else 0
    c_end = min(ends) if ends else len(text)
    subs = [m.start() for m in compiled().SUBORDINATORS.finditer(text, c_start, t_start)]
    return Scope(text, t_start, t_end, (c_start, c_end), max(subs) if subs else c_start)


def _quoted(m: re.Match[str] | None) -> str | None:
    """The matched words, trimmed, for a reason string."""
    return " ".join(m.group(0).split()) if m else None


def is_question(sentence_text: str, sc: Scope) -> str | None:
    """A question ('asked whether X had fallen', a sentence ending in '?')."""
    if sentence_text.rstrip(" \"'”»)").endswith("?"):
        return "?"
    return _quoted(compiled().QUESTION.search(sc.text, sc.subclause_start, sc.clause[1]))


def is_conditional(sc: Scope) -> str | None:
    """An event inside an if-clause ('if the twin cities fall')."""
    return _quoted(compiled().CONDITIONAL.search(sc.text, sc.subclause_start, sc.t_start))


def is_denial(sc: Scope) -> str | None:
    """A denial that governs the event ('denied capturing X', 'this is not true')."""
    before = sc.text[: sc.t_start]
    cuts = [m.end() for m in _CONTRAST.finditer(before)]
    start = max(cuts) if cuts else 0
    return _quoted(compiled().DENIAL.search(sc.text, start, sc.t_start))


def is_negated(sc: Scope, extra: tuple[int, int] | None = None) -> str | None:
    """A negation right before the verb ('has not been entered', 'did not capture', 'не взяли')."""
    c = compiled()
    window_start = max(sc.subclause_start, sc.t_start - 28)
    m = c.NEGATION.search(sc.text, window_start, sc.t_start)
    if not m and extra:
        m = c.NEGATION.search(sc.text, extra[0], extra[1])
    return _quoted(m)


def is_prediction(sc: Scope, trigger: str, lang: str) -> str | None:
    """A future, an order, an intent or an unrealised infinitive ('would take', 'will have to withdraw', 'to take')."""
    c = compiled()
    m = c.PREDICTION.search(sc.text, sc.subclause_start, sc.t_start)
    if m:
        span = sc.text[m.start(): sc.t_end].split()
        return " ".join(span) if len(span) <= 6 else f"{_quoted(m)} ... {trigger}"
    before = sc.text[max(sc.clause[0], sc.t_start - 60): sc.t_start]
    opener = c.regexes.get(f"FUTURE_OPENER_{lang}")
    past = c.regexes.get(f"PAST_FORM_{lang}")
    if opener and past and opener.search(sc.text[sc.subclause_start: sc.t_start]) and not past.search(trigger):
        return f"{sc.text[sc.subclause_start: sc.t_start].strip()} {trigger}"
    shape = c.regexes.get(f"INFINITIVE_TRIGGER_{lang}")
    infinitive = c.INFINITIVE_MARK.search(before) or (shape is not None and shape.search(trigger.split()[0]))
    if infinitive and not c.REALIZED.search(before):
        return f"to {trigger}" if c.INFINITIVE_MARK.search(before) else trigger
    return None


def is_evaluation(sc: Scope, trigger: str, mention_end: int) -> str | None:
    """A phrase that only evaluates or imagines an action ('Taking X is huge', 'the capture of X would open')."""
    c = compiled()
    lead = sc.text[sc.subclause_start: sc.t_start]
    if c.GERUND_TRIGGER.match(trigger) and _LEADING_FILLER.match(lead):
        return trigger
    if c.NOMINAL_TRIGGERS.match(trigger):
        after = sc.text[mention_end: mention_end + 60].lstrip()
        for skip in range(3):  # "the capture of X would", "the fall of X itself would"
            if c.EVALUATION_AFTER.match(after):
                return f"{trigger} ... {' '.join(after.split()[:2])}"
            m = re.match(r"[\w'-]+\s+", after)
            if not m or skip == 2:
                break
            after = after[m.end():]
    return None


def is_adjectival(sc: Scope) -> bool:
    """A participle used as an adjective ('the occupied city of X', 'in liberated Kherson')."""
    if sc.t_start > 0 and sc.text[sc.t_start - 1] == "-":
        return True
    return bool(compiled().ADJECTIVAL_BEFORE.search(sc.text, max(0, sc.t_start - 12), sc.t_start))


def past_marker(sc: Scope, published: date | None) -> str | None:
    """An explicit past time for the event ('in April', 'earlier this month', 'a year ago', 'since Russia withdrew')."""
    c = compiled()
    c_start, c_end = sc.clause
    if c.BACKGROUND_OPENER.search(sc.text[sc.subclause_start: sc.t_start]):
        return "since ..."
    m = c.PAST.search(sc.text, c_start, c_end) or c.PAST_PRECEDING.search(sc.text, c_start, sc.t_start)
    if m:
        return _quoted(m)
    if published is None:
        return None
    clause = sc.text[c_start:c_end]
    for rx, day_first in ((c.DATE_DAY_MONTH, True), (c.DATE_MONTH_DAY, False)):
        for d in rx.finditer(clause):
            day_s, month_s = (d.group(1), d.group(2)) if day_first else (d.group(2), d.group(1))
            month = c.month_numbers.get(month_s)
            if not month:
                continue
            try:
                when = date(published.year, month, int(day_s))
            except ValueError:
                continue
            if when > published:
                when = date(published.year - 1, month, min(int(day_s), 28))
            if (published - when).days > _DATE_SLACK_DAYS:
                return _quoted(d)
    return None


def hedge(sentence_masked: str) -> tuple[str | None, str | None, str | None]:
    """Rumour (sets aside), unverified (sets aside unless official) and weak hedge (marks hedged) in a sentence."""
    c = compiled()
    return (
        _quoted(c.HEDGE_RUMOUR.search(sentence_masked)),
        _quoted(c.HEDGE_UNVERIFIED.search(sentence_masked)),
        _quoted(c.HEDGE_WEAK.search(sentence_masked)),
    )


def disclaims_previous(sentence_masked: str) -> bool:
    """A sentence that only says the previous one could not be verified ('We cannot verify the claim.')."""
    return bool(compiled().NEXT_SENTENCE_HEDGE.search(sentence_masked.strip()))


def publication_date(published_at: str) -> date | None:
    """The article's publication date, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).date()
    except (ValueError, AttributeError):
        return None
