"""Text repair and normalisation: mojibake, control characters, quotes, whitespace.

What the emitted text changes with respect to the source (and nothing else):

1. `repair()`: ftfy fixes mojibake ("Itâ€™s" -> "It’s"), HTML entities left in plain text,
   line-break characters and control characters (NFC normalisation).
2. `normalize_line()`: typographic quotes and apostrophes become ASCII (’ ‘ ʼ -> ', “ ” „ « » -> "),
   exotic spaces become a plain space, soft hyphens and zero-width spaces disappear,
   runs of whitespace collapse to one space, the line is stripped.

Every replacement in step 2 is one character for one character, apart from deleted invisible
characters and collapsed whitespace. The emitted text is the reference later stages quote from
and compute offsets in; to find a quote of the emitted text in an original page (for display),
use `locate()`, which tolerates exactly the differences of step 2.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u02bc\u02bb\u2032\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"

_TRANSLATE = str.maketrans(
    {
        **{c: "'" for c in _SINGLE_QUOTES},
        **{c: '"' for c in _DOUBLE_QUOTES},
        **{c: " " for c in _SPACES},
        **{c: None for c in _INVISIBLE},
    }
)
_MULTISPACE = re.compile(r" {2,}")
# C0 control characters other than tab, newlines, vertical tab and form feed (C1 is left to
# ftfy, which may need it to repair Windows-1252 mojibake).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


@lru_cache(maxsize=1)
def _ftfy_config() -> ftfy.TextFixerConfig:
    """ftfy settings: repair encodings, keep quotes (we fold them ourselves), no explanations."""
    return ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)


def strip_controls(text: str) -> str:
    """Remove NUL and other control characters that break parsers (keeps tab and newlines)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def repair(text: str) -> str:
    """Fix mojibake and odd Unicode with ftfy; unify line breaks."""
    text = _LINE_BREAKS.sub("\n", text)
    if text.isascii() and "&" not in text:  # nothing for ftfy to do (controls are stripped earlier)
        return text
    return ftfy.fix_text(text, _ftfy_config())


def normalize_line(line: str) -> str:
    """Fold quotes and spaces, drop invisible characters, collapse whitespace, strip."""
    line = line.translate(_TRANSLATE)
    if "  " in line:
        line = _MULTISPACE.sub(" ", line)
    return line.strip()


def normalize_paragraphs(lines: list[str]) -> list[str]:
    """Normalise each paragraph; drop the ones left empty."""
    out = []
    for line in lines:
        norm = normalize_line(line)
        if norm:
            out.append(norm)
    return out


def join_broken_lines(paragraphs: list[str], protect: int = 0) -> list[str]:
    """Join a line that stops mid-sentence (letter, digit or comma) to a next line starting in lower case.

    Nothing is joined onto the first `protect` paragraphs (the headline).
    """
    out: list[str] = []
    for para in paragraphs:
        if len(out) > protect and para[:1].islower() and (out[-1][-1:].isalnum() or out[-1][-1:] == ","):
            out[-1] = f"{out[-1]} {para}"
        else:
            out.append(para)
    return out


def same_text(a: str, b: str) -> bool:
    """Whether two short strings are the same text up to case, quotes and whitespace."""
    return _key(a) == _key(b)


def starts_with_text(text: str, prefix: str) -> bool:
    """Whether `text` starts with `prefix` up to case, quotes, whitespace and trailing punctuation."""
    key = _key(prefix).rstrip(" .:;,!?-")
    return bool(key) and _key(text[: len(prefix) + 40]).startswith(key)


def _key(s: str) -> str:
    return normalize_line(s.replace("\n", " ")).casefold()


_QUOTE_CLASS = {"'": "['" + _SINGLE_QUOTES + "]", '"': '["' + _DOUBLE_QUOTES + "]"}
_INVISIBLE_OPT = "[" + _INVISIBLE + "]*"


def locate(quote: str, original: str) -> tuple[int, int] | None:
    """Offsets [start, end) of `quote` (a piece of emitted text) in the original text, or None."""
    parts: list[str] = []
    for ch in quote:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        else:
            parts.append(_QUOTE_CLASS.get(ch, re.escape(ch)))
    if not parts:
        return None
    match = re.search(_INVISIBLE_OPT.join(parts), original)
    return (match.start(), match.end()) if match else None
