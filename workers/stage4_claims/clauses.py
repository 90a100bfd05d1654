"""Where a claim's verb sits in its sentence: the clause (between commas, dashes, colons, and between predicates
joined by "and then", "and on Friday"), the subclause (after "since", "which", ...) and the extent its markers
reach (over an apposition: "took Drobysheve, a village on the road, earlier this week")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.stage4_claims.patterns import Compiled

_CLAUSE_BOUNDARY = re.compile(r"[,;:()]|\s-\s|\s-$|^-\s")
# a second predicate with its own time: "seized A in February and on Friday captured B"
_CONJUNCT = re.compile(
    r"\s(?:and|but)\s+(?=(?:on|in|at|by|then|later|now|this|last|earlier|yesterday|today|since|after)\b)"
    r"|\s(?:і|та|а|але)\s+(?=(?:вже|потім|згодом|тепер|сьогодні|вчора|нині|після)\b)"
    r"|\s(?:и|а|но)\s+(?=(?:уже|затем|потом|теперь|сегодня|вчера|ныне|после)\b)"
)
# ", a village on the main road north-west of the town," right after the place
_APPOSITION = re.compile(r"\s*,\s*(?:a|an|the|один|одна|одне|одно)\s+[^,;:()]{1,90},")


@dataclass(frozen=True)
class Scope:
    """Where an event's verb sits: the whole sentence, its clause and its subclause (masked-text offsets)."""

    text: str
    t_start: int
    t_end: int
    clause: tuple[int, int]
    subclause_start: int
    lex: Compiled


def scope_of(text: str, t_start: int, t_end: int, lex: Compiled) -> Scope:
    """Find the clause and the subclause of a verb."""
    starts = [m.end() for m in _CLAUSE_BOUNDARY.finditer(text) if m.end() <= t_start]
    starts += [m.end() for m in _CONJUNCT.finditer(text) if m.end() <= t_start]
    ends = [m.start() for m in _CLAUSE_BOUNDARY.finditer(text) if m.start() >= t_end]
    ends += [m.start() for m in _CONJUNCT.finditer(text) if m.start() >= t_end]
    c_start = max(starts) if starts else 0
    c_end = min(ends) if ends else len(text)
    subs = [m.start() for m in lex.SUBORDINATORS.finditer(text, c_start, t_start)]
    return Scope(text, t_start, t_end, (c_start, c_end), max(subs) if subs else c_start, lex)


def marker_extent(sc: Scope, place_end: int) -> tuple[int, int]:
    """The clause, stretched over an apposition that follows the place, where time markers still apply to the verb."""
    start, end = sc.clause
    if end <= place_end + 1:
        m = _APPOSITION.match(sc.text, place_end)
        if m:
            nxt = [b.start() for b in _CLAUSE_BOUNDARY.finditer(sc.text, m.end())]
            end = nxt[0] if nxt else len(sc.text)
    return start, end
