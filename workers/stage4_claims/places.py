"""How a claim reaches its places: a name, an item of a list, or a description ("the regional capital", "у місті")
resolved to the settlement the article names for it when the kind of place fits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from workers.records import Mention, SettlementRef
from workers.stage3_normalize.profiles import Profile
from workers.stage4_claims.patterns import Compiled, group
from workers.stage4_claims.sentences import Sentence

ANTECEDENT_SENTENCES = 3  # how far back a description looks for the place it stands for
_NAME = re.compile(r"[A-ZА-ЯІЇЄҐЁ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄҐЁ][\w'’-]+)?")
_LIST_GAP = re.compile(r"\s*,\s*(?:(?:and|і|й|та|и|а\s+також)\s+)?|\s+(?:and|і|й|та|и|а\s+также|а\s+також)\s+")
_APPOSITION_GAP = re.compile(r"^\s*,\s*$")
# capitalised words that open sentences or name days, never places of a list ("Earlier, A and B were taken")
_NOT_NAMES = frozenset("""
the a an earlier later yesterday today tonight meanwhile however also then now previously since on in at by after
before and but monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december раніше вчора сьогодні також тим нагадаємо потім тепер наразі водночас
ранее вчера сегодня также тем напомним затем теперь сейчас одновременно
""".split())


@dataclass(frozen=True)
class Link:
    """How one place of a claim was linked to its settlement, for `explain`."""

    how: str  # name | list | description | anaphora
    text: str  # the article's words
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"how": self.how, "text": self.text, "note": self.note}


def name_link(m: Mention) -> Link:
    """A place named by its name."""
    return Link("name", m.surface)


def as_list_item(link: Link, first: str) -> Link:
    """The link of a place reached through a list ("A, B and C") from its first item."""
    if link.how != "name":
        return link
    return Link("list", link.text, f"item of the list that starts with '{first}'")


def fits(kind: str, profile: Profile | None) -> bool:
    """Whether a settlement can be the place a description of this kind names (unknown places always can)."""
    if profile is None:
        return True
    pop, centre = profile.population, profile.feature in ("PPLA", "PPLC")
    return {
        "city": pop >= 10_000 or centre,
        "town": pop >= 1_500 and profile.feature != "PPLC",
        "village": pop < 15_000 and not centre,
        "small_town": pop < 30_000 and not centre,
        "city_uk": pop >= 5_000 or centre,
        "district_centre": pop >= 5_000 and profile.feature != "PPLC",
        "regional_capital": profile.feature == "PPLA",
    }.get(kind, True)


def _kind_text(profile: Profile | None) -> str:
    """The kind of a settlement in words, for the link note."""
    if profile is None:
        return "no profile"
    what = {"PPLA": "oblast centre, ", "PPLC": "the capital, "}.get(profile.feature, "")
    return f"{what}population {profile.population:,}"


@dataclass(frozen=True)
class _Description:
    start: int
    end: int
    text: str
    kind: str


def _descriptions(sentence: Sentence, lex: Compiled) -> list[_Description]:
    """The place descriptions of one sentence (article offsets)."""
    out = []
    for m in lex.DESCRIPTION.finditer(sentence.text):
        word = " ".join((group(m, "kind") or "").lower().replace("ё", "е").split())
        kind = lex.kinds.get(word)
        if kind:
            out.append(_Description(sentence.start + m.start(), sentence.start + m.end(), m.group(0), kind))
    return out


class Antecedents:
    """Finds, for each description, the settlement the article names for it."""

    def __init__(self, sentences: list[Sentence], mentions: list[list[Mention]], lex: Compiled,
                 profiles: Mapping[int, Profile] | None) -> None:
        self.sentences, self.mentions, self.lex, self.profiles = sentences, mentions, lex, profiles or {}
        heads = self._places(0) if sentences and sentences[0].headline else {}
        self.headline = next(iter(heads.values())) if len(heads) == 1 else None

    def _places(self, i: int, before: int | None = None) -> dict[int, SettlementRef]:
        """The distinct settlements named in sentence i (before article offset `before`), capital metonyms aside."""
        out: dict[int, SettlementRef] = {}
        for m in self.mentions[i]:
            if before is not None and m.span[1] > before:
                continue
            if m.surface.lower() in self.lex.capital_surfaces and i != 0:
                continue  # "Kyiv's military", "Kyiv said": the government, not the city
            out[m.settlement.id] = m.settlement
        return out

    def _fitting(self, places: dict[int, SettlementRef], kind: str) -> list[SettlementRef]:
        return [s for sid, s in places.items() if fits(kind, self.profiles.get(sid))]

    def resolve(self, i: int, d: _Description) -> tuple[SettlementRef, str] | None:
        """The settlement description d of sentence i stands for, and why; None when none fits or it is ambiguous."""
        here = self._fitting(self._places(i, d.start), d.kind)
        if len(here) == 1:
            return here[0], "the place named earlier in the sentence"
        if here:
            return self._prefer_headline(here, "earlier in the sentence")
        for j in range(i - 1, max(-1, i - 1 - ANTECEDENT_SENTENCES), -1):
            fitting = self._fitting(self._places(j), d.kind)
            if len(fitting) == 1:
                where = "the headline" if j == 0 and self.sentences[0].headline else f"{i - j} sentence(s) before"
                return fitting[0], f"the place named in {where}"
            if fitting:
                return self._prefer_headline(fitting, f"{i - j} sentence(s) before")
        if self.headline is not None and fits(d.kind, self.profiles.get(self.headline.id)):
            return self.headline, "the place named in the headline"
        return None

    def _prefer_headline(self, candidates: list[SettlementRef], where: str) -> tuple[SettlementRef, str] | None:
        """Among several places named together, the one the headline is about."""
        if self.headline is not None and any(c.id == self.headline.id for c in candidates):
            return self.headline, f"the headline's place, among several named {where}"
        return None

    def link(self, i: int) -> list[tuple[Mention, Link]]:
        """Mentions for the descriptions of sentence i that resolve, with how each was linked."""
        out: list[tuple[Mention, Link]] = []
        if not self._antecedent_possible(i) or not self.lex.KIND_PREFILTER.search(self.sentences[i].text.lower()):
            return out
        for d in _descriptions(self.sentences[i], self.lex):
            if self._apposition(i, d):
                continue
            found = self.resolve(i, d)
            if found is None:
                continue
            ref, why = found
            kind = d.kind.replace("_", " ").replace(" uk", "")
            note = f"{why}; a {kind} fits ({_kind_text(self.profiles.get(ref.id))})"
            out.append((Mention(settlement=ref, surface=d.text, span=(d.start, d.end), confidence=0.5),
                        Link("description", d.text, f"{ref.name}: {note}")))
        return out

    def _antecedent_possible(self, i: int) -> bool:
        """Whether any place is named where a description of sentence i could look (cheap test first)."""
        window = range(max(0, i - ANTECEDENT_SENTENCES), i + 1)
        return self.headline is not None or any(self.mentions[j] for j in window)

    def _apposition(self, i: int, d: _Description) -> bool:
        """"Kharkiv, the regional capital": a description right after a name only repeats it."""
        text = self.sentences[i].text
        base = self.sentences[i].start
        ends = [m.span[1] for m in self.mentions[i] if m.span[1] <= d.start]
        return bool(ends) and bool(_APPOSITION_GAP.match(text[max(ends) - base: d.start - base]))


def unknown_list_names(sentence: Sentence, mentions: list[Mention], lex: Compiled) -> list[tuple[int, int]]:
    """Article spans of capitalised names the gazetteer does not know that sit in a list with known places."""
    text, base = sentence.text, sentence.start
    known = [(m.span[0] - base, m.span[1] - base) for m in mentions if base <= m.span[0] < sentence.end]
    if not known:
        return []
    items = [(s, e, True) for s, e in known]
    for m in _NAME.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in known) or _side_word(m.group(0), lex) \
                or m.group(0).split()[0].lower() in _NOT_NAMES:
            continue
        items.append((m.start(), m.end(), False))
    items.sort()
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int, bool]] = []
    for item in items + [(len(text) + 1, len(text) + 1, False)]:
        if run and item[0] <= len(text) and _LIST_GAP.fullmatch(text[run[-1][1]: item[0]]):
            run.append(item)
            continue
        if len(run) >= 2 and any(k for _, _, k in run):
            out += [(base + s, base + e) for s, e, k in run if not k]
        run = [item] if item[0] <= len(text) else []
    return out


def _side_word(name: str, lex: Compiled) -> bool:
    """Names that are actors, not places ("Russia", "Kyiv's", "ЗСУ")."""
    low = name.lower()
    return any(rx.fullmatch(low) for rx in (lex.ACTOR_RU, lex.ACTOR_UA, lex.ACTOR_ENEMY)) or low.endswith(("'s", "’s"))
