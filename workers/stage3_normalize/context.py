"""Trap rules: the words around a matched name that make it a region, river, person, street or common word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workers.stage3_normalize import lexicon
from workers.stage3_normalize.oblasts import OBLASTS
from workers.stage3_normalize.text import APOSTROPHES, Token, is_capitalised, is_cyrillic, norm

_CONJUNCTIONS = {"and", "or", "та", "і", "й", "и", "или", "або", "&"}
_OPEN_QUOTES = "«\"“„‘'"
_CLOSE_QUOTES = "»\"”“’'"
_SENTENCE_END = ".!?:;…"
_RIVER_PREPOSITIONS = {"the", "через", "за", "вздовж", "вдоль", "над"}
_LOOKBACK_SKIP = {"of", "the", "a", "an"}
_PEOPLES_RE = re.compile(rf"\s+People(?:[{re.escape(APOSTROPHES)}]s|s)?\b")  # Donetsk People's Republic
_REGIONAL_RE = re.compile(r"\s+regional\b")  # "Kharkiv regional governor": the oblast's
_ADVERBS = {
    "вночі", "вдень", "зранку", "знову", "вчора", "сьогодні", "уранці", "вранці", "ввечері", "увечері", "тепер",
    "також", "досі", "нині", "навколо", "поблизу", "неподалік", "ночью", "утром", "вечером", "снова", "вчера",
    "сегодня", "тоже", "также", "около", "вблизи", "неподалеку", "зокрема", "частково", "повністю", "полностью",
}
_CYR_REGION_EXACT = {"обл", "край", "краю", "краї", "крае", "коса", "косі", "косу", "косе"}


@dataclass(frozen=True)
class Window:
    """The tokens of a text and the position of one candidate name [i, j) among them."""

    text: str
    tokens: list[Token]
    i: int
    j: int

    def prev(self, k: int = 1) -> Token | None:
        """The k-th token before the name, or None."""
        idx = self.i - k
        return self.tokens[idx] if idx >= 0 else None

    def next(self, k: int = 1) -> Token | None:
        """The k-th token after the name, or None."""
        idx = self.j - 1 + k
        return self.tokens[idx] if idx < len(self.tokens) else None

    def gap_before(self, idx: int) -> str:
        """Text between token idx-1 and token idx."""
        start = self.tokens[idx - 1].end if idx > 0 else 0
        return self.text[start : self.tokens[idx].start]

    @property
    def start(self) -> int:
        return self.tokens[self.i].start

    @property
    def end(self) -> int:
        return self.tokens[self.j - 1].end


def _same_phrase(gap: str) -> bool:
    """True when a gap between two words keeps them in one phrase (spaces, a hyphen)."""
    return "\n" not in gap and not re.search(r"[.,;:!?()«»\"“”]", gap)


def _is_region_word(word: str) -> bool:
    low = norm(word)
    if is_cyrillic(word):
        return low in _CYR_REGION_EXACT or low.startswith(lexicon.REGION_NOUNS_CYR_PREFIXES)
    return low in lexicon.REGION_NOUNS_LATIN


def region_usage(w: Window) -> bool:
    """"Kharkiv region", "Donetsk front", "Oskil river", "Donetsk People's Republic", "Donetsk and Luhansk regions"."""
    after = w.text[w.end : w.end + 30]
    if _PEOPLES_RE.match(after) or _REGIONAL_RE.match(after):
        return True
    k = w.j
    for _ in range(3):
        if k >= len(w.tokens) or not _same_phrase(w.gap_before(k).replace(",", "")):
            return False
        tok = w.tokens[k]
        if _is_region_word(tok.text):
            return True
        if norm(tok.text) == "area" and k + 1 < len(w.tokens) and _is_region_word(w.tokens[k + 1].text):
            return True
        # "Donetsk and Luhansk regions": skip a conjunction and the next capitalised name
        if norm(tok.text) in _CONJUNCTIONS and k + 1 < len(w.tokens) and is_capitalised(w.tokens[k + 1].text):
            k += 2
            continue
        if "," in w.gap_before(k) and is_capitalised(tok.text):
            k += 1
            continue
        return False
    return False


def region_of(w: Window) -> bool:
    """"the region of Kharkiv", "oblast of Kherson"."""
    p1, p2 = w.prev(1), w.prev(2)
    return bool(p1 and p2 and norm(p1.text) == "of" and norm(p2.text) in {"region", "oblast", "province"})


def river_usage(w: Window, river_named: bool) -> bool:
    """"river Dnipro", "берег Дніпра", "banks of the Oskil"; for river-named towns also "the Dnipro"."""
    p1 = w.prev(1)
    if p1 is None or not _same_phrase(w.gap_before(w.i)):
        return False
    n1 = w.next(1)
    if n1 is not None and norm(n1.text) in {"city", "місто", "міста", "город", "города"}:
        return False  # "the Dnipro city council"
    if river_named and norm(p1.text) in _RIVER_PREPOSITIONS:
        return True
    for k in (1, 2, 3):
        tok = w.prev(k)
        if tok is None or not _same_phrase(w.gap_before(w.i - k + 1)):
            return False
        low = norm(tok.text)
        if low in lexicon.RIVER_WORDS:
            return True
        if low not in _LOOKBACK_SKIP:
            return False
    return False


def person_usage(w: Window, given_names: frozenset[str]) -> bool:
    """"Mykola Shevchenko", "President Zelensky": a surname after a given name or a title."""
    p1 = w.prev(1)
    if p1 is None or not _same_phrase(w.gap_before(w.i)):
        return False
    low = norm(p1.text)
    if is_capitalised(p1.text) and low in given_names:
        return True
    return low in lexicon.TITLES


def speech_usage(w: Window) -> bool:
    """"Makarov said", "said Makarov", "Орехов заявил": the name of a speaker."""
    n1, p1 = w.next(1), w.prev(1)
    if n1 is not None:
        gap, verb = w.gap_before(w.j), norm(n1.text)
        if verb in lexicon.SPEECH_VERBS and _same_phrase(gap):
            return True
        if verb in lexicon.RELATIVE_PRONOUNS and _same_phrase(gap.replace(",", "")):  # "Makarov, who ..."
            return True
    # inverted attribution after a quote or a clause: '..." said Makarov', ', said Makarov.'
    if p1 is None or norm(p1.text) not in lexicon.SPEECH_BEFORE or not _same_phrase(w.gap_before(w.i)):
        return False
    return w.i >= 2 and bool(re.search(r"[,\"”»]", w.gap_before(w.i - 1)))


def given_name_usage(w: Window, given_names: frozenset[str]) -> bool:
    """The name is itself a given name followed by a surname (Volodymyr Zelensky)."""
    if w.j - w.i != 1 or norm(w.tokens[w.i].text) not in given_names:
        return False
    nxt = w.next(1)
    return bool(nxt and is_capitalised(nxt.text) and _same_phrase(w.gap_before(w.j)))


def street_usage(w: Window) -> bool:
    """"вулиця Шевченка", "вул. Шевченка", "on Shevchenko Street"."""
    p1 = w.prev(1)
    return p1 is not None and norm(p1.text) in lexicon.STREET_WORDS and _same_phrase(w.gap_before(w.i).replace(".", ""))


# Adjective case endings and the noun endings that agree with them (Головному управлінні).
_AGREEMENT = (
    (("ому", "ім"), ("і", "у", "ові", "еві", "ому", "ім")),
    (("ого", "его"), ("а", "я", "у", "ю", "ого", "его")),
    (("ій",), ("і", "ій")),
    (("ої",), ("и", "ї", "ої")),
    (("им", "ым"), ("ом", "ем", "им", "ям", "ым")),
    (("ською", "цькою", "зькою"), ("ою", "ею", "єю")),
    (("ські", "цькі", "зькі", "ские", "цкие"), ("и", "і", "ї", "ы", "е", "а", "я")),
)


def adjective_phrase(w: Window) -> bool:
    """A case form of an adjective-like name followed by a lower-case noun that agrees with it.

    "в Головному управлінні" is the Main Directorate, not the village Holovne; "Українські підрозділи"
    are Ukrainian units, not Ukrainsk.
    """
    if w.j - w.i != 1:
        return False
    word = norm(w.tokens[w.i].text)
    nxt = w.next(1)
    if nxt is None or not is_cyrillic(word) or is_capitalised(nxt.text) or not _same_phrase(w.gap_before(w.j)):
        return False
    noun = norm(nxt.text)
    if len(noun) < 4 or noun in _ADVERBS:
        return False
    for adj_endings, noun_endings in _AGREEMENT:
        if word.endswith(adj_endings) and noun.endswith(noun_endings):
            return True
    return False


def organisation_usage(w: Window) -> bool:
    """"the Kyiv Independent", "Shakhtar Donetsk": a capitalised media or club word next to the name."""
    n1, p1 = w.next(1), w.prev(1)
    if n1 is not None and is_capitalised(n1.text) and norm(n1.text) in lexicon.ORG_AFTER:
        return _same_phrase(w.gap_before(w.j))
    if p1 is not None and is_capitalised(p1.text) and norm(p1.text) in lexicon.ORG_BEFORE:
        return _same_phrase(w.gap_before(w.i))
    return False


def quoted_name(w: Window) -> bool:
    """The name is the whole content of quotation marks: an organisation, a plant, a club («Азот»)."""
    before = w.text[max(0, w.start - 1) : w.start]
    after = w.text[w.end : w.end + 1]
    return bool(before) and before in _OPEN_QUOTES and bool(after) and after in _CLOSE_QUOTES


def in_capitalised_phrase(w: Window) -> bool:
    """The name sits in a run of capitalised words (Human Rights Watch, Smile Train)."""
    p1, n1 = w.prev(1), w.next(1)
    before = (
        p1 is not None
        and is_capitalised(p1.text)
        and _same_phrase(w.gap_before(w.i))
        and not sentence_initial(Window(w.text, w.tokens, w.i - 1, w.i))
    )
    after = n1 is not None and is_capitalised(n1.text) and _same_phrase(w.gap_before(w.j))
    return before or after


def sentence_initial(w: Window) -> bool:
    """True when the name starts a sentence, a line or a quotation."""
    before = w.text[: w.start].rstrip(" \t\"'«“„‘([{`*_—–-")
    return not before or before[-1] in _SENTENCE_END or before.endswith("\n")


def _same_sentence(gap: str) -> bool:
    return "\n" not in gap and not re.search(r"[.!?;:]", gap)


def place_context(w: Window) -> bool:
    """A settlement noun shortly before ("the village of Peremoha", "у селі Дружба") or after (", a village"),
    a claim word right before ("liberation of Pryvillia"), or an oblast right after ("Урожайне на Донеччині")."""
    for k in (1, 2, 3):
        idx = w.i - k
        if idx < 0 or not _same_sentence(w.gap_before(idx + 1)):
            break
        if norm(w.tokens[idx].text) in lexicon.SETTLEMENT_NOUNS:
            return True
        if norm(w.tokens[idx].text) in lexicon.CLAIM_WORDS and _list_before(w, idx):
            return True
    for k in (1, 2, 3):
        idx = w.j - 1 + k
        if idx >= len(w.tokens) or not _same_sentence(w.gap_before(idx)):
            break
        if norm(w.tokens[idx].text) in lexicon.SETTLEMENT_NOUNS:
            return True
    return _region_after(w)


def _region_after(w: Window) -> bool:
    """"Урожайне на Донеччині", "Lyman in Donetsk region": a place located in an oblast right after its name."""
    n1, n2 = w.next(1), w.next(2)
    if n1 is None or n2 is None or norm(n1.text) not in {"на", "у", "в", "in"}:
        return False
    return norm(n2.text).startswith(_region_stems())


@lru_cache(maxsize=1)
def _region_stems() -> tuple[str, ...]:
    return tuple(norm(s) for o in OBLASTS for s in o.region_stems + o.adjective_stems)


def _list_before(w: Window, idx: int) -> bool:
    """The words between token idx and the name are "of" or other names of a list ("over Bilohorivka and")."""
    between = w.tokens[idx + 1 : w.i]
    return all(norm(t.text) in _CONJUNCTIONS or norm(t.text) == "of" or is_capitalised(t.text) for t in between)


@lru_cache(maxsize=1)
def _blocked_patterns() -> list[re.Pattern[str]]:
    phrases = lexicon.RIVER_PHRASE_PATTERNS + lexicon.ORGANISATION_PHRASE_PATTERNS
    return [re.compile(lexicon.TAG_LINE_PATTERN)] + [re.compile(p) for p in phrases]


def blocked_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges never searched for names: tag lines, two-word river names, organisation names."""
    return [(m.start(), m.end()) for p in _blocked_patterns() for m in p.finditer(text)]


def title_case_line(text: str, start: int) -> bool:
    """True when the line around `start` is a Title Case headline (most words capitalised)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    words = [x for x in re.findall(r"[^\W\d_]+", line) if len(x) > 3]
    return len(words) >= 4 and sum(1 for x in words if x[0].isupper()) >= 0.75 * len(words)


# "Serhiivka, a resort village south-west of Odesa", "Яковлевка и Подгородное к северо-востоку и к югу от Соледара",
# "Ямполь под Северском": a name placed relative to another name of the same sentence (the gap between them)
_DIRECTIONS_EN = r"(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?"
_DIRECTIONS_UK = r"(?:північ|південь|схід|захід|північний\s+схід|північний\s+захід|південний\s+схід|південний\s+захід)"
_DIRECTIONS_RU = (
    r"(?:северу|югу|востоку|западу|северо-востоку|северо-западу|юго-востоку|юго-западу)"
)
_DISTANCE = (
    r"(?:(?:about|some|around|just|близько|майже|около|примерно|почти)\s+)?\d+\s*(?:km|kilometres|kilometers|miles|км"
    r"|кілометр\w*|километр\w*)"
)
_LOCATED_GAP = re.compile(
    r"^(?:\s*,\s*(?:(?:a|an|the)\s+)?(?:[^\W\d_][\w'’-]*\s+){0,5}?|\s+)"  # an apposition: ", a resort village"
    r"(?:(?:" + _DISTANCE + r"\s+(?:to\s+the\s+)?)?"
    r"(?:(?:" + _DIRECTIONS_EN + r")\s+of|near|outside|close\s+to|not\s+far\s+from)"
    r"|(?:" + _DISTANCE + r"\s+)?(?:на\s+" + _DIRECTIONS_UK + r"(?:\s+(?:і|та)\s+на\s+" + _DIRECTIONS_UK + r")*\s+від"
    r"|під|біля|поблизу|неподалік(?:\s+від)?|поруч\s+із)"
    r"|(?:" + _DISTANCE + r"\s+)?(?:к\s+" + _DIRECTIONS_RU + r"(?:\s+и\s+к\s+" + _DIRECTIONS_RU + r")*\s+от"
    r"|под|близ|возле|рядом\s+с|недалеко\s+от)"
    r"|" + _DISTANCE + r"\s+(?:from|від|от))"
    r"\s+(?:the\s+(?:town|city|village)\s+of\s+|(?:міста|села|селища|города|поселка)\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"^\s*(?:,\s*)?(?:(?:and|і|й|та|и)\s+)?$|^\s*,\s*$", re.IGNORECASE)


def located_near(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(located, target) index pairs into `spans` (text order): the target is the place the text puts the located
    one near ("Serhiivka, a resort village south-west of Odesa"); every item of a list before the phrase counts."""
    out: list[tuple[int, int]] = []
    for t in range(1, len(spans)):
        k = t - 1
        gap = text[spans[k][1] : spans[t][0]]
        if len(gap) > 90 or "\n" in gap or re.search(r"[.;:!?]", gap) or not _LOCATED_GAP.match(gap):
            continue
        out.append((k, t))
        while k > 0 and _LIST_GAP.match(text[spans[k - 1][1] : spans[k][0]]):
            k -= 1
            out.append((k, t))
    return out


# The kind a text gives a name: "Oleksandrivka, a village south of Marinka", "the town of Makariv", "село Оскіл"
_KIND_WORDS = {
    "village": "village", "hamlet": "village", "town": "town", "city": "city",
    "село": "village", "села": "village", "селі": "village", "селом": "village", "селу": "village",
    "деревня": "village", "деревни": "village", "деревне": "village", "деревню": "village",
    # a Ukrainian "місто" (Russian "город") is a legal status that towns of 5,000 already have
    "місто": "city_uk", "міста": "city_uk", "місті": "city_uk", "містом": "city_uk",
    "город": "city_uk", "города": "city_uk", "городе": "city_uk", "городом": "city_uk",
}
_KIND_AFTER = re.compile(
    r"^\s*,\s*(?:a|an|the)\s+(?:[^\W\d_][\w-]*\s+){0,3}?(village|hamlet|town|city)\b", re.IGNORECASE
)
_KIND_BEFORE = re.compile(
    r"\b(?:the\s+(?:[^\W\d_][\w-]*\s+){0,2}?(village|hamlet|town|city)\s+of"
    r"|(села|село|селі|селом|селу|деревня|деревни|деревне|деревню|місто|міста|місті|містом|город|города|городе"
    r"|городом))"
    r"\s+$",
    re.IGNORECASE,
)


def given_kind(text: str, start: int, end: int) -> str | None:
    """The kind of place the text says a name is: village, town or city, or None."""
    m = _KIND_AFTER.match(text[end : end + 60]) or _KIND_BEFORE.search(text[max(0, start - 40) : start])
    if not m:
        return None
    word = next(g for g in m.groups() if g)
    return _KIND_WORDS.get(word.lower())
