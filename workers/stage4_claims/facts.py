"""A clause-level fact: the event of one verb, its actor, the places it governs, and the marker that sets it aside.

Event vocabulary (Claim.event):
  liberation, recapture, capture, occupation, control  - a side took the place     -> that side's control
  flag_raised                                          - a side's flag over it      -> that side's control
  withdrawal                                           - a side left it             -> the other side's control
  entry, street_fighting, partial_control              - fighting inside, part held -> contested
  approach, encirclement, strike                       - never shift a status (set aside)
A withdrawal from the outskirts or the area around a place is event "withdrawal", set aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workers.stage4_claims import modality as mod
from workers.stage4_claims.actors import side_in, agent_after, expelled_side, other, scan_actor, side_from_word
from workers.stage4_claims.attribution import Speaker
from workers.stage4_claims.clauses import Scope, scope_of
from workers.stage4_claims.events import EventMatch
from workers.stage4_claims.masking import MaskedSentence
from workers.stage4_claims.sentences import Sentence

TAKING = frozenset({"liberation", "recapture", "capture", "occupation", "control", "flag_raised"})
CONTESTING = frozenset({"entry", "street_fighting", "partial_control"})
NOT_SHIFTING = {
    "approach": "approach/outskirts",
    "encirclement": "encirclement",
    "strike": "strike/shelling",
    "area_withdrawal": "withdrawal from the outskirts/area around",
}
STATUS_OF = {"ukraine": "ukrainian_control", "russia": "russian_control"}
_DEFAULT_SIDE = {"ru": "russia"}  # who "liberates" and "takes control" when nobody is named, by the text's language


@dataclass(frozen=True)
class Fact:
    """The judgement of one event: who did it, whether it counts, why, and the words that decided."""

    event: str
    actor: str | None
    implies: str | None
    counted: bool
    reason: str
    hedged: bool
    marker: str | None  # the words that set it aside, e.g. "hedged: 'likely'"
    clause: tuple[int, int]  # the clause of the verb, masked-text offsets


@dataclass(frozen=True)
class Context:
    """What the judgement of a sentence's events needs from around it."""

    sentence: Sentence
    speaker: Speaker
    lang: str
    published: date | None
    disclaimed: bool  # the next sentence says this one could not be verified


def _official(speaker: Speaker, ms: MaskedSentence) -> bool:
    """A side's official speaking (ministry, general staff, governor, Wagner), not footage, bloggers or reports."""
    return bool(speaker.side and speaker.text and not ms.lex.NON_OFFICIAL.search(speaker.text) and not speaker.monitor)


def _side_word(word: str, speaker: Speaker, lang: str) -> str | None:
    """The side of a pattern's own side words; "the enemy" is the speaker's other side."""
    side = word if word in ("ukraine", "russia") else side_from_word(word)
    if side == "enemy":
        return other(speaker.side) or ("ukraine" if lang == "ru" else "russia")
    return side


def _actor(em: EventMatch, ms: MaskedSentence, speaker: Speaker, lang: str) -> tuple[str | None, str]:
    """The side that did it, and how it was found."""
    own = None if speaker.monitor else speaker.side  # a monitor reports; its side acts for nobody
    if em.side:
        side = _side_word(em.side, speaker, lang)
        if side:
            return side, "named"
    default = _DEFAULT_SIDE.get(lang, "ukraine")
    if em.passive:
        expelled = expelled_side(ms, em.t_end, speaker.side, lang)
        if expelled and em.event in ("liberation", "recapture"):
            return other(expelled), "freed from the other side"
        agent = agent_after(ms, em.t_end, speaker.side, lang)
        if agent:
            return agent, "agent"
        if em.event in ("liberation", "recapture", "control"):
            return own or default, "inferred from the verb"
        if em.event in ("capture", "occupation"):
            return "russia", "inferred from the verb"
        if em.event == "withdrawal":  # "X had been lost / abandoned": by the side that says so
            return own, "speaker's side"
        return None, "unknown"
    taking = em.event in ("capture", "occupation", "liberation", "recapture")
    if taking and ms.lex.NOMINAL_TRIGGERS.match(em.trigger):
        return _nominal_actor(em, ms, speaker, lang), "inferred from the noun"
    participial = _participial(em, ms)
    actor = scan_actor(ms, em.anchor, None if participial else own, lang)
    if actor:
        return actor, "subject"
    if participial:  # "Покинув X, ВСУ закрепились ...": the subject of the main clause after the comma
        main = scope_of(ms.text, em.t_start, em.t_end, ms.lex).clause[1]
        actor = side_in(ms, ms.text[main: main + 60], speaker.side, lang) or own
        if actor:
            return actor, "subject of the main clause"
    if em.event in ("liberation", "recapture"):  # in Russian-language reports 'освободили' is the Russian usage
        return default, "inferred from the verb"
    if em.event in ("capture", "occupation"):
        return "russia", "inferred from the verb"
    if em.event == "control" and lang == "ru":  # "установлен контроль над ...": the ministry's own summary
        return default, "inferred from the verb"
    return None, "unknown"


def _participial(em: EventMatch, ms: MaskedSentence) -> bool:
    """The verb is a participle opening its sentence part ("Having retaken X, ...", "Освободив X, ...")."""
    c = ms.lex
    if c.PARTICIPIAL_TRIGGER.match(em.trigger.split()[0]):
        return True
    lead = ms.text[max(0, em.t_start - 30): em.t_start]
    return bool(c.PARTICIPIAL_OPENER.search(lead))


def _nominal_actor(em: EventMatch, ms: MaskedSentence, speaker: Speaker, lang: str) -> str:
    """Who took a place named by a noun ('the capture of X', 'захоплення X'): its own adjective, else the speaker
    announcing a liberation; a capture is the other side's when the speaker admits it, else Russia's."""
    c = ms.lex
    near = ms.text[max(0, em.t_start - 25): em.t_start]
    own = [(m.end(), side) for side, rx in (("russia", c.ACTOR_RU), ("ukraine", c.ACTOR_UA)) for m in rx.finditer(near)]
    if own and max(own)[0] >= len(near) - 2:
        return max(own)[1]
    speaker_side = None if speaker.monitor else speaker.side
    if em.event in ("liberation", "recapture"):
        return speaker_side or _DEFAULT_SIDE.get(lang, "ukraine")
    admitted = c.ADMISSION.search(ms.text, 0, em.t_start)
    if speaker_side == "russia":
        return "ukraine" if admitted else "russia"
    return "russia"  # a capture in a Ukrainian (or unattributed) report is the enemy's


def _implies(event: str, actor: str | None) -> str | None:
    """The status a claim sets, per CONTRACT §3."""
    if event in CONTESTING:
        return "contested"
    if event in TAKING:
        return STATUS_OF.get(actor or "")
    if event == "withdrawal":
        return STATUS_OF.get(other(actor) or "")
    return None


def _markers(em: EventMatch, ms: MaskedSentence, sc: Scope, ctx: Context, unverified: str | None,
             rumour: str | None) -> tuple[tuple[str, str | None], ...]:
    """The tests that set a claim aside, in the order they are reported."""
    place_end = em.places_end
    negated_extra = (em.places[0].span[1], em.t_start) if em.passive else None
    return (
        ("descriptive", em.lang == "en" and not em.passive and em.trigger.endswith("ed") and mod.is_adjectival(sc)
         and em.trigger or None),
        ("question", mod.is_question(ctx.sentence.text, sc)),
        ("conditional", mod.is_conditional(sc)),
        ("condition", mod.is_participial_condition(sc, em.trigger)),
        ("evaluation", mod.is_evaluation(sc, em.trigger, place_end)),
        ("denial", mod.is_denial(sc)),
        ("denied after the clause", mod.is_denied_after(sc, place_end)),
        ("negated status", mod.is_negated_status(sc, place_end, em.trigger)),
        ("negated", mod.is_negated(sc, negated_extra)),
        ("prediction", mod.is_prediction(sc, em.trigger, em.lang)),
        ("past background", mod.past_marker(sc, ctx.published, place_end)),
        ("hedged", rumour or unverified or mod.is_hedged_near(sc)),
    )


def judge(em: EventMatch, ms: MaskedSentence, ctx: Context) -> Fact:
    """Decide whether one event is a claim that counts, and why."""
    event = "withdrawal" if em.event == "area_withdrawal" else em.event
    sc = scope_of(ms.text, em.t_start, em.t_end, ms.lex)
    rumour, unverified, weak = mod.hedge(sc)
    if ctx.disclaimed and not unverified:
        unverified = "could not be verified (next sentence)"
    hedged = bool(rumour or unverified or weak)
    if unverified and _official(ctx.speaker, ms):  # an official statement stays a claim; the doubt lowers confidence
        unverified = None
    if em.event in NOT_SHIFTING:
        why = f"{NOT_SHIFTING[em.event]} ('{em.trigger}')"
        return Fact(event, None, None, False, f"set aside: {why}", hedged, why, sc.clause)
    actor, how = _actor(em, ms, ctx.speaker, ctx.lang)
    if actor == "russia" and event in ("liberation", "recapture"):
        event = "capture"  # Russian usage: 'liberated' by Russian forces
    implies = _implies(event, actor)
    for name, marker in _markers(em, ms, sc, ctx, unverified, rumour):
        if marker:
            return Fact(event, actor, implies, False, f"set aside: {name} ('{marker}')", hedged,
                        f"{name}: '{marker}'", sc.clause)
    if implies is None:
        return Fact(event, actor, None, False, f"set aside: side unknown ({em.trigger})", hedged,
                    "side unknown", sc.clause)
    by = f" by {actor}" if actor else ""
    note = f", side {how}" if how not in ("subject", "named") and event not in CONTESTING else ""
    return Fact(event, actor, implies, True, f"rule: {event}{by} → {implies} ('{em.trigger}'{note})", hedged, None,
                sc.clause)
