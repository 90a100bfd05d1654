"""Claims from one article: clause-level facts (actor, event, the places it governs, the marker that sets it aside),
one claim per place, and the article's verdict per settlement.

Sentence by sentence: mask the places (names, unknown list names, descriptions resolved to the
settlement the article names for them), find each verb with the places it governs (events.py), judge
it once as a fact (facts.py), and give every governed place its claim with how the place was linked.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import replace
from typing import Mapping

from workers.records import Claim, Mention, NormalizedArticle
from workers.stage3_normalize.profiles import Profile
from workers.stage4_claims import modality as mod
from workers.stage4_claims.attribution import Speaker, SpeakerContext, find_speaker_text, resolve_speaker
from workers.stage4_claims.events import EventMatch, Place, count_events, find_events
from workers.stage4_claims.facts import Context, Fact, judge
from workers.stage4_claims.masking import PLACEHOLDER, MaskedSentence, mask_sentence, unify
from workers.stage4_claims.patterns import Compiled, for_language
from workers.stage4_claims.places import Antecedents, Link, as_list_item, unknown_list_names
from workers.stage4_claims.sentences import Sentence, split_sentences

# most specific first: the verdict's quote prefers these
EVENT_RANK = (
    "withdrawal", "capture", "liberation", "recapture", "occupation", "partial_control", "control", "flag_raised",
    "entry", "street_fighting", "area_withdrawal", "approach", "encirclement", "strike",
)
_QUOTE_OPEN_SCAN = 4  # sentences searched for the end of a quotation that carries the speaker


def _claim_id(article_id: str, settlement_id: int, event: str, span: tuple[int, int]) -> str:
    """Stable id: the same article, place, event and sentence give the same id."""
    key = f"{article_id}|{settlement_id}|{event}|{span[0]}|{span[1]}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _speakers(sentences: list[Sentence], lex: Compiled) -> list[Speaker]:
    """The speaker of every sentence, carried over quotations and 'Про це повідомили ...' follow-ups."""
    raw = [find_speaker_text(s.text, lex) for s in sentences]
    for i, s in enumerate(sentences):
        if raw[i]:
            continue
        if unify(s.text).count('"') % 2 == 1:  # a quotation that closes later in the paragraph
            for j in range(i + 1, min(len(sentences), i + 1 + _QUOTE_OPEN_SCAN)):
                if sentences[j].paragraph != s.paragraph:
                    break
                if unify(sentences[j].text).count('"') % 2 == 1:
                    raw[i] = raw[j]
                    break
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        if not raw[i] and nxt and nxt.paragraph == s.paragraph and lex.NEXT_SENTENCE_ATTRIBUTION.search(unify(nxt.text)):
            raw[i] = raw[i + 1]
    ctx = SpeakerContext(lex=lex)
    return [resolve_speaker(t, ctx) for t in raw]


def _rank(claim: Claim) -> tuple[int, int, int]:
    """Sort key: counted first, then shifting events, then the most specific event."""
    event = claim.event
    shifting = event not in ("approach", "encirclement", "strike") and not claim.reason.startswith(
        "set aside: withdrawal from the outskirts")
    return (0 if claim.counted else 1, 0 if shifting else 1, EVENT_RANK.index(event) if event in EVENT_RANK else 99)


def _mask_all(sentences: list[Sentence], article: NormalizedArticle, lex: Compiled,
              profiles: Mapping[int, Profile] | None) -> list[MaskedSentence]:
    """Every sentence masked: its names, unknown names of its lists, and its descriptions that resolve."""
    ordered = sorted(article.mentions, key=lambda m: m.span)
    starts = [m.span[0] for m in ordered]
    named = [ordered[bisect.bisect_left(starts, s.start): bisect.bisect_left(starts, s.end)] for s in sentences]
    antecedents = Antecedents(sentences, named, lex, profiles)
    masked = []
    for i, s in enumerate(sentences):
        described = antecedents.link(i)
        mentions = sorted(named[i] + [m for m, _ in described], key=lambda m: m.span)
        links = {m.span[0]: link for m, link in described}
        ghosts = unknown_list_names(s, named[i], lex) if named[i] else []
        masked.append(mask_sentence(s.text, s.start, mentions, lex, ghosts, links))
    return masked


def _clause_text(s: Sentence, ms: MaskedSentence, clause: tuple[int, int]) -> str:
    """The words of the sentence that a fact's clause covers."""
    start, end = ms.source_offset(clause[0]), ms.source_offset(clause[1])
    return s.text[max(0, start): max(start, min(len(s.text), end))].strip(" ,;:-–—") or s.text


def _facts(em: EventMatch, ms: MaskedSentence, ctx: Context) -> list[tuple[Fact, tuple[Place, ...]]]:
    """One judged fact per distinct event among the places a verb governs ("captured A and part of B")."""
    by_event: dict[str, list[Place]] = {}
    for p in em.places:
        by_event.setdefault(p.event, []).append(p)
    return [(judge(replace(em, event=event, places=tuple(places)), ms, ctx), tuple(places))
            for event, places in by_event.items()]


def extract_claims(article: NormalizedArticle, profiles: Mapping[int, Profile] | None = None) -> list[Claim]:
    """Every claim found, sentence by sentence, counted or set aside (counted=False with a reason).

    `profiles` (settlement kinds) decide which descriptions fit which places; without them any kind fits.
    """
    a = article.article
    text = a.text or ""
    sentences = split_sentences(text)
    lex = for_language(a.language)
    lang = (a.language or "en")[:2].lower()
    published = mod.publication_date(a.published_at)
    speakers = _speakers(sentences, lex)
    masked = _mask_all(sentences, article, lex, profiles)
    contexts = []
    for i, s in enumerate(sentences):
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        disclaimed = bool(nxt and nxt.paragraph == s.paragraph and mod.disclaims_previous(masked[i + 1].text, lex))
        contexts.append(Context(s, speakers[i], lang, published, disclaimed))
    claims: list[Claim] = []
    for i, (s, ms) in enumerate(zip(sentences, masked)):
        if not ms.mentions:
            continue
        best: dict[int, Claim] = {}
        found = [(fact, places, None) for em in find_events(ms) for fact, places in _facts(em, ms, contexts[i])]
        found += _listed_next(masked, sentences, contexts, i)
        for fact, places, link in found:
            span = (min([fact.clause[0]] + [p.span[0] for p in places]), max([fact.clause[1]] + [p.span[1] for p in places]))
            clause = _clause_text(s, ms, span) if link is None else s.text
            for place in places:
                claim = _claim(article, s, ms, fact, place, places[0], speakers[i], clause, link)
                sid = claim.settlement.id
                if sid not in best or _rank(claim) < _rank(best[sid]):
                    best[sid] = claim
        claims.extend(sorted(best.values(), key=lambda c: c.settlement.id))
    return claims


def _claim(article: NormalizedArticle, s: Sentence, ms: MaskedSentence, fact: Fact, place: Place, first: Place,
           speaker: Speaker, clause: str, link: Link | None) -> Claim:
    """The claim one fact makes about one of its places."""
    a = article.article
    mention = ms.mentions[place.mention]
    if link is None:
        link = ms.links[place.mention]
        if place.via_list:
            link = as_list_item(link, ms.mentions[first.mention].surface)
    span = (s.start, s.end)
    return Claim(
        claim_id=_claim_id(a.article_id, mention.settlement.id, fact.event, span),
        article_id=a.article_id, source=a.source, url=a.url, published_at=a.published_at,
        settlement=mention.settlement, event=fact.event, actor=fact.actor,
        implies=fact.implies if fact.counted else None, quote=s.text, attribution=speaker.text, counted=fact.counted,
        reason=fact.reason, hedged=fact.hedged, span=span, clause=clause, link=link.to_dict(), marker=fact.marker,
    )


def _listed_next(masked: list[MaskedSentence], sentences: list[Sentence], contexts: list[Context], i: int
                 ) -> list[tuple[Fact, tuple[Place, ...], Link | None]]:
    """"... захопили ще два села. Мова про A та B.": the sentence before states the event for a number of places
    (judged there, with its actor and markers), this one (opening "Мова про", "They are", "Среди них") names them."""
    if i == 0 or sentences[i - 1].paragraph != sentences[i].paragraph or not masked[i].lex.LIST_OPENER.match(
            masked[i].text):
        return []
    ms, prev = masked[i], masked[i - 1]
    places = [Place(int(p.group(1)), p.span(), "", False) for p in PLACEHOLDER.finditer(ms.text) if p.group(1) != "?"]
    out: list[tuple[Fact, tuple[Place, ...], Link | None]] = []
    for event, trigger, t_start, t_end in count_events(prev):
        counted = EventMatch(event, (Place(-1, (t_end, t_end), event, False),), t_start, t_end, t_start, False, None,
                             trigger, prev.lex.lang)
        fact = judge(counted, prev, contexts[i - 1])
        for p in places:
            surface = ms.mentions[p.mention].surface
            out.append((fact, (replace(p, event=event),), Link(
                "list", surface, f"one of the places counted in the sentence before ('{trigger} ...')")))
    return out


def _described(claim: Claim) -> bool:
    """The claim names its place only by description ("the town"): a weaker quote for an alert."""
    return bool(claim.link and claim.link.get("how") == "description")


def _weight(claim: Claim) -> float:
    """How much one counted claim weighs in its article's verdict."""
    return 1.0 + (0.5 if claim.attribution else 0.0) - (0.25 if claim.hedged else 0.0)


def article_verdicts(claims: list[Claim]) -> list[Claim]:
    """One counted claim per settlement for the article: the article's verdict (what it says the status is now)."""
    groups: dict[int, list[Claim]] = {}
    for c in claims:
        if c.counted and c.implies:
            groups.setdefault(c.settlement.id, []).append(c)
    verdicts = []
    for group in groups.values():
        votes: dict[str, float] = {}
        for c in group:
            votes[c.implies or ""] = votes.get(c.implies or "", 0.0) + _weight(c)
        first = min(group, key=lambda c: c.span or (0, 0))
        status = max(votes, key=lambda st: (votes[st], st == first.implies))
        pool = [c for c in group if c.implies == status]
        best = min(pool, key=lambda c: (c.attribution is None, _described(c), c.hedged, _rank(c),
                                         -len(c.attribution or ""), c.span or (0, 0)))
        verdicts.append(best)
    return sorted(verdicts, key=lambda c: c.span or (0, 0))
