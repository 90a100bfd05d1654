"""Settlement mentions in an article's main text: spellings, case forms and typos resolved to GeoNames ids."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from workers.records import Mention
from workers.stage3_normalize import abroad, common_words_data, context
from workers.stage3_normalize.disambiguate import Group, resolve
from workers.stage3_normalize.gazetteer import Q_LOOSE, Gazetteer
from workers.stage3_normalize.oblasts import scan as oblast_scan
from workers.stage3_normalize.raions import raion_oblasts
from workers.stage3_normalize.text import (
    Token,
    is_all_caps,
    is_capitalised,
    norm,
    skeleton,
    tokenize,
)

Q_FUZZY = 0.75
MIN_CONFIDENCE = 0.5
FUZZY_MIN_LEN = 5
MIN_WORD_LEN = 3  # a one-word name of fewer letters is never matched (Py, Pi)
ALL_CAPS_MIN_POPULATION = 20_000  # datelines (MOSCOW/KHARKIV) name cities; capitals elsewhere are acronyms


@dataclass
class Span:
    """One place in the text where a name of one or more settlements was found."""

    start: int
    end: int
    options: dict[int, float]  # settlement id → match quality
    i: int
    j: int
    fuzzy: bool = False
    inflected: bool = False  # only case forms matched (Ізюмі), never the name as written
    weak: bool = False  # a typo, a loose spelling or an English word: needs another place nearby


def _gap_ok(text: str, a: Token, b: Token) -> bool:
    gap = text[a.end : b.start]
    return gap in (" ", "-", "‐", "‑", "–") or (gap.isspace() and "\n" not in gap and len(gap) <= 3)


def _word_ok(tok: Token, first: bool) -> bool:
    """Only capitalised words can start or continue a name (lower-case перемога is the word victory)."""
    return is_capitalised(tok.text) and (len(tok.text) >= 2 or not first)


def _match_at(
    text: str, tokens: list[Token], i: int, gaz: Gazetteer
) -> tuple[int, dict[int, tuple[float, bool]], bool]:
    """The longest name starting at token i: (number of words, {id: (quality, case form)}, loose only)."""
    tok = tokens[i]
    caps = is_all_caps(tok.text)
    keys = [("exact", norm(tok.text))]
    if not caps:
        keys.append(("loose", skeleton(tok.text)))
    best_len: int = 0
    best: dict[int, tuple[float, bool]] = {}
    exact_len = 0
    for index, key in keys:
        table = gaz.exact if index == "exact" else gaz.loose
        for rest, sid, q, inflected in table.get(key, ()):
            n = 1 + len(rest)
            if n < best_len or i + n > len(tokens):
                continue
            ok = True
            for k, want in enumerate(rest, start=1):
                nxt = tokens[i + k]
                if not _gap_ok(text, tokens[i + k - 1], nxt) or not _word_ok(nxt, False):
                    ok = False
                    break
                got = norm(nxt.text) if index == "exact" else skeleton(nxt.text)
                if got != want:
                    ok = False
                    break
            if not ok:
                continue
            if index == "exact":
                exact_len = max(exact_len, n)
            if n > best_len:
                best_len, best = n, {}
            if sid not in best or (q, not inflected) > (best[sid][0], not best[sid][1]):
                best[sid] = (q, inflected)
    return best_len, best, exact_len < best_len


def _consonants(word: str) -> str:
    return re.sub(r"[aeiouyj]", "", word)


def _fuzzy_at(tok: Token, gaz: Gazetteer) -> dict[int, float]:
    """Typo-tolerant match of one Latin word against larger places (Iyzum, Balaklyia); short words stay exact."""
    word = norm(tok.text)
    n = len(word)
    if n < FUZZY_MIN_LEN or not word.isascii() or not word.isalpha() or word in gaz.given_names:
        return {}
    pool = gaz.fuzzy_pool.get(word[0])
    if not pool:
        return {}
    limit = 1 if n <= 9 else 2
    out: dict[int, float] = {}
    for key, _, index in process.extract(word, pool[0], scorer=OSA.distance, score_cutoff=limit, limit=None):
        if abs(len(key) - n) > 2:
            continue
        # short names: one slip that keeps the consonants in place (Iyzum, Iziym for Izyum)
        if n <= 6 and _consonants(word) != _consonants(key):
            continue
        sid = pool[1][index]
        q = Q_FUZZY * (0.9 + 0.1 * Levenshtein.normalized_similarity(word, key))
        out[sid] = max(out.get(sid, 0.0), q)
    return out


def _blocked_tokens(tokens: list[Token], blocked: list[tuple[int, int]]) -> set[int]:
    """Indexes of the tokens that start inside a blocked character range."""
    out: set[int] = set()
    starts = [t.start for t in tokens]
    for s, e in blocked:
        k = bisect.bisect_left(starts, s)
        while k < len(tokens) and starts[k] < e:
            out.add(k)
            k += 1
    return out


def _candidate_spans(text: str, tokens: list[Token], gaz: Gazetteer, blocked: list[tuple[int, int]]) -> list[Span]:
    """Every span that names a settlement in any spelling, before the trap rules."""
    spans: list[Span] = []
    skip = _blocked_tokens(tokens, blocked)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i in skip or not _word_ok(tok, True):
            i += 1
            continue
        n, found, loose = _match_at(text, tokens, i, gaz)
        options = {sid: q for sid, (q, _) in found.items()}
        inflected = bool(found) and all(inf for _, inf in found.values())
        fuzzy = False
        if not n and not is_all_caps(tok.text):
            options = _fuzzy_at(tok, gaz)
            n, fuzzy = (1, True) if options else (0, False)
        if n == 1 and len(norm(tok.text)) < MIN_WORD_LEN:
            n = 0
        if n and is_all_caps(tok.text):
            big = ALL_CAPS_MIN_POPULATION
            options = {sid: q for sid, q in options.items() if gaz.settlements[sid].population >= big}
            n = n if options else 0
        if n:
            end = tokens[i + n - 1].end
            spans.append(Span(tok.start, end, options, i, i + n, fuzzy, inflected, weak=fuzzy or loose))
            i += n
        else:
            i += 1
    return spans


_TOPICALISED = re.compile(r"(?:ів|ов|ев|єв|ин|ан)ку$")  # "Щербинівку противник ...": the accusative of an -івка name


def _topicalised(w: context.Window) -> bool:
    """A place name fronted as the object ("Авдеевку мы ..."): the accusative of an -івка/-овка name, which no
    everyday word shares."""
    return w.j - w.i == 1 and bool(_TOPICALISED.search(norm(w.tokens[w.i].text)))


def _trap(span: Span, text: str, tokens: list[Token], gaz: Gazetteer, oblasts: set[str]) -> str | None:
    """Why a span is not a settlement mention, or None when it is one."""
    w = context.Window(text, tokens, span.i, span.j)
    if context.region_usage(w) or context.region_of(w):
        best = max(span.options, key=lambda sid: gaz.settlements[sid].population)
        oblasts.add(gaz.settlements[best].admin1)
        return "region"
    river_named = any(sid in gaz.river_ids for sid in span.options)
    if context.river_usage(w, river_named):
        return "river"
    if context.street_usage(w):
        return "street"
    if context.person_usage(w, gaz.given_names) or context.given_name_usage(w, gaz.given_names):
        return "person"
    if context.speech_usage(w) and not any(sid in gaz.speaking_cities for sid in span.options):
        return "person"
    if context.quoted_name(w) or context.organisation_usage(w):
        return "organisation"
    if span.inflected and context.adjective_phrase(w):
        return "adjective phrase"
    if span.inflected and context.sentence_initial(w) and not context.place_context(w) and not _topicalised(w):
        return "case form at sentence start"
    initial = context.sentence_initial(w) or context.title_case_line(text, span.start)
    if span.j - span.i == 1:
        word = tokens[span.i].text
        key = skeleton(word)
        if key in gaz.common_words or key in gaz.weak_common_words:
            if (key in gaz.common_words or initial) and not context.place_context(w):
                return "common word"
        if norm(word) in common_words_data.ENGLISH and not context.place_context(w):
            exact = max(span.options.values()) >= 1.0 and not span.fuzzy
            if not exact or initial or is_all_caps(word) or context.in_capitalised_phrase(w):
                return "English word"
            span.weak = True
        if initial and not span.inflected and norm(word) in common_words_data.CYRILLIC and not context.place_context(w):
            return "common word"
    if span.weak and not context.place_context(w) and (initial or context.in_capitalised_phrase(w)):
        return "uncertain spelling in a title or a name"
    return None


def find_mentions(
    text: str, gazetteer: Gazetteer, *, language: str | None = None, min_confidence: float = MIN_CONFIDENCE
) -> list[Mention]:
    """Settlement mentions in `text` (headline and body), in text order; spans index into `text`.

    `language` is a hint only: names are matched in any mix of Latin and Cyrillic scripts.
    """
    mentions, _ = explain_mentions(text, gazetteer, language=language, min_confidence=min_confidence)
    return mentions


def explain_mentions(
    text: str, gazetteer: Gazetteer, *, language: str | None = None, min_confidence: float = MIN_CONFIDENCE
) -> tuple[list[Mention], list[tuple[str, tuple[int, int], str]]]:
    """Mentions plus the names set aside, each as (surface, span, reason)."""
    gaz = gazetteer
    tokens = tokenize(text)
    oblasts, regions = oblast_scan(tokens)
    oblasts |= raion_oblasts(tokens, gaz)
    named = set(oblasts)  # the trap rules below add the oblasts of region-like uses of names ("Vostok grouping")
    blocked = context.blocked_spans(text) + [(s, e) for s, e, _ in regions]
    spans = _candidate_spans(text, tokens, gaz, blocked)
    rejected: list[tuple[str, tuple[int, int], str]] = []
    kept: list[Span] = []
    for span in spans:
        reason = _trap(span, text, tokens, gaz, oblasts)
        if reason:
            rejected.append((text[span.start : span.end], (span.start, span.end), reason))
        else:
            kept.append(span)
    groups: dict[frozenset[int], Group] = {}
    for span in kept:
        g = groups.setdefault(frozenset(span.options), Group(options={}, weak=True))
        g.weak = g.weak and span.weak
        kind = context.given_kind(text, span.start, span.end)
        if kind:
            g.kinds.add(kind)
        for sid, q in span.options.items():
            g.options[sid] = max(g.options.get(sid, 0.0), q)
    located = [
        (groups[frozenset(kept[a].options)], groups[frozenset(kept[b].options)])
        for a, b in context.located_near(text, [(s.start, s.end) for s in kept])
    ]
    resolve(list(groups.values()), gaz, oblasts, located, named)
    foreign = abroad.foreign_sentences(text)
    mentions: list[Mention] = []
    for span in kept:
        g = groups[frozenset(span.options)]
        if g.chosen is None:
            rejected.append((text[span.start : span.end], (span.start, span.end), "far from the other places"))
            continue
        if abroad.placed_abroad(text, span.start, span.end, gaz.settlements[g.chosen].population, foreign):
            rejected.append((text[span.start : span.end], (span.start, span.end), "a place outside Ukraine"))
            continue
        confidence = round(min(1.0, span.options.get(g.chosen, Q_LOOSE) * g.factor), 3)
        if confidence < min_confidence:
            rejected.append((text[span.start : span.end], (span.start, span.end), f"low confidence {confidence}"))
            continue
        mentions.append(
            Mention(
                settlement=gaz.ref(g.chosen),
                surface=text[span.start : span.end],
                span=(span.start, span.end),
                confidence=confidence,
            )
        )
    return mentions, rejected
