"""Names and figures of an article: what a republication keeps and a templated bulletin changes.

Two daily bulletins written from one template ("Russian forces shelled X and Y; N civilians were
killed") share most of their shingles but not their places, people and numbers, and the second
one is news. The key terms of a text are its capitalised words and its numbers, casefolded; an
article's set is stored as a 1024-bit Bloom filter (two bits per term), and `share_known` tells
which part of a new article's terms an earlier one already had.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import zlib
from collections.abc import Iterable, Set

BITS = 1024
_TOKEN = re.compile(r"\w+")


def key_terms(paragraphs: list[str]) -> set[str]:
    """Capitalised words and numbers of the paragraphs, casefolded."""
    terms: set[str] = set()
    for p in paragraphs:
        for tok in _TOKEN.findall(unicodedata.normalize("NFKC", p)):
            if tok[0].isupper() or any(c.isdigit() for c in tok):
                terms.add(tok.casefold())
    return terms


def _bits(term: str) -> tuple[int, int]:
    h = zlib.crc32(term.encode("utf-8"))
    return h % BITS, (h >> 16 ^ h * 0x9E37) % BITS


def bloom(terms: Iterable[str]) -> int:
    """The Bloom filter of `terms` as a BITS-bit integer."""
    f = 0
    for t in terms:
        a, b = _bits(t)
        f |= (1 << a) | (1 << b)
    return f


def share_known(terms: Set[str], known: int) -> float:
    """Share of `terms` the filter `known` holds (1.0 for no terms); Bloom false positives only raise it."""
    if not terms:
        return 1.0
    hits = 0
    for t in terms:
        a, b = _bits(t)
        hits += (known >> a) & (known >> b) & 1
    return hits / len(terms)


def encode(f: int) -> str:
    """Base64 of the filter (172 characters)."""
    return base64.b64encode(f.to_bytes(BITS // 8, "little")).decode("ascii")


def decode(text: str) -> int:
    """Inverse of `encode`; ValueError unless it holds exactly BITS bits."""
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) != BITS // 8:
        raise ValueError(f"filter has {len(raw) * 8} bits, expected {BITS}")
    return int.from_bytes(raw, "little")
