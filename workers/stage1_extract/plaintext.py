"""Plain-text path: headline, article paragraphs, and reader comments set apart.

The text is read line by line as a small state machine:

- article: lines are kept; a related-links box ('Read next', 'More on this story') and its link
  titles, share buttons and subscribe pitches are dropped;
- a comment-section header ('15 thoughts on ...', '23 comments', 'Leave a Reply',
  'Comments are closed'), a tag line ('Tags: ...', 'Posted in X | 41 comments') once the article
  has begun, a trailing numbered/indented reply thread, or a run of 'X says:' author lines
  ends the article: everything after it is comments (minus comment-form furniture).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workers.stage1_extract import sections as S
from workers.stage1_extract.textclean import join_broken_lines, normalize_line

HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 30
SUBSTANTIAL_CHARS = 150  # article text needed before a tag line / comment header may end the article
BOX_MAX_LINES = 12


@dataclass
class PlainExtraction:
    """Article paragraphs (headline first when there is one), headline, and reader comments."""

    paragraphs: list[str]
    title: str | None = None
    comments: list[str] = field(default_factory=list)


@dataclass
class _Line:
    raw: str
    text: str  # normalised
    indent: int

    @property
    def blank(self) -> bool:
        return not self.text


def extract_plain(text: str) -> PlainExtraction:
    """Split a repaired plain-text article into headline, paragraphs and comments."""
    lines = [_Line(raw, normalize_line(raw), len(raw) - len(raw.lstrip(" \t"))) for raw in text.split("\n")]
    cut = _structural_cut(lines)
    article, comment_lines = _scan(lines, cut)
    paragraphs = _paragraphs(article)
    title = _headline(paragraphs)
    return PlainExtraction(paragraphs=paragraphs, title=title, comments=_comments(comment_lines))


def _scan(lines: list[_Line], cut: int | None) -> tuple[list[_Line], list[_Line]]:
    """Walk the lines: keep article lines, drop furniture, send the tail after a section break to comments."""
    article: list[_Line] = []
    comments: list[_Line] = []
    in_comments = False
    box_left = 0
    first = _first_content(lines)
    for i, line in enumerate(lines):
        if cut is not None and i >= cut:
            in_comments = True
        if in_comments:
            comments.append(line)
            continue
        if line.blank:
            article.append(line)
            continue
        t = line.text
        if i != first and (S.is_comment_header(t) or S.is_tag_line(t)):
            if _substantial(article, first):
                in_comments = True
            continue  # the header / tag line itself is never text
        if box_left and not S.is_prose(t):
            box_left -= 1
            continue
        box_left = 0
        is_box, inline = S.box_header(t)
        if is_box and i != first:
            if inline is None:
                box_left = BOX_MAX_LINES
            continue
        if S.is_share_line(t) or S.is_promo_line(t):
            continue
        article.append(line)
    return article, comments


def _first_content(lines: list[_Line]) -> int:
    return next((i for i, line in enumerate(lines) if not line.blank), -1)


def _substantial(article: list[_Line], first: int) -> bool:
    """Enough article text (beyond the headline) for a section break to end it."""
    body = [line.text for line in article if not line.blank]
    if body and first >= 0 and len(body[0]) <= HEADLINE_MAX_CHARS and not S.ends_sentence(body[0]):
        body = body[1:]
    return sum(len(t) for t in body) >= SUBSTANTIAL_CHARS or len(body) >= 3


def _structural_cut(lines: list[_Line]) -> int | None:
    """Start of a comment thread recognised by shape alone, without a header; None if there is none."""
    return _trailing_thread(lines) or _says_run(lines)


def _trailing_thread(lines: list[_Line]) -> int | None:
    """A trailing region of indented lines with list marks on two or more indent levels."""
    start = len(lines)
    marks: set[int] = set()
    marked = 0
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.blank or S.is_comment_header(line.text) or S.is_comment_junk(line.text):
            continue
        if line.indent < 2:
            break
        start = i
        if S.LIST_MARK.match(line.raw):
            marks.add(line.indent)
            marked += 1
    if marked >= 2 and len(marks) >= 2 and start < len(lines):
        while start > 0 and lines[start - 1].blank:
            start -= 1
        return start if _has_article_before(lines, start) else None
    return None


def _says_run(lines: list[_Line]) -> int | None:
    """'Name says:' author lines: three of them, or two with one indented (a reply)."""
    hits = [i for i, line in enumerate(lines) if S.is_says_header(line.text)]
    if len(hits) >= 3 or (len(hits) >= 2 and any(lines[i].indent >= 2 for i in hits)):
        return hits[0] if _has_article_before(lines, hits[0]) else None
    return None


def _has_article_before(lines: list[_Line], index: int) -> bool:
    return sum(len(line.text) for line in lines[:index]) >= SUBSTANTIAL_CHARS


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Blank-line separated blocks -> paragraphs; one line is one paragraph unless the block is hard-wrapped.

    A blank line always separates paragraphs; inside a block, a line broken mid-sentence is joined
    to the next (never onto the document's first line, which may be the headline).
    """
    out: list[str] = []
    block: list[str] = []
    for line in lines + [_Line("", "", 0)]:
        if line.blank:
            if block:
                out.extend(_unwrap(block, protect=0 if out else 1))
                block = []
            continue
        block.append(line.text)
    return out


def _unwrap(block: list[str], protect: int = 0) -> list[str]:
    """Join the lines of a hard-wrapped block (fixed-width prose) into paragraphs; else keep the lines.

    In wrapped text a line is "full": the next line's first word would not have fitted on it.
    A line that had room for it ends a paragraph (or is a headline) and is never joined.
    """
    if len(block) < 2:
        return block
    width = max(len(t) for t in block)
    full = [
        len(block[i]) + 1 + len(block[i + 1].split(" ", 1)[0]) > width and not S.LIST_MARK.match(block[i + 1])
        for i in range(len(block) - 1)
    ]
    wrapped = (
        40 <= width <= 100
        and sum(full) >= max(2, (len(block) - 1) // 2)
        and any(f and not S.ends_sentence(block[i]) for i, f in enumerate(full))
    )
    if not wrapped:
        return join_broken_lines(block, protect)
    out = [block[0]]
    for i in range(1, len(block)):
        if full[i - 1]:
            out[-1] = f"{out[-1]} {block[i]}"
        else:
            out.append(block[i])
    return out


def _headline(paragraphs: list[str]) -> str | None:
    """The first paragraph when it reads like a headline (short, no final full stop) and more follows."""
    if len(paragraphs) < 2:
        return None
    first = paragraphs[0]
    if len(first) > HEADLINE_MAX_CHARS or len(first.split()) > HEADLINE_MAX_WORDS:
        return None
    if first.endswith((".", ",", ";", ":")) and not first.endswith("..."):
        return None
    return first


def _comments(lines: list[_Line]) -> list[str]:
    """Comment lines -> one string per paragraph; author lines joined to their text, furniture dropped."""
    out: list[str] = []
    pending_author: str | None = None
    for line in lines:
        t = line.text
        if line.blank or S.is_comment_header(t) or S.is_comment_junk(t) or S.is_tag_line(t):
            continue
        if S.is_says_header(t):
            pending_author = t
            continue
        t = S.LIST_MARK.sub("", t, count=1).strip()
        if not t:
            continue
        if pending_author:
            t = f"{pending_author} {t}"
            pending_author = None
        out.append(t)
    return out


def drop_furniture(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """The same line rules on already-extracted paragraphs (HTML path): (kept, comment-section lines)."""
    lines = [_Line(p, p, 0) for p in paragraphs]
    article, comment_lines = _scan(lines, None)
    return [line.text for line in article if not line.blank], _comments(comment_lines)
