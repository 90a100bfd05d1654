"""Claims from one article: who did what where, sentence by sentence, and the article's verdict per settlement.

Event vocabulary (Claim.event):
  liberation, recapture, capture, occupation, control  - a side took the place     -> that side's control
  flag_raised                                          - a side's flag over it      -> that side's control
  withdrawal                                           - a side left it             -> the other side's control
  entry, street_fighting, partial_control              - fighting inside, part held -> contested
  approach, encirclement, strike                       - never shift a status (set aside)
A withdrawal from the outskirts or the area around a place is event "withdrawal", set aside.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from workers.records import Claim, Mention, NormalizedArticle
from workers.stage4_claims import modality as mod
from workers.stage4_claims.actors import agent_after, other, scan_actor, side_from_word
from workers.stage4_claims.attribution import Speaker, SpeakerContext, find_speaker_text, resolve_speaker
from workers.stage4_claims.events import EventMatch, find_events
from workers.stage4_claims.masking import MaskedSentence, mask_sentence, unify
from workers.stage4_claims.patterns import compiled
from workers.stage4_claims.sentences import Sentence, split_sentences

TAKING = frozenset({"liberation", "recapture", "capture", "occupation", "control", "flag_raised"})
CONTESTING = frozenset({"entry", "street_fighting", "partial_control"})
NOT_SHIFTING = {
    "approach": "approach/outskirts",
    "encirclement": "encirclement",
    "strike": "strike/shelling",
    "area_withdrawal": "withdrawal from the outskirts/area around",
}
# most specific first: the verdict's quote prefers these
EVENT_RANK = (
    "withdrawal", "capture", "liberation", "recapture", "occupation", "partial_control", "control", "flag_raised",
    "entry", "street_fighting", "area_withdrawal", "approach", "encirclement", "strike",
)
STATUS_OF = {"ukraine": "ukrainian_control", "russia": "russian_control"}
_QUOTE_OPEN_SCAN = 4  # sentences searched for the end of a quotation that carries the speaker
# "the town" standing for the one place named in the sentence before
_ANAPHOR = re.compile(
    r"\bthe\s+(?:town|city|village|settlement)\b(?!\s*(?:'s|’s|of\b|council|cent(?:re|er)|hall|administration"
    r"|authorities|limits|mayor|outskirts|edge))"
    r"|\b(?:місто|міста|місті|містом|селище|селища|селищі|село|села|селі|город|города|городе|городом|поселок"
    r"|поселка|поселке)\b(?!\s+(?:[А-ЯІЇЄҐ]|\w+(?:ської|ской)\s+рад))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Judgement:
    """The decision on one event match."""

    event: str
    actor: str | None
    implies: str | None
    counted: bool
    reason: str
    hedged: bool


def _claim_id(article_id: str, settlement_id: int, event: str, span: tuple[int, int]) -> str:
    """Stable id: the same article, place, event and sentence give the same id."""
    key = f"{article_id}|{settlement_id}|{event}|{span[0]}|{span[1]}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _speakers(sentences: list[Sentence], ctx: SpeakerContext) -> list[Speaker]:
    """The speaker of every sentence, carried over quotations and 'Про це повідомили ...' follow-ups."""
    c = compiled()
    raw = [find_speaker_text(s.text) for s in sentences]
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
        if not raw[i] and nxt and nxt.paragraph == s.paragraph and c.NEXT_SENTENCE_ATTRIBUTION.search(unify(nxt.text)):
            raw[i] = raw[i + 1]
    return [resolve_speaker(t, ctx) for t in raw]


def _actor(em: EventMatch, ms: MaskedSentence, speaker: Speaker, lang: str) -> tuple[str | None, str]:
    """The side that did it, and how it was found."""
    if em.side:
        side = em.side if em.side in ("ukraine", "russia") else side_from_word(em.side)
        if side:
            return side, "named"
    if em.passive:
        agent = agent_after(ms, em.t_end)
        if agent:
            return agent, "agent"
        if em.event in ("liberation", "recapture"):
            return speaker.side or ("russia" if lang == "ru" else "ukraine"), "inferred from the verb"
        if em.event in ("capture", "occupation"):
            return "russia", "inferred from the verb"
        if em.event == "withdrawal":  # "X had been lost / abandoned": by the side that says so
            return speaker.side, "speaker's side"
        return None, "unknown"
    taking = em.event in ("capture", "occupation", "liberation", "recapture")
    if taking and compiled().NOMINAL_TRIGGERS.match(em.trigger):
        return _nominal_actor(em, ms, speaker, lang), "inferred from the noun"
    actor = scan_actor(ms, em.anchor, speaker.side, lang)
    if actor:
        return actor, "subject"
    if em.event in ("liberation", "recapture"):  # in Russian-language reports 'освободили' is the Russian usage
        return ("russia" if lang == "ru" else "ukraine"), "inferred from the verb"
    if em.event in ("capture", "occupation"):
        return "russia", "inferred from the verb"
    return None, "unknown"


def _nominal_actor(em: EventMatch, ms: MaskedSentence, speaker: Speaker, lang: str) -> str:
    """Who took a place named by a noun ('the capture of X', 'захоплення X'): its own adjective, else the speaker
    announcing it, else the other side when the speaker admits it; liberation defaults to Ukraine, capture to Russia."""
    c = compiled()
    near = ms.text[max(0, em.t_start - 25): em.t_start]
    own = [(m.end(), side) for side, rx in (("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA)) for m in rx.finditer(near)]
    if own and max(own)[0] >= len(near) - 2:
        return max(own)[1]
    admitted = c.ADMISSION.search(ms.text, 0, em.t_start)
    if em.event in ("liberation", "recapture"):
        return speaker.side or ("russia" if lang == "ru" else "ukraine")
    if speaker.side:
        return other(speaker.side) if admitted else speaker.side
    return "russia"


def _official(speaker: Speaker) -> bool:
    """A side's official speaking (ministry, general staff, governor, Wagner), not footage, bloggers or reports."""
    return bool(speaker.side and speaker.text and not compiled().NON_OFFICIAL.search(speaker.text))


def _implies(event: str, actor: str | None) -> str | None:
    """The status a claim sets, per CONTRACT §3."""
    if event in CONTESTING:
        return "contested"
    if event in TAKING:
        return STATUS_OF.get(actor or "")
    if event == "withdrawal":
        return STATUS_OF.get(other(actor) or "")
    return None


def _judge(em: EventMatch, ms: MaskedSentence, sentence: Sentence, speaker: Speaker, lang: str,
           published: mod.date | None, disclaimed: bool) -> Judgement:
    """Decide whether one event match is a claim that counts, and why."""
    event = "withdrawal" if em.event == "area_withdrawal" else em.event
    rumour, unverified, weak = mod.hedge(ms.text)
    if disclaimed and not unverified:
        unverified = "could not be verified (next sentence)"
    hedged = bool(rumour or unverified or weak)
    if unverified and _official(speaker):  # an official statement stays a claim; the doubt lowers confidence
        unverified = None
    if em.event in NOT_SHIFTING:
        return Judgement(event, None, None, False, f"set aside: {NOT_SHIFTING[em.event]} ('{em.trigger}')", hedged)
    sc = mod.scope_of(ms.text, em.t_start, em.t_end)
    checks = (
        ("descriptive", em.lang == "en" and not em.passive and em.trigger.endswith("ed") and mod.is_adjectival(sc)
         and em.trigger),
        ("question", mod.is_question(sentence.text, sc)),
        ("conditional", mod.is_conditional(sc)),
        ("evaluation", mod.is_evaluation(sc, em.trigger, em.mention_span[1])),
        ("denial", mod.is_denial(sc)),
        ("negated", mod.is_negated(sc, (em.mention_span[1], em.t_start) if em.passive else None)),
        ("prediction", mod.is_prediction(sc, em.trigger, em.lang)),
        ("past background", mod.past_marker(sc, published)),
        ("hedged", rumour or unverified),
    )
    actor, how = _actor(em, ms, speaker, lang)
    if actor == "russia" and event in ("liberation", "recapture"):
        event = "capture"  # Russian usage: 'liberated' by Russian forces
    implies = _implies(event, actor)
    for name, marker in checks:
        if marker:
            return Judgement(event, actor, implies, False, f"set aside: {name} ('{marker}')", hedged)
    if implies is None:
        return Judgement(event, actor, None, False, f"set aside: side unknown ({em.trigger})", hedged)
    by = f" by {actor}" if actor else ""
    note = f", side {how}" if how not in ("subject", "named") and event not in CONTESTING else ""
    return Judgement(event, actor, implies, True, f"rule: {event}{by} → {implies} ('{em.trigger}'{note})", hedged)


def _rank(claim: Claim) -> tuple[int, int, int]:
    """Sort key: counted first, then shifting events, then the most specific event."""
    event = claim.event
    shifting = event not in ("approach", "encirclement", "strike") and not claim.reason.startswith(
        "set aside: withdrawal from the outskirts")
    return (0 if claim.counted else 1, 0 if shifting else 1, EVENT_RANK.index(event) if event in EVENT_RANK else 99)


def extract_claims(article: NormalizedArticle) -> list[Claim]:
    """Every claim found, sentence by sentence, counted or set aside (counted=False with a reason)."""
    a = article.article
    text = a.text or ""
    sentences = split_sentences(text)
    lang = (a.language or "en")[:2].lower()
    published = mod.publication_date(a.published_at)
    speakers = _speakers(sentences, SpeakerContext())
    ordered = sorted(article.mentions, key=lambda m: m.span)
    starts = [m.span[0] for m in ordered]
    masked = [
        mask_sentence(s.text, s.start, ordered[bisect.bisect_left(starts, s.start): bisect.bisect_left(starts, s.end)])
        for s in sentences
    ]
    for i in range(1, len(sentences)):
        if not masked[i].mentions and sentences[i - 1].paragraph == sentences[i].paragraph:
            anaphora = _anaphora(sentences[i], masked[i - 1].mentions)
            if anaphora:
                masked[i] = mask_sentence(sentences[i].text, sentences[i].start, anaphora)
    claims: list[Claim] = []
    for i, (s, ms) in enumerate(zip(sentences, masked)):
        if not ms.mentions:
            continue
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        disclaimed = bool(nxt and nxt.paragraph == s.paragraph and mod.disclaims_previous(masked[i + 1].text))
        best: dict[int, Claim] = {}
        for em in find_events(ms):
            mention = ms.mentions[em.mention]
            j = _judge(em, ms, s, speakers[i], lang, published, disclaimed)
            span = (s.start, s.end)
            claim = Claim(
                claim_id=_claim_id(a.article_id, mention.settlement.id, j.event, span),
                article_id=a.article_id, source=a.source, url=a.url, published_at=a.published_at,
                settlement=mention.settlement, event=j.event, actor=j.actor, implies=j.implies if j.counted else None,
                quote=text[s.start:s.end], attribution=speakers[i].text, counted=j.counted, reason=j.reason,
                hedged=j.hedged, span=span,
            )
            sid = mention.settlement.id
            if sid not in best or _rank(claim) < _rank(best[sid]):
                best[sid] = claim
        claims.extend(sorted(best.values(), key=lambda c: c.settlement.id))
    return claims


def _anaphora(sentence: Sentence, previous: list[Mention]) -> list[Mention]:
    """'The town' in a sentence without names, as the one place named in the sentence before (else nothing)."""
    places = {m.settlement.id: m.settlement for m in previous}
    if len(places) != 1:
        return []
    ref = next(iter(places.values()))
    return [Mention(settlement=ref, surface=m.group(0), span=(sentence.start + m.start(), sentence.start + m.end()),
                    confidence=0.5) for m in _ANAPHOR.finditer(sentence.text)]


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
        best = min(pool, key=lambda c: (c.attribution is None, c.hedged, _rank(c), -len(c.attribution or ""),
                                         c.span or (0, 0)))
        verdicts.append(best)
    return sorted(verdicts, key=lambda c: c.span or (0, 0))



