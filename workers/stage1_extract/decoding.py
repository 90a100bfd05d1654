"""Bytes that were not UTF-8 -> text: BOM, declared charset, UTF-16 sniffing, legacy code pages."""

from __future__ import annotations

import codecs
import re
from collections import Counter

# Legacy single-byte code pages tried in this order (earlier wins a tie): Cyrillic first,
# since that is what this project's sources use, then Western and Central European.
LEGACY_CANDIDATES: tuple[str, ...] = (
    "cp1251",
    "koi8-r",
    "koi8-u",
    "cp1252",
    "iso-8859-5",
    "mac-cyrillic",
    "cp866",
    "cp1250",
)
DECLARED_BONUS = 0.1  # head start of the charset a page declares over the guessed ones
MIN_QUALITY = 0.5  # below this share of well-formed words the bytes are called undecodable
_SAMPLE = 32_768

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{2,40})""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_:.\-]{2,40})""", re.I)
# WHATWG: these labels mean windows-1252 in practice; UTF-16 in a meta tag of an ASCII page means UTF-8.
_LABEL_ALIASES = {"latin_1": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252", "utf-16": "utf-8"}
_WORD = re.compile(r"[^\W\d_]+")
# Control characters, replacement and private-use characters, and box-drawing/block pseudographics
# (what Cyrillic decoded with the wrong DOS/KOI8 table turns into).
_BAD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\u2500-\u259f]")
_TAGS = re.compile(r"<[^>]{0,2000}>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_COMMON_CYRILLIC = re.compile(r"[оеаинтсрвлкмдпуяыіь]")
_COMMON_LATIN = re.compile(r"[etaoinshrdlucm]")


def declared_charset(data: bytes) -> str | None:
    """The codec named by an HTML meta tag or XML declaration near the top of the page, if known."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return _LABEL_ALIASES.get(name, name)


def quality(text: str) -> float:
    """How much `text` looks like real writing: share of well-formed words, minus junk characters."""
    chunk = text[: 8 * _SAMPLE]
    if "<" in chunk:  # markup and scripts are ASCII in every candidate: score the prose only
        chunk = _TAGS.sub(" ", _SCRIPTS.sub(" ", chunk))
    sample = chunk[:_SAMPLE]
    if not sample.strip():
        return 0.0
    bad = len(_BAD.findall(sample)) / len(sample)
    words = _WORD.findall(sample)
    total = sum(map(len, words))
    if total == 0:
        return -10.0 * bad
    good = sum(len(w) for w in words if _well_formed(w))
    lower = sample.lower()
    cyr = len(_CYRILLIC.findall(lower))
    common = len(_COMMON_CYRILLIC.findall(lower)) + len(_COMMON_LATIN.findall(lower))
    stray = 0.1 if cyr and cyr < total * 0.05 else 0.0  # a few Cyrillic letters in Latin text: misdecoded
    return good / total + 0.25 * common / total - 10.0 * bad - stray


def _well_formed(word: str) -> bool:
    """lower, Capitalised or UPPER, and one script only (Latin, Cyrillic, or other)."""
    caseless = word.lower() == word.upper()
    if not (caseless or word.islower() or word.isupper() or word.istitle()):
        return False
    if word.isascii():
        return True
    first = _script(word[0])
    return all(_script(ch) == first for ch in word)


def _script(ch: str) -> str:
    if ch < "\u0250":
        return "latin"
    if "\u0400" <= ch <= "\u052f":
        return "cyrillic"
    if "\u0370" <= ch <= "\u03ff":
        return "greek"
    return "other"


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a Latin-1 character pasted into a UTF-8 page): keep it as UTF-8."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - broken
    return text if 0 < 10 * broken <= multibyte and quality(text) >= MIN_QUALITY else None


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without BOM: the high bytes (one parity) take only a few values, the low bytes many."""
    sample = data[: 4096 - 4096 % 2]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if _concentrated(odd) and not _concentrated(even):
        return "utf-16-le"
    if _concentrated(even) and not _concentrated(odd):
        return "utf-16-be"
    return None


def _concentrated(values: bytes) -> bool:
    """Three byte values make up 90 % of the sequence."""
    return sum(count for _, count in Counter(values).most_common(3)) >= 0.9 * len(values)


def decode_bytes(data: bytes, html: bool = False) -> str | None:
    """Decode bytes of unknown encoding sensibly; None when no encoding gives plausible text.

    Order: a BOM; valid UTF-8 (non-ASCII UTF-8 is almost never valid by accident); UTF-16
    without BOM; UTF-8 with a few stray bytes; then the page's declared charset (HTML) and the
    legacy code pages, scored by `quality`, the declared one with a head start of 0.1 so that a
    page mislabelled windows-1252 but written in windows-1251 is still read right.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data, codec)
            if text is not None:
                return text
    text = _try(data, "utf-8")
    if text is not None and quality(text) >= MIN_QUALITY:
        return text
    wide = _utf16_guess(data)
    if wide:
        text = _try(data, wide)
        if text is not None and quality(text) >= MIN_QUALITY:
            return text
    text = _mostly_utf8(data)
    if text is not None:
        return text
    declared = declared_charset(data) if html else None
    candidates = ([declared] if declared and declared != "utf-8" else []) + [c for c in LEGACY_CANDIDATES if c != declared]
    best, best_score, best_q = None, float("-inf"), float("-inf")
    for codec in candidates:
        text = _try(data, codec)
        if text is None:
            continue
        q = quality(text)
        score = q + (DECLARED_BONUS if codec == declared else 0.0)
        if score > best_score + 1e-9:
            best, best_score, best_q = text, score, q
    if best_q < 0.9:
        guess = _charset_normalizer_guess(data)
        if guess is not None and quality(guess) > best_q:
            best, best_q = guess, quality(guess)
    return best if best is not None and best_q >= MIN_QUALITY else None


def _charset_normalizer_guess(data: bytes) -> str | None:
    """Last resort for multi-byte legacy encodings (Shift-JIS, GBK, EUC-KR...)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - trafilatura depends on it
        return None
    match = from_bytes(data[:_SAMPLE]).best()
    if match is None or match.encoding is None:
        return None
    text = _try(data, match.encoding)
    return text if text is not None and quality(text) >= MIN_QUALITY else None
