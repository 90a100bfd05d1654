"""Both seed documents: comment sections gone from the main text, every article sentence kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workers.records import ExtractedArticle, RawArticle
from workers.stage1_extract.core import extract_article
from workers.stage1_extract.textclean import normalize_line, repair

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Where each seed's reader comments start, as gold.json's notes say ("the first article's after
# '15 thoughts on'", "the second article's reader comments start after its Tags line").
COMMENT_START = {"000_430bb562dbb43c8a": "15 thoughts on", "003_d462fe83122b988d": "Tags:"}
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")
_LIST_MARK = re.compile(r"^\s*(?:\d+\.|\u2022)\s+")


def _seed(stem: str) -> tuple[str, dict]:
    body = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    meta = json.loads((SEEDS / f"{stem}.meta.json").read_text(encoding="utf-8"))
    return body, meta


def _split(body: str, marker: str) -> tuple[list[str], list[str], str]:
    """(article lines, comment lines, the marker line) of a seed file, read from the file itself."""
    lines = body.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(marker))
    return lines[:at], lines[at + 1 :], lines[at]


def _sentences(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = normalize_line(repair(_LIST_MARK.sub("", line)))
        out.extend(s for s in _SENTENCE_END.split(line) if s)
    return out


def _extract(stem: str) -> ExtractedArticle:
    body, meta = _seed(stem)
    raw = RawArticle(
        article_id=stem,
        source=meta.get("source", stem),
        url=meta.get("url"),
        published_at=meta["published_at"],
        content_type="text/plain",
        body=body,
        language=meta.get("language"),
        filename=f"{stem}.txt",
    )
    result = extract_article(raw)
    assert isinstance(result, ExtractedArticle), result
    return result


def test_gold_notes_name_the_comment_markers() -> None:
    notes = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))["notes"]
    assert "'15 thoughts on'" in notes and "Tags line" in notes


@pytest.mark.parametrize("stem", sorted(COMMENT_START))
def test_seed_keeps_every_article_sentence(stem: str) -> None:
    body, _ = _seed(stem)
    article, _, _ = _split(body, COMMENT_START[stem])
    result = _extract(stem)
    missing = [s for s in _sentences(article) if s not in result.text]
    assert not missing


@pytest.mark.parametrize("stem", sorted(COMMENT_START))
def test_seed_comment_section_is_gone(stem: str) -> None:
    body, _ = _seed(stem)
    _, comments, marker = _split(body, COMMENT_START[stem])
    result = _extract(stem)
    comment_sentences = [s for s in _sentences(comments) if len(s) >= 20]
    assert len(comment_sentences) >= 10
    leaked = [s for s in comment_sentences if s in result.text]
    assert not leaked
    assert normalize_line(marker) not in result.text
    # the comments are kept aside, marked as comments
    joined = "\n".join(result.comments)
    assert sum(s in joined for s in comment_sentences) >= 0.9 * len(comment_sentences)


def test_seed_headline_and_paragraph_convention() -> None:
    first = _extract("000_430bb562dbb43c8a")
    assert first.title == "Russian Forces Have Retreated from Izium in Ukraine"
    assert first.text.split("\n")[0] == first.title
    assert "\n\n" not in first.text and not first.text.startswith((" ", "\n"))
    assert first.language == "en" and first.language_probability == 1.0  # the sidecar's
    second = _extract("003_d462fe83122b988d")
    assert second.title is None  # its first line is a sentence, not a headline
    assert second.text.startswith("As Ukraine's Kharkiv counteroffensive developed")
    assert "Ukrainian officials said troops entered Kupiansk, a vital eastern supply hub" in second.text
    lines = second.text.split("\n")
    assert "That's not what happened." in lines  # one paragraph per line, never glued


def test_seed_text_has_folded_quotes() -> None:
    text = _extract("003_d462fe83122b988d").text
    assert "\u2019" not in text and "\u201c" not in text
    assert "Russia's defence ministry" in text
