"""Hostile inputs against the extraction core: each comes back as an article or a typed rejection, fast."""

from __future__ import annotations

import base64
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workers.records import ExtractedArticle, RawArticle, Rejection
from workers.stage1_extract import core
from workers.stage1_extract.core import ExtractLimits, extract_article

SENTENCE = "Ukrainian troops entered Kupiansk on Saturday, officials said, after days of heavy fighting. "
ARTICLE_HTML = (
    "<html><head><title>Troops enter Kupiansk</title></head><body><article><h1>Troops enter Kupiansk</h1>"
    + f"<p>{SENTENCE * 3}</p>" * 3
    + "</article></body></html>"
)
RU_TEXT = (
    "Минобороны России заявило о полном контроле над Северодонецком\n\n"
    "Подразделения народной милиции при поддержке российских войск полностью освободили Северодонецк, "
    "заявил в субботу официальный представитель министерства обороны. Бои переместились на другой берег реки."
)


def raw(body: str | None = None, content_type: str = "text/html", **kw: object) -> RawArticle:
    fields: dict = dict(article_id="a1", source="test", url=None, published_at="2022-09-10T12:00:00Z",
                        content_type=content_type, body=body)
    fields.update(kw)
    return RawArticle(**fields)


def timed(r: RawArticle, limits: ExtractLimits = ExtractLimits()) -> tuple[ExtractedArticle | Rejection, float]:
    start = time.perf_counter()
    result = extract_article(r, limits)
    return result, time.perf_counter() - start


def test_20_mb_body_rejected_before_parsing() -> None:
    result, seconds = timed(raw("<p>" + "x" * 20_000_000 + "</p>"))
    assert result == Rejection("raw_too_large", result.detail)
    assert seconds < 0.5


def test_20_mb_base64_body_rejected_before_decoding() -> None:
    encoded = base64.b64encode(b"\xff" * 20_000_000).decode("ascii")
    result, seconds = timed(raw(None, body_base64=encoded))
    assert isinstance(result, Rejection) and result.reason == "raw_too_large"
    assert seconds < 0.5


def test_multibyte_body_over_the_byte_limit() -> None:
    result, _ = timed(raw("ї" * 600, "text/plain"), ExtractLimits(max_raw_bytes=1000))
    assert isinstance(result, Rejection) and result.reason == "raw_too_large"


@pytest.mark.parametrize(
    "page",
    [
        "<html><body>" + "<div>" * 100_000 + f"<p>{SENTENCE * 3}</p>" + "</div>" * 100_000 + "</body></html>",
        "<html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + f"<article><p>{SENTENCE * 3}</p></article></body></html>",
        "<html><body>" + '<b class="x">' * 100_000 + f"<p>{SENTENCE * 3}</p>",
        "<html><body>" + f"<p>{SENTENCE * 3}</p>" + "<span>" * 100_000,
    ],
    ids=["text-inside", "text-after", "unclosed-with-attributes", "bomb-after-text"],
)
def test_100k_nested_tags(page: str) -> None:
    result, seconds = timed(raw(page))
    assert seconds < 10
    assert isinstance(result, ExtractedArticle), result
    assert "Ukrainian troops entered Kupiansk on Saturday" in result.text


def test_100k_nested_tags_without_text() -> None:
    result, seconds = timed(raw("<html><body>" + "<div><span>" * 100_000))
    assert seconds < 10
    assert isinstance(result, Rejection) and result.reason == "no_main_text"


def test_invalid_utf8_cp1251_is_decoded() -> None:
    encoded = base64.b64encode(RU_TEXT.encode("cp1251")).decode("ascii")
    result, _ = timed(raw(None, "text/plain", body_base64=encoded))
    assert isinstance(result, ExtractedArticle), result
    assert result.text.startswith("Минобороны России заявило")
    assert result.language == "ru"


def test_invalid_utf8_koi8r_is_decoded() -> None:
    encoded = base64.b64encode(RU_TEXT.encode("koi8-r")).decode("ascii")
    result, _ = timed(raw(None, "text/plain", body_base64=encoded))
    assert isinstance(result, ExtractedArticle), result
    assert "освободили Северодонецк" in result.text


def test_invalid_utf8_html_uses_its_meta_charset() -> None:
    page = f'<html><head><meta charset="windows-1251"><title>Т</title></head><body><article><p>{RU_TEXT}</p></article></body></html>'
    encoded = base64.b64encode(page.encode("cp1251")).decode("ascii")
    result, _ = timed(raw(None, body_base64=encoded))
    assert isinstance(result, ExtractedArticle), result
    assert "освободили Северодонецк" in result.text


def test_utf8_with_a_stray_latin1_byte_stays_utf8() -> None:
    data = ("Ukrainian troops entered Kupiansk – officials said so on Saturday. " * 5).encode("utf-8") + b"caf\xe9."
    result, _ = timed(raw(None, "text/plain", body_base64=base64.b64encode(data).decode("ascii")))
    assert isinstance(result, ExtractedArticle), result
    assert "Kupiansk – officials" in result.text


def test_random_bytes_are_undecodable() -> None:
    data = random.Random(7).randbytes(4000)
    result, _ = timed(raw(None, "text/plain", body_base64=base64.b64encode(data).decode("ascii")))
    assert isinstance(result, Rejection) and result.reason == "undecodable"


def test_bad_base64() -> None:
    result, _ = timed(raw(None, body_base64="abc"))
    assert isinstance(result, Rejection) and result.reason == "invalid_base64"


@pytest.mark.parametrize("content_type", ["text/plain", "text/html"])
def test_nul_byte_is_stripped(content_type: str) -> None:
    body = f"Troops enter Kupiansk\n\n{SENTENCE}\x00{SENTENCE}"
    if content_type == "text/html":
        body = f"<html><body><article><h1>Troops enter Kupiansk</h1><p>{SENTENCE}\x00{SENTENCE}</p></article></body></html>"
    result, _ = timed(raw(body, content_type))
    assert isinstance(result, ExtractedArticle), result
    assert "\x00" not in result.text and "heavy fighting. Ukrainian troops" in result.text


@pytest.mark.parametrize("body", ["", "   \n\t ", "\x00\x00"])
def test_empty_body(body: str) -> None:
    result, _ = timed(raw(body, "text/plain"))
    assert isinstance(result, Rejection) and result.reason == "empty_body"


def test_empty_base64_body() -> None:
    result, _ = timed(raw(None, body_base64=""))
    assert isinstance(result, Rejection) and result.reason == "empty_body"


def test_missing_body() -> None:
    result, _ = timed(raw(None))
    assert isinstance(result, Rejection) and result.reason == "missing_body"


def test_page_that_is_only_script() -> None:
    page = "<html><head><script>" + "var a = '<p>not text</p>';" * 40_000 + "</script></head><body><script>run()</script></body></html>"
    result, seconds = timed(raw(page))
    assert isinstance(result, Rejection) and result.reason == "no_main_text"
    assert seconds < 5


@pytest.mark.parametrize(
    ("field", "value"),
    [("body", 12345), ("body", ["a", "b"]), ("body", {"x": 1}), ("content_type", None), ("article_id", 7),
     ("url", 3.5), ("language", ["en"]), ("body_base64", 99)],
)
def test_wrong_json_types(field: str, value: object) -> None:
    r = raw(ARTICLE_HTML)
    setattr(r, field, value)
    if field == "body_base64":
        r.body = None
    result, _ = timed(r)
    assert isinstance(result, Rejection) and result.reason == "invalid_field", result
    assert field in result.detail


def test_text_too_short_and_headline_only() -> None:
    result, _ = timed(raw("Kupiansk entered\n\nTroops are in.", "text/plain"))
    assert isinstance(result, Rejection) and result.reason == "text_too_short"
    page = "<html><head><title>Kupiansk entered</title></head><body><h1>Kupiansk entered</h1></body></html>"
    result, _ = timed(raw(page))
    assert isinstance(result, Rejection) and result.reason in ("no_main_text", "text_too_short")


def test_text_too_large_is_rejected_not_truncated() -> None:
    body = "Kupiansk entered\n\n" + "\n\n".join([SENTENCE] * 200)
    result, _ = timed(raw(body, "text/plain"), ExtractLimits(max_text_chars=5_000))
    assert isinstance(result, Rejection) and result.reason == "text_too_large"
    ok, _ = timed(raw(body, "text/plain"))
    assert isinstance(ok, ExtractedArticle)


def test_unexpected_exception_becomes_a_rejection(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(core.html_path, "extract_html", boom)
    result, _ = timed(raw(ARTICLE_HTML))
    assert isinstance(result, Rejection) and result.reason == "extraction_error"
    assert "RecursionError" in result.detail


def test_unknown_content_type_is_sniffed() -> None:
    html_result, _ = timed(raw(ARTICLE_HTML, "application/octet-stream"))
    assert isinstance(html_result, ExtractedArticle) and html_result.content_type == "text/html"
    text_result, _ = timed(raw(f"Troops enter Kupiansk\n\n{SENTENCE}", "text/html; charset=utf-8"))
    assert isinstance(text_result, ExtractedArticle) and text_result.content_type == "text/html"
    assert "Ukrainian troops entered Kupiansk" in text_result.text  # a text/html body without markup


def test_thread_pool_gives_the_same_results() -> None:
    inputs = [raw(ARTICLE_HTML), raw(RU_TEXT, "text/plain"), raw(f"Troops enter Kupiansk\n\n{SENTENCE * 4}", "text/plain")] * 4
    sequential = [extract_article(r) for r in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(extract_article, inputs))
    assert parallel == sequential


def test_html_page_saved_as_text_goes_the_html_way() -> None:
    result, _ = timed(raw("<!DOCTYPE html>\n" + ARTICLE_HTML, "text/plain"))
    assert isinstance(result, ExtractedArticle) and result.content_type == "text/html"
    assert "<p>" not in result.text and result.text.startswith("Troops enter Kupiansk\n")


def test_every_reason_used_is_declared() -> None:
    source = Path(core.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'Rejection\("([a-z0-9_]+)"', source))
    assert used == set(core.REJECTION_REASONS)


def test_a_publication_time_that_is_no_time_is_rejected_and_offsets_become_utc():
    bad = extract_article(raw(ARTICLE_HTML, published_at="Lorem ipsum dolor sit amet in Kupiansk"), ExtractLimits())
    assert isinstance(bad, Rejection) and bad.reason == "invalid_field" and "published_at" in bad.detail
    good = extract_article(raw(ARTICLE_HTML, published_at="2022-09-10T14:00:00+02:00"), ExtractLimits())
    assert isinstance(good, ExtractedArticle) and good.published_at == "2022-09-10T12:00:00Z"
