"""Text features for dedup: normalised words, the body a republisher keeps, shingles, fingerprint.

Normalisation folds what a republisher changes without changing the story: Unicode form,
case, punctuation, quotes and whitespace. Words are runs of letters and digits, so
"Kupiansk's" and "Kupiansk’s" give the same words.

Shingles are taken inside paragraphs only (never across a paragraph break), so a copy with
its paragraphs reordered has the same shingles. The headline (the first paragraph, by the
extraction stage's convention) and short lines (datelines, credits such as "(East Review)")
are left out of the shingles: republishers rewrite them first.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np

_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
_SEED = np.uint64(0x243F6A8885A308D3)
_MIX = np.uint64(0x94D049BB133111EB)


def words(text: str) -> list[str]:
    """The normalised words of `text`: NFKC, casefolded, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold().replace("_", " "))


def paragraphs(text: str) -> tuple[list[str], list[list[str]]]:
    """The paragraphs (lines) of `text` that hold words, and the normalised words of each."""
    raw, folded = [], []
    for p in _PARAGRAPH_BREAK.split(text):
        w = words(p)
        if w:
            raw.append(p)
            folded.append(w)
    return raw, folded


def fingerprint(paras: list[list[str]]) -> str:
    """sha256 (hex) of the normalised words, paragraph breaks included (see `paragraphs`)."""
    return hashlib.sha256("\n".join(" ".join(p) for p in paras).encode("utf-8")).hexdigest()


def body_indices(paras: list[list[str]], title: str | None = None, min_words: int = 5) -> list[int]:
    """Which paragraphs carry the story: not the headline, the title or short lines.

    The first paragraph is left out when another follows (it is the headline); so is any
    paragraph equal to `title`, and any under `min_words` words. If that leaves nothing, every
    paragraph counts, so a one-line article still has shingles.
    """
    title_words = words(title) if title else None
    first = 1 if len(paras) > 1 else 0
    kept = [i for i in range(first, len(paras)) if paras[i] != title_words and len(paras[i]) >= min_words]
    return kept or list(range(len(paras)))


def shingle_hashes(paras: list[list[str]], size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the word `size`-grams inside each paragraph (stable across processes).

    A paragraph shorter than `size` words counts as one shingle.
    """
    flat = [w for p in paras for w in p]
    n = len(flat)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    vocab = dict.fromkeys(flat)
    codes = {w: zlib.crc32(w.encode("utf-8")) for w in vocab}
    wh = np.fromiter(map(codes.__getitem__, flat), dtype=np.uint64, count=n)
    parts: list[np.ndarray] = []
    if n >= size:
        pid = np.repeat(np.arange(len(paras)), [len(p) for p in paras])
        m = n - size + 1
        parts.append(_fold([wh[j : j + m] for j in range(size)])[pid[:m] == pid[size - 1 :]])
    start = 0
    for p in paras:
        if len(p) < size:
            parts.append(_fold([wh[start + j : start + j + 1] for j in range(len(p))]))
        start += len(p)
    return np.unique(np.concatenate(parts))


def _fold(columns: list[np.ndarray]) -> np.ndarray:
    """Mix word-hash columns, position by position, into 32-bit shingle hashes."""
    h = np.full(columns[0].shape, _SEED, dtype=np.uint64)
    for col in columns:
        h ^= col
        h *= _MIX
        h ^= h >> np.uint64(29)
    return (h >> np.uint64(32)).astype(np.uint32)
