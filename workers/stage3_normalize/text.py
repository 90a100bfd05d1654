"""Script detection, key normalisation and tokenisation shared by the gazetteer and the matcher."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’ʼ`´‘ʻ\u02bc\u2019\u201d\u02b9"
_APOS_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_OTHER_LETTER_RE = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u0400-\u04ff]")
# A word: letters, with apostrophes allowed inside (Куп'янськ, Kup'yans'k).
_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])+"  # letters, with combining accents (Ові́діополь)
TOKEN_RE = re.compile(rf"{_LETTERS}(?:[{re.escape(APOSTROPHES)}]{_LETTERS})*")

_CYR_SKELETON = str.maketrans(
    {"ё": "е", "є": "е", "э": "е", "ї": "и", "і": "и", "ы": "и", "й": "и", "ґ": "г", "ь": None, "ъ": None}
)


def is_cyrillic(s: str) -> bool:
    """True when `s` contains Cyrillic letters."""
    return bool(_CYR_RE.search(s))


def is_latin(s: str) -> bool:
    """True when `s` contains Latin letters and no Cyrillic ones."""
    return bool(_LAT_RE.search(s)) and not _CYR_RE.search(s)


def is_name_script(s: str) -> bool:
    """True for strings written only in Latin or Cyrillic letters (plus spaces, hyphens, apostrophes)."""
    return not _OTHER_LETTER_RE.search(s) and (is_cyrillic(s) != bool(_LAT_RE.search(s)))


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lower-case; strip Latin diacritics and Cyrillic stress marks (keeps й, ї intact)."""
    low = s.lower()
    if low.isascii():
        return low
    if _CYR_RE.search(low):
        return low.replace("\u0301", "").replace("\u0300", "")
    decomposed = unicodedata.normalize("NFKD", low)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss").replace("ı", "i")


def norm(s: str) -> str:
    """The exact-match key of one word: folded, apostrophes removed, ё→е, ґ→г."""
    return _APOS_RE.sub("", fold(s)).replace("ё", "е").replace("ґ", "г")


def split_name(name: str) -> list[str]:
    """Split a place name into its words (spaces and hyphens separate words)."""
    return [w for w in re.split(r"[\s\-‐‑–]+", name.strip()) if w]


@lru_cache(maxsize=65536)
def latin_skeleton(word: str) -> str:
    """A looser key that merges common romanisation differences (y/i/j, ie/e, kh/h, double letters)."""
    s = norm(word)
    s = s.replace("kh", "h").replace("j", "i").replace("y", "i").replace("w", "v")
    s = re.sub(r"(.)\1+", r"\1", s)
    s = s.replace("ie", "e")
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=65536)
def cyr_skeleton(word: str) -> str:
    """A looser Cyrillic key that merges Ukrainian and Russian spellings (і/и/ы, є/е, soft signs)."""
    s = norm(word).translate(_CYR_SKELETON)
    return re.sub(r"(.)\1+", r"\1", s)


def skeleton(word: str) -> str:
    """The loose key of a word in either script."""
    return cyr_skeleton(word) if is_cyrillic(word) else latin_skeleton(word)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the text with its character span."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words of `text` with spans; an English possessive "'s" is left out of the word."""
    tokens = []
    for m in TOKEN_RE.finditer(text):
        s, e, w = m.start(), m.end(), m.group()
        if len(w) > 3 and w[-2] in APOSTROPHES and w[-1] in "sS" and not is_cyrillic(w):
            w, e = w[:-2], e - 2
        tokens.append(Token(w, s, e))
    return tokens


def is_capitalised(word: str) -> bool:
    """True when the word starts with an upper-case letter."""
    return word[:1].isupper()


def is_all_caps(word: str) -> bool:
    """True for words written entirely in capitals (datelines: MOSCOW/KHARKIV)."""
    return len(word) > 1 and word.isupper()
