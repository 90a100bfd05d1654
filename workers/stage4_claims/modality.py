"""How a sentence holds its event: question, condition, evaluation, denial, negation, prediction, past, hedge.

Each test takes the event's Scope (clauses.py) and returns the words that set the claim aside, or None.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from workers.stage4_claims.clauses import Scope, marker_extent

_CONTRAST = re.compile(r"\b(?:but|while|whereas|however|але|проте|однак|но|однако)\b|;")
_LEADING_FILLER = re.compile(r"^\s*(?:(?:and|but|yet|so|still|also|even|and\s+then|і|та|а|и|но)\s+)*$")
_DATE_SLACK_DAYS = 3
_HEDGE_WINDOW = 45  # characters before a verb where "likely" / "ймовірно" qualifies it
_SENTENCE_CUT = re.compile(r"[;]")
_COORDINATOR = re.compile(r"\s(?:and|but|і|та|але|и|а|но)\s")
# "likely captured", "ймовірно, захопили", "likely that X took": at most three words between hedge and verb
_HEDGE_GAP = re.compile(r"[\s,]*(?:[\w'-]+[\s,]+){0,3}")


def _quoted(m: re.Match[str] | None) -> str | None:
    """The matched words, trimmed, for a reason string."""
    return " ".join(m.group(0).split()) if m else None


def is_question(sentence_text: str, sc: Scope) -> str | None:
    """A question ('asked whether X had fallen', a sentence ending in '?')."""
    if sentence_text.rstrip(" \"'”»)").endswith("?"):
        return "?"
    return _quoted(sc.lex.QUESTION.search(sc.text, sc.subclause_start, sc.clause[1]))


def is_conditional(sc: Scope) -> str | None:
    """An event inside an if-clause ('if the twin cities fall')."""
    return _quoted(sc.lex.CONDITIONAL.search(sc.text, sc.subclause_start, sc.t_start))


def is_participial_condition(sc: Scope, trigger: str) -> str | None:
    """"Having retaken X, the army will ...", "Освободив X, армия сможет ...": a condition, when the main clause
    after it is future or modal (a participle before a realised main clause reports what happened)."""
    lex = sc.lex
    opener = lex.PARTICIPIAL_OPENER.search(sc.text[sc.clause[0]: sc.t_start])
    if not opener and not lex.PARTICIPIAL_TRIGGER.match(trigger.split()[0]):
        return None
    main = sc.text[sc.clause[1]: sc.clause[1] + 80]
    future = lex.MAIN_CLAUSE_FUTURE.search(main)
    if not future:
        return None
    return f"{(_quoted(opener) or '')} {trigger} ..., {_quoted(future)}".strip()


def is_denial(sc: Scope) -> str | None:
    """A denial that governs the event ('denied capturing X', 'this is not true')."""
    before = sc.text[: sc.t_start]
    cuts = [m.end() for m in _CONTRAST.finditer(before)]
    start = max(cuts) if cuts else 0
    return _quoted(sc.lex.DENIAL.search(sc.text, start, sc.t_start))


def is_denied_after(sc: Scope, place_end: int) -> str | None:
    """A denial after the claim in its own sentence: "claims that X had fallen are untrue", "..., a claim Kyiv
    denied", "Інформація про захоплення X не відповідає дійсності"."""
    lex = sc.lex
    place_end = max(place_end, sc.t_end)
    end = _sentence_part_end(sc.text, place_end)
    tail = lex.DENIAL_TAIL.match(sc.text[place_end:end])
    if tail:
        return _quoted(tail)
    wrapper = _last_match(lex.CLAIM_WRAPPER, sc.text, sc.t_start)
    if wrapper is None:
        return None
    denial = lex.DENIAL_AFTER.search(sc.text, place_end, end)
    return f"{_quoted(wrapper)} ... {_quoted(denial)}" if denial else None


def is_negated(sc: Scope, extra: tuple[int, int] | None = None) -> str | None:
    """A negation right before the verb ('has not been entered', 'did not capture', 'не взяли'); 'не вщухають'
    (go on) is no negation, and a negation before "and" belongs to the predicate before it."""
    lex = sc.lex
    window_start = max(sc.subclause_start, sc.t_start - 28)
    for m in _COORDINATOR.finditer(sc.text, window_start, sc.t_start):
        window_start = m.end()
    for lo, hi in ((window_start, sc.t_start), extra or (0, 0)):
        for m in lex.NEGATION.finditer(sc.text, lo, hi):
            if not lex.NOT_NEGATION.match(sc.text, m.start()):
                return _quoted(m)
    return None


def is_negated_status(sc: Scope, place_end: int, trigger: str = "") -> str | None:
    """"no statement that X is under control", "підтвердження того, що X під контролем, немає"; a reported event
    whose report is negated: "О взятии X не объявлено", "the capture of X has not been confirmed"."""
    lex = sc.lex
    if trigger and lex.NOMINAL_TRIGGERS.match(trigger):
        report = lex.NEGATED_REPORT.match(sc.text, place_end)
        if report and report.end() <= _sentence_part_end(sc.text, place_end):
            return _quoted(report)
    wrapper = _last_match(lex.NEGATED_WRAPPER, sc.text, sc.t_start)
    if wrapper is None:
        return None
    after = lex.NEGATED_AFTER.search(sc.text, place_end, _sentence_part_end(sc.text, place_end))
    return _quoted(wrapper) if after else None


def is_prediction(sc: Scope, trigger: str, lang: str) -> str | None:
    """A future, an order, an intent or an unrealised infinitive ('would take', 'will have to withdraw', 'to take');
    an order or decision counts when the sentence also says it was carried out ('... and have now left')."""
    c = sc.lex
    m = c.PREDICTION.search(sc.text, sc.subclause_start, sc.t_start)
    if m and c.ORDER.match(sc.text, m.start()) and c.ORDER_DONE.search(sc.text, sc.t_end):
        return None  # "ordered to leave X and they are now pulling out": the withdrawal is under way
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


def is_evaluation(sc: Scope, trigger: str, places_end: int) -> str | None:
    """A phrase that only evaluates or imagines an action ('Taking X is huge', 'the capture of X would open',
    'the liberation of A and B is only a matter of time')."""
    c = sc.lex
    lead = sc.text[sc.subclause_start: sc.t_start]
    if c.GERUND_TRIGGER.match(trigger) and _LEADING_FILLER.match(lead):
        return trigger
    if c.NOMINAL_TRIGGERS.match(trigger) or c.GERUND_TRIGGER.match(trigger):  # "capturing X would give little"
        after = sc.text[places_end: places_end + 60].lstrip()
        for skip in range(3):  # "the capture of X would", "the fall of X itself would"
            if c.EVALUATION_AFTER.match(after):
                return f"{trigger} ... {' '.join(after.split()[:3])}"
            m = re.match(r"[\w'-]+\s+", after)
            if not m or skip == 2:
                break
            after = after[m.end():]
    return None


def is_adjectival(sc: Scope) -> bool:
    """A participle used as an adjective ('the occupied city of X', 'in liberated Kherson')."""
    if sc.t_start > 0 and sc.text[sc.t_start - 1] == "-":
        return True
    return bool(sc.lex.ADJECTIVAL_BEFORE.search(sc.text, max(0, sc.t_start - 12), sc.t_start))


def is_hedged_near(sc: Scope) -> str | None:
    """A hedge that qualifies the verb itself ("had likely captured", "ймовірно, захопили"): at most three words,
    commas aside, between the hedge and the verb."""
    for m in sc.lex.HEDGE_NEAR.finditer(sc.text, max(0, sc.t_start - _HEDGE_WINDOW), sc.t_start):
        if _HEDGE_GAP.fullmatch(sc.text, m.end(), sc.t_start):
            return _quoted(m)
    return None


def past_marker(sc: Scope, published: date | None, place_end: int) -> str | None:
    """An explicit past time for the event ('in April', 'earlier this month', 'a year ago', 'since Russia withdrew',
    a recap opener 'Earlier, ...', 'Раніше ...')."""
    c = sc.lex
    c_start, c_end = marker_extent(sc, place_end)
    if c.BACKGROUND_OPENER.search(sc.text[sc.subclause_start: sc.t_start]):
        return "since ..."
    opener = c.PAST_OPENER.match(sc.text)
    if opener:
        return _quoted(opener)
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


def hedge(sc: Scope) -> tuple[str | None, str | None, str | None]:
    """Rumour (sets aside), unverified (sets aside unless official) and weak hedge (marks hedged) in a sentence."""
    c, text = sc.lex, sc.text
    return (
        _quoted(c.HEDGE_RUMOUR.search(text)),
        _quoted(c.HEDGE_UNVERIFIED.search(text)),
        _quoted(c.HEDGE_WEAK.search(text)),
    )


def disclaims_previous(sentence_masked: str, lex: object) -> bool:
    """A sentence that only says the previous one could not be verified ('We cannot verify the claim.')."""
    return bool(lex.NEXT_SENTENCE_HEDGE.search(sentence_masked.strip()))  # type: ignore[attr-defined]


def _last_match(pattern: re.Pattern[str], text: str, end: int) -> re.Match[str] | None:
    """The last match of `pattern` in text[:end], if any."""
    last = None
    for last in pattern.finditer(text, 0, end):
        pass
    return last


def _sentence_part_end(text: str, pos: int) -> int:
    """The end of the sentence part that holds `pos` (a semicolon ends it)."""
    m = _SENTENCE_CUT.search(text, pos)
    return m.start() if m else len(text)


def publication_date(published_at: str) -> date | None:
    """The article's publication date, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).date()
    except (ValueError, AttributeError):
        return None
