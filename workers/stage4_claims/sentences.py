"""Sentence splitting for English, Ukrainian and Russian news text and liveblog lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period without ending the sentence (lowercase, without the period).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr gen lt col maj capt sgt cpl pte adm brig cmdr st no nos vs etc approx est dept
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k e.g i.e a.m p.m ft sq km
    ул вул г гг им т тис тыс млн млрд пгт смт обл р див см пор ген полк
    """.split()
)

# End punctuation, optional closing quotes/brackets, whitespace, then something that can start a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"”»’')\]]*\s+(?=[\"“«„'(\[—–-]?\s*[A-ZА-ЯЁІЇЄҐ0-9])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]+[\"”»’')\]]*\s*$")
MAX_SENTENCE_CHARS = 600  # longer "sentences" (lists, run-on text) are cut at clause breaks
_SOFT_BREAK = re.compile(r"[;:,]\s+|\s+[-–—]\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the main text: offsets [start, end) into it, its paragraph and whether it is the headline."""

    start: int
    end: int
    text: str
    paragraph: int
    index: int
    headline: bool


def _is_abbreviation(chunk: str) -> bool:
    """Tell whether the period that ends `chunk` belongs to an abbreviation or an initial."""
    m = _LAST_WORD.search(chunk)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single letter before the period is an initial ("Oleksandr S. Syrskyi"), unless it is a number.
    return len(word) == 1 and word.isalpha()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-blank lines of the text (each line is a paragraph or a liveblog line)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split the text into sentences; the first non-blank line is the headline."""
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(_paragraphs(text)):
        para = text[p_start:p_end]
        cut = 0
        for m in _BOUNDARY.finditer(para):
            piece_end = m.end()
            if _is_abbreviation(para[cut:piece_end]):
                continue
            _append(sentences, text, p_start + cut, p_start + piece_end, p_index)
            cut = piece_end
        _append(sentences, text, p_start + cut, p_end, p_index)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Add the trimmed sentence text[start:end] to `out` (cut into pieces when it is very long), unless empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        _append(out, text, start, cut, paragraph)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph, len(out), paragraph == 0))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence: the last clause break before `limit`, else the last space."""
    breaks = [m.end() for m in _SOFT_BREAK.finditer(text, start + MAX_SENTENCE_CHARS // 3, limit)]
    if breaks:
        return breaks[-1]
    space = text.rfind(" ", start + 1, limit)
    return space if space > start else limit
