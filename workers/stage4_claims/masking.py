"""A sentence as the matcher sees it: normalised, lowercased, each settlement mention replaced by ⟨k⟩.

Names of a list that the gazetteer does not know ("Yasnobrodivka, Keramik and Zalizne") become ⟨?⟩:
they carry a list on to the places that are known, and are never claimed themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workers.records import Mention
from workers.stage4_claims.patterns import Compiled, compiled
from workers.stage4_claims.places import Link, name_link

_CHAR_MAP = str.maketrans(
    {
        "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
        "–": "-", "—": "-", "―": "-", "‑": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
        "ё": "е", "Ё": "Е",
    }
)
PLACEHOLDER = re.compile(r"⟨(\d+|\?)⟩")
_SPACES = re.compile(r"[ \t]+")
_QUOTE_MARK = re.compile(r"(?<![^\W\d_])'|'(?![^\W\d_])")  # a single quote that is not an apostrophe
UNKNOWN = "⟨?⟩"


@dataclass
class MaskedSentence:
    """The normalised sentence text with placeholders, and the mentions they stand for."""

    text: str
    mentions: list[Mention]
    positions: list[tuple[int, int]]  # placeholder k spans text[positions[k][0]:positions[k][1]]
    surfaces: list[str]  # lowercase surface of mention k
    links: list[Link] = field(default_factory=list)  # how mention k names its settlement
    lex: Compiled = field(default_factory=compiled)
    anchors: list[tuple[int, int]] = field(default_factory=list)  # (masked offset, sentence offset) per chunk
    cache: dict[str, object] = field(default_factory=dict)  # per-sentence results computed once (actor words)

    def source_offset(self, pos: int) -> int:
        """The offset in the original sentence of masked offset `pos` (chunk starts are exact, the rest close)."""
        best = (0, 0)
        for masked, original in self.anchors:
            if masked > pos:
                break
            best = (masked, original)
        return best[1] + (pos - best[0])


def normalise(text: str) -> str:
    """Unify quotes, dashes, apostrophes and spaces, and lowercase."""
    return _SPACES.sub(" ", text.translate(_CHAR_MAP)).lower()


def unify(text: str) -> str:
    """Unify quotes, dashes and apostrophes, keeping case and length."""
    return text.translate(_CHAR_MAP)


def _unquote(text: str) -> str:
    """Unify characters and blank out quote marks (scare quotes hide verbs), keeping the length."""
    plain = text.translate(_CHAR_MAP).replace('"', " ").replace("⟨", "<").replace("⟩", ">")  # keep ⟨k⟩ ours
    return _QUOTE_MARK.sub(" ", plain)


def _chunk(text: str) -> str:
    """Lowercase a stretch of unquoted text between mentions and collapse its spaces."""
    return _SPACES.sub(" ", text).lower()


def mask_sentence(text: str, offset: int, mentions: list[Mention], lex: Compiled | None = None,
                  ghosts: list[tuple[int, int]] | None = None, links: dict[int, Link] | None = None
                  ) -> MaskedSentence:
    """Mask the mentions that lie inside text (which starts at `offset` in the article).

    `ghosts` are article spans of unknown list names, masked as ⟨?⟩; `links` tells, by the mention's
    start, how a mention was found when it is no name (a description).
    """
    plain = _unquote(text)
    inside = [(m.span[0], m.span[1], m) for m in mentions if m.span[0] >= offset and m.span[1] <= offset + len(text)]
    inside += [(s, e, None) for s, e in ghosts or () if s >= offset and e <= offset + len(text)]
    inside.sort(key=lambda x: x[0])
    parts: list[str] = []
    kept: list[Mention] = []
    positions: list[tuple[int, int]] = []
    surfaces: list[str] = []
    found_links: list[Link] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    cursor = 0
    length = 0
    for start, end, m in inside:
        s, e = start - offset, end - offset
        if s < cursor:  # overlapping mentions: keep the first
            continue
        while e < len(text) and text[e].isalpha():  # a case ending left outside the span
            e += 1
        chunk = _chunk(plain[cursor:s])
        parts.append(chunk)
        length += len(chunk)
        token = UNKNOWN if m is None else f"⟨{len(kept)}⟩"
        if parts and chunk and chunk[-1].isalnum():  # keep the placeholder a separate word
            parts.append(" ")
            length += 1
        anchors.append((length, s))
        if m is not None:
            positions.append((length, length + len(token)))
            kept.append(m)
            surfaces.append(normalise(text[s:e]))
            found_links.append((links or {}).get(m.span[0]) or name_link(m))
        parts.append(token)
        length += len(token)
        anchors.append((length, e))
        cursor = e
    parts.append(_chunk(plain[cursor:]))
    return MaskedSentence("".join(parts), kept, positions, surfaces, found_links, lex or compiled(), anchors)
