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

from workers.records import Claim, NormalizedArticle
from workers.stage3_normalize.profiles import Profile
from workers.stage4_claims import modality as mod
from workers.stage4_claims.attribution import Speaker, SpeakerContext, find_speaker_text, resolve_speaker
from workers.stage4_claims.events import EventMatch, Place, count_events, find_events
from workers.stage4_claims.facts import Context, Fact, judge
from workers.stage4_claims.masking import PLACEHOLDER, MaskedSentence, mask_sentence
from workers.stage4_claims.patterns import Compiled, for_language
from workers.stage4_claims.places import Antecedents, Link, as_list_item, unknown_list_names
from workers.stage4_claims.sentences import Sentence, split_sentences

# most specific first: the verdict's quote prefers these
EVENT_RANK = (
    "withdrawal", "capture", "liberation", "recapture", "occupation", "partial_control", "control", "flag_raised",
    "entry", "street_fighting", "area_withdrawal", "approach", "encirclement", "strike",
)
_QUOTE_OPEN_SCAN = 4  # sentences searched for the end of a quotation that carries the speaker
_QUOTE_MARKS = '"“”„«»″'


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
        if _quotes(s.text) % 2 == 1:  # a quotation that closes later in the paragraph
            for j in range(i + 1, min(len(sentences), i + 1 + _QUOTE_OPEN_SCAN)):
                if sentences[j].paragraph != s.paragraph:
                    break
                if _quotes(sentences[j].text) % 2 == 1:
                    raw[i] = raw[j]
                    break
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        if not raw[i] and nxt and nxt.paragraph == s.paragraph and lex.NEXT_SENTENCE_ATTRIBUTION.search(nxt.text):
            raw[i] = raw[i + 1]
    ctx = SpeakerContext(lex=lex)
    return [resolve_speaker(t, ctx) for t in raw]


def _quotes(text: str) -> int:
    """How many double quotation marks a text holds, whatever their shape."""
    return sum(text.count(q) for q in _QUOTE_MARKS)


def _rank(claim: Claim) -> tuple[int, int, int]:
    """Sort key: counted first, then shifting events, then the most specific event."""
    event = claim.event
    shifting = event not in ("approach", "encirclement", "strike") and not claim.reason.startswith(
        "set aside: withdrawal from the outskirts")
    return (0 if claim.counted else 1, 0 if shifting else 1, EVENT_RANK.index(event) if event in EVENT_RANK else 99)


def _mask_all(sentences: list[Sentence], article: NormalizedArticle, lex: Compiled,
              profiles: Mapping[int, Profile] | None) -> list[MaskedSentence | None]:
    """Every sentence that names a place masked: its names, unknown names of its lists, and its descriptions that
    resolve; None for the others (masked on demand)."""
    ordered = sorted(article.mentions, key=lambda m: m.span)
    starts = [m.span[0] for m in ordered]
    named = [ordered[bisect.bisect_left(starts, s.start): bisect.bisect_left(starts, s.end)] for s in sentences]
    antecedents = Antecedents(sentences, named, lex, profiles)
    masked: list[MaskedSentence | None] = []
    for i, s in enumerate(sentences):
        described = antecedents.link(i)
        if not named[i] and not described:
            masked.append(None)
            continue
        mentions = sorted(named[i] + [m for m, _ in described], key=lambda m: m.span)
        links = {m.span[0]: link for m, link in described}
        ghosts = unknown_list_names(s, named[i], lex) if named[i] else []
        masked.append(mask_sentence(s.text, s.start, mentions, lex, ghosts, links))
    return masked


class _Sentences:
    """The article's sentences with their masks and judgement contexts, built when first needed."""

    def __init__(self, article: NormalizedArticle, profiles: Mapping[int, Profile] | None) -> None:
        a = article.article
        self.sentences = split_sentences(a.text or "")
        self.lex = for_language(a.language, a.text or "")
        self.lang = self.lex.lang if self.lex.lang != "any" else (a.language or "en")[:2].lower()
        self.published = mod.publication_date(a.published_at)
        self.speakers = _speakers(self.sentences, self.lex)
        self._masked = _mask_all(self.sentences, article, self.lex, profiles)
        self._contexts: dict[int, Context] = {}

    def masked(self, i: int) -> MaskedSentence:
        """Sentence i masked (a sentence that names no place is only normalised)."""
        found = self._masked[i]
        if found is None:
            s = self.sentences[i]
            found = self._masked[i] = mask_sentence(s.text, s.start, [], self.lex)
        return found

    def named(self, i: int) -> bool:
        """Whether sentence i names a place (by name or description)."""
        return self._masked[i] is not None and bool(self._masked[i].mentions)  # type: ignore[union-attr]

    def context(self, i: int) -> Context:
        """What judging sentence i needs: its speaker, language, date and whether the next sentence disclaims it."""
        if i not in self._contexts:
            s, sentences = self.sentences[i], self.sentences
            nxt = sentences[i + 1] if i + 1 < len(sentences) else None
            disclaimed = bool(nxt and nxt.paragraph == s.paragraph
                              and mod.disclaims_previous(self.masked(i + 1).text, self.lex))
            self._contexts[i] = Context(s, self.speakers[i], self.lang, self.published, disclaimed)
        return self._contexts[i]


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
    doc = _Sentences(article, profiles)
    claims: list[Claim] = []
    for i, s in enumerate(doc.sentences):
        if not doc.named(i):
            continue
        ms = doc.masked(i)
        best: dict[int, Claim] = {}
        found = [(fact, places, None) for em in find_events(ms) for fact, places in _facts(em, ms, doc.context(i))]
        found += _listed_next(doc, i)
        for fact, places, link in found:
            span = (min([fact.clause[0]] + [p.span[0] for p in places]),
                    max([fact.clause[1]] + [p.span[1] for p in places]))
            clause = _clause_text(s, ms, span) if link is None else s.text
            for place in places:
                claim = _claim(article, s, ms, fact, place, places[0], doc.speakers[i], clause, link)
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
        if place.via == "list":
            link = as_list_item(link, ms.mentions[first.mention].surface)
        elif place.via == "anaphora":
            link = Link("anaphora", place.pronoun,
                        f"{mention.settlement.name}: the place named before it in the sentence")
    span = (s.start, s.end)
    return Claim(
        claim_id=_claim_id(a.article_id, mention.settlement.id, fact.event, span),
        article_id=a.article_id, source=a.source, url=a.url, published_at=a.published_at,
        settlement=mention.settlement, event=fact.event, actor=fact.actor,
        implies=fact.implies if fact.counted else None, quote=s.text, attribution=speaker.text, counted=fact.counted,
        reason=fact.reason, hedged=fact.hedged, span=span, clause=clause, link=link.to_dict(), marker=fact.marker,
    )


def _listed_next(doc: _Sentences, i: int) -> list[tuple[Fact, tuple[Place, ...], Link | None]]:
    """"... захопили ще два села. Мова про A та B.": the sentence before states the event for a number of places
    (judged there, with its actor and markers), this one (opening "Мова про", "They are", "Среди них") names them."""
    sentences = doc.sentences
    if i == 0 or sentences[i - 1].paragraph != sentences[i].paragraph or not doc.lex.LIST_OPENER.match(
            doc.masked(i).text):
        return []
    ms, prev = doc.masked(i), doc.masked(i - 1)
    places = [Place(int(p.group(1)), p.span(), "") for p in PLACEHOLDER.finditer(ms.text) if p.group(1) != "?"]
    out: list[tuple[Fact, tuple[Place, ...], Link | None]] = []
    for event, trigger, t_start, t_end in count_events(prev):
        counted = EventMatch(event, (Place(-1, (t_end, t_end), event),), t_start, t_end, t_start, False, None,
                             trigger, prev.lex.lang)
        fact = judge(counted, prev, doc.context(i - 1))
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
