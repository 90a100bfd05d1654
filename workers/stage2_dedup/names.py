"""Names and figures of an article: what a republication keeps and a templated bulletin changes.

Two daily bulletins written from one template ("Russian forces shelled X and Y; N civilians were
killed") share most of their shingles but not their places, people and numbers, and the second
one is news. The key terms of a text are its capitalised words and its numbers, casefolded; an
article keeps them as a sorted array of 32-bit hashes, so the check works both ways: which part of
a later article's terms an earlier one has, whichever of the two arrived first.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import zlib

import numpy as np

_TOKEN = re.compile(r"\w+")


def key_terms(paragraphs: list[str]) -> set[str]:
    """Capitalised words and numbers of the paragraphs, casefolded."""
    terms: set[str] = set()
    for p in paragraphs:
        for tok in _TOKEN.findall(unicodedata.normalize("NFKC", p)):
            if tok[0].isupper() or any(c.isdigit() for c in tok):
                terms.add(tok.casefold())
    return terms


def term_hashes(terms: set[str] | frozenset[str]) -> np.ndarray:
    """The terms as a sorted array of distinct 32-bit hashes."""
    return np.unique(np.fromiter((zlib.crc32(t.encode("utf-8")) for t in terms), dtype=np.uint32, count=len(terms)))


def share_known(terms: np.ndarray, known: np.ndarray) -> float:
    """Share of `terms` (hashes) that `known` (hashes) holds; 1.0 when there are no terms."""
    if terms.size == 0:
        return 1.0
    return float(np.isin(terms, known, assume_unique=True).sum()) / terms.size


def encode(hashes: np.ndarray) -> str:
    """Base64 of the little-endian uint32 hashes."""
    return base64.b64encode(hashes.astype("<u4").tobytes()).decode("ascii")


def decode(text: str) -> np.ndarray:
    """Inverse of `encode`; ValueError unless it holds whole 32-bit values."""
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) % 4:
        raise ValueError(f"{len(raw)} bytes is not a whole number of 32-bit hashes")
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)
