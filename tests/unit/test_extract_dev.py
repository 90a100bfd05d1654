"""Development scenarios: HTML boilerplate and plain-text comment sections stay out of the main text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest

from workers.records import ExtractedArticle, RawArticle
from workers.stage1_extract.core import extract_article
from workers.stage1_extract.textclean import normalize_line, repair

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev"
pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"development scenarios not found at {DEV}")

HTML_FILES = sorted(DEV.glob("*/*.html")) if DEV.is_dir() else []
TXT_FILES = sorted(DEV.glob("*/*.txt")) if DEV.is_dir() else []

# Containers that hold page furniture in any site template, by element or class/id word.
_FURNITURE = re.compile(
    r"\b(?:nav|menu|masthead|header|footer|sidebar|widget|related|read-next|more-on-this|live-strip|"
    r"ticker|breaking|cookie|paywall|comments?|top-bar|skip|tabs|topnav|respond)\b|comment",
    re.I,
)
_BYLINE = re.compile(r"byline|meta|date", re.I)  # bylines and datelines are metadata, not text
# Names the scenarios' gold notes say only appear in boilerplate or comments of these files.
NOT_IN_TEXT = {
    "02-avdiivka-withdrawal.html": ["Marinka"],
    "03-kupiansk-entered.html": ["Odesa", "Mykolaiv", "Lysychansk"],
    "04-kherson-withdrawal-complete.html": ["Kyiv", "Davydiv Brid"],
    "05-lysychansk-withdrawal.html": ["Kyiv", "Kharkiv", "Lviv", "Ruska Lozova"],
    "04-blog-ugledar-claim.html": ["Novohrodivka", "gone by Christmas", "already fallen"],
    "04-blog-bakhmut-flanks.html": ["Kherson", "Horlivka", "retaken"],
    "06-blog-rout.txt": ["Kherson", "Donetsk airport", "Lysychansk", "Napoleonic"],
    "04-snake-island-blog.txt": ["pulled out yesterday", "landing by August", "Good riddance"],
}


def _raw(path: Path) -> RawArticle:
    meta_path = path.with_name(path.stem + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return RawArticle(
        article_id=path.stem,
        source=meta.get("source", path.stem),
        url=meta.get("url"),
        published_at=meta.get("published_at", "2024-01-01T00:00:00Z"),
        content_type="text/html" if path.suffix == ".html" else "text/plain",
        body=path.read_text(encoding="utf-8"),
        language=meta.get("language"),
        filename=path.name,
    )


def _extract(path: Path) -> ExtractedArticle:
    result = extract_article(_raw(path))
    assert isinstance(result, ExtractedArticle), result
    return result


def _norm(text: str) -> str:
    return normalize_line(repair(text))


def _is_furniture(element: lxml.html.HtmlElement) -> bool:
    for node in [element, *element.iterancestors()]:
        if node.tag in ("nav", "footer", "aside") or (node.tag == "header" and not any(a.tag == "article" for a in node.iterancestors())):
            return True
        if _FURNITURE.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


@pytest.mark.parametrize("path", HTML_FILES, ids=lambda p: p.name)
def test_html_main_text_without_furniture(path: Path) -> None:
    tree = lxml.html.fromstring(path.read_bytes())
    result = _extract(path)
    body_paragraphs = [p for p in tree.iter("p") if not _is_furniture(p) and not _BYLINE.search(p.get("class", ""))]
    for p in body_paragraphs:
        text = _norm(p.text_content())
        if len(text) >= 40:
            assert text in result.text
    furniture = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and _is_furniture(el)]
    assert furniture
    for el in furniture:
        for piece in el.itertext():
            piece = _norm(piece)
            if len(piece) >= 12 and piece != result.title:  # the comments title repeats the headline
                assert piece not in result.text, (path.name, piece)


@pytest.mark.parametrize("path", HTML_FILES, ids=lambda p: p.name)
def test_html_headline_first(path: Path) -> None:
    tree = lxml.html.fromstring(path.read_bytes())
    h1 = _norm(tree.find(".//h1").text_content())
    result = _extract(path)
    assert result.title == h1
    assert result.text.split("\n")[0] == h1
    assert result.url  # from the sidecar
    assert result.sitename  # from <title> when there is no og:site_name


@pytest.mark.parametrize("path", HTML_FILES + TXT_FILES, ids=lambda p: p.name)
def test_dev_names_only_in_boilerplate_stay_out(path: Path) -> None:
    result = _extract(path)
    for name in NOT_IN_TEXT.get(path.name, []):
        assert name not in result.text, (path.name, name)


@pytest.mark.parametrize("path", TXT_FILES, ids=lambda p: p.name)
def test_txt_tag_line_ends_the_article(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    result = _extract(path)
    marker = next((i for i, line in enumerate(lines) if re.match(r"(Tags:|Posted in )", line)), None)
    article = lines if marker is None else lines[:marker]
    for line in article:
        line = _norm(line)
        if line:
            assert line in result.text, line
    if marker is not None:
        tail = [_norm(line) for line in lines[marker:] if len(line.strip()) >= 20]
        assert tail and not [t for t in tail if t in result.text]
        assert result.comments


@pytest.mark.parametrize("path", TXT_FILES, ids=lambda p: p.name)
def test_txt_language_detected(path: Path) -> None:
    result = _extract(path)
    expected = "ru" if "-ru" in path.stem else "uk" if "-uk" in path.stem else "en"
    assert result.language == expected
    assert 0.5 < result.language_probability <= 1.0
