"""A sentence as the matcher sees it: normalised, lowercased, each settlement mention replaced by ⟨k⟩."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workers.records import Mention

_CHAR_MAP = str.maketrans(
    {
        "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
        "–": "-", "—": "-", "―": "-", "‑": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
        "ё": "е", "Ё": "Е",
    }
)
PLACEHOLDER = re.compile(r"⟨(\d+)⟩")
_SPACES = re.compile(r"[ \t]+")
_QUOTE_MARK = re.compile(r"(?<![^\W\d_])'|'(?![^\W\d_])")  # a single quote that is not an apostrophe


@dataclass
class MaskedSentence:
    """The normalised sentence text with placeholders, and the mentions they stand for."""

    text: str
    mentions: list[Mention]
    positions: list[tuple[int, int]]  # placeholder k spans text[positions[k][0]:positions[k][1]]
    surfaces: list[str]  # lowercase surface of mention k
    cache: dict[str, object] = field(default_factory=dict)  # per-sentence results computed once (actor words)


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


def mask_sentence(text: str, offset: int, mentions: list[Mention]) -> MaskedSentence:
    """Mask the mentions that lie inside text (which starts at `offset` in the article)."""
    plain = _unquote(text)
    inside = sorted(
        (m for m in mentions if m.span[0] >= offset and m.span[1] <= offset + len(text)),
        key=lambda m: m.span[0],
    )
    parts: list[str] = []
    kept: list[Mention] = []
    positions: list[tuple[int, int]] = []
    surfaces: list[str] = []
    cursor = 0
    length = 0
    for m in inside:
        s, e = m.span[0] - offset, m.span[1] - offset
        if s < cursor:  # overlapping mentions: keep the first
            continue
        while e < len(text) and text[e].isalpha():  # a case ending left outside the span
            e += 1
        chunk = _chunk(plain[cursor:s])
        parts.append(chunk)
        length += len(chunk)
        token = f"⟨{len(kept)}⟩"
        # keep the placeholder a separate word
        if parts and chunk and chunk[-1].isalnum():
            parts.append(" ")
            length += 1
        positions.append((length, length + len(token)))
        parts.append(token)
        length += len(token)
        kept.append(m)
        surfaces.append(normalise(text[s:e]))
        cursor = e
    parts.append(_chunk(plain[cursor:]))
    return MaskedSentence("".join(parts), kept, positions, surfaces)
