"""Helpers of the extraction stage: normalisation, quoting back into the original, decoding, language."""

from __future__ import annotations

import codecs

import pytest

from workers.records import RawArticle
from workers.stage1_extract import language
from workers.stage1_extract.core import extract_article
from workers.stage1_extract.decoding import decode_bytes, declared_charset
from workers.stage1_extract.textclean import join_broken_lines, locate, normalize_line, repair

ORIGINAL = "Russia\u2019s defence\u00a0ministry said its troops \u201cregrouped\u201d  from\nIz\u00adyum \u00abto the east\u00bb."


def test_normalize_line_folds_quotes_spaces_and_invisibles() -> None:
    assert normalize_line(ORIGINAL.replace("\n", " ")) == 'Russia\'s defence ministry said its troops "regrouped" from Izyum "to the east".'
    assert normalize_line("  Куп\u2019янськ \u2009 звільнено ") == "Куп'янськ звільнено"


def test_repair_fixes_mojibake_and_line_breaks() -> None:
    assert repair("It\u00e2\u20ac\u2122s\r\nover") == "It\u2019s\nover"
    assert repair("plain ascii text") == "plain ascii text"
    assert repair("Tom &amp; Jerry") == "Tom & Jerry"


def test_locate_finds_an_emitted_quote_in_the_original() -> None:
    quote = 'ministry said its troops "regrouped" from Izyum'
    span = locate(quote, ORIGINAL)
    assert span is not None
    found = ORIGINAL[span[0] : span[1]]
    assert found.startswith("ministry") and found.endswith("yum")
    assert normalize_line(found.replace("\n", " ")) == quote
    assert locate("not there at all", ORIGINAL) is None


def test_emitted_text_quotes_locate_in_the_raw_body() -> None:
    body = f"Izyum retaken\n\n{ORIGINAL}  Officials\u00a0confirmed it on Saturday."
    result = extract_article(RawArticle("a", "s", None, "2022-09-10T00:00:00Z", "text/plain", body=body))
    for sentence in result.text.split("\n"):
        span = locate(sentence, body)
        assert span is not None, sentence


def test_join_broken_lines() -> None:
    lines = ["Headline without stop", "continues here", "Troops entered the", "town on Saturday.", "Next one."]
    assert join_broken_lines(lines, protect=1) == [
        "Headline without stop", "continues here", "Troops entered the town on Saturday.", "Next one."
    ]
    assert join_broken_lines(["a line that breaks,", "mid sentence."]) == ["a line that breaks, mid sentence."]
    assert join_broken_lines(["Ends here.", "new sentence"]) == ["Ends here.", "new sentence"]
    assert join_broken_lines(["Headline", "by our reporter"], protect=1) == ["Headline", "by our reporter"]


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<meta charset="windows-1251">', "cp1251"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">', "koi8-r"),
        (b'<meta charset="iso-8859-1">', "cp1252"),
        (b'<?xml version="1.0" encoding="utf-8"?>', "utf-8"),
        (b"<html><body>", None),
        (b'<meta charset="no-such-codec">', None),
    ],
)
def test_declared_charset(head: bytes, codec: str | None) -> None:
    assert declared_charset(head + b"<p>x</p>") == codec


TEXT_UK = "Сили оборони України звільнили Херсон. Про це в п'ятницю повідомили в Офісі президента. " * 3
TEXT_DE = "Die Gewinnabschöpfung gefährdet wichtige erneuerbare Energien, sagt der Verband. " * 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT_UK.encode("cp1251"), TEXT_UK),
        (TEXT_UK.encode("koi8-u"), TEXT_UK),
        (TEXT_DE.encode("cp1252"), TEXT_DE),
        (codecs.BOM_UTF16_LE + TEXT_UK.encode("utf-16-le"), TEXT_UK),
        (TEXT_UK.encode("utf-16-le"), TEXT_UK),
        (codecs.BOM_UTF8 + TEXT_DE.encode("utf-8"), TEXT_DE),
    ],
    ids=["cp1251", "koi8-u", "cp1252", "utf16-bom", "utf16-no-bom", "utf8-bom"],
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


def test_decode_bytes_gives_up_on_binary() -> None:
    assert decode_bytes(bytes(range(256)) * 20) is None


def test_language_is_deterministic_and_bounded() -> None:
    text = "Ukrainian forces have retaken the town after a week of fighting, officials said. " * 100
    first = language.detect_language(text, 2000)
    assert first[0] == "en" and 0.9 < first[1] <= 1.0
    assert all(language.detect_language(text, 2000) == first for _ in range(5))
    assert len(language.sample(text, 2000)) <= 2000


def test_language_undetermined() -> None:
    assert language.detect_language("12345 67 -- 89", 2000) == ("und", 0.0)


def test_ukrainian_and_russian_told_apart() -> None:
    assert language.detect_language(TEXT_UK, 2000)[0] == "uk"
    ru = "Министерство обороны России объявило о завершении освобождения города, сообщили в ведомстве. " * 3
    assert language.detect_language(ru, 2000)[0] == "ru"


@pytest.mark.parametrize(("tag", "code"), [("en-GB", "en"), (" UK ", "uk"), ("zh-TW", "zh-tw"), ("", None), (None, None), (5, None)])
def test_sidecar_language_codes(tag: object, code: str | None) -> None:
    assert language.normalize_code(tag) == code  # type: ignore[arg-type]


def test_sidecar_language_wins() -> None:
    body = "Kupiansk entered\n\nUkrainian troops entered Kupiansk on Saturday, officials said, after days of fighting."
    result = extract_article(RawArticle("a", "s", None, "2022-09-10T00:00:00Z", "text/plain", body=body, language="uk"))
    assert (result.language, result.language_probability) == ("uk", 1.0)
    detected = extract_article(RawArticle("a", "s", None, "2022-09-10T00:00:00Z", "text/plain", body=body))
    assert detected.language == "en"


def test_mislabelled_charset_is_overruled() -> None:
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT_UK}</p></body></html>'
    assert TEXT_UK in decode_bytes(page.encode("cp1251"), html=True)
    page_de = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT_DE}</p></body></html>'
    assert TEXT_DE in decode_bytes(page_de.encode("cp1252"), html=True)
    page_jp = '<html><head><meta charset="shift_jis"></head><body><p>' + "ウクライナ軍は土曜日にクピャンスクに入った。" * 5 + "</p></body></html>"
    assert "ウクライナ軍は土曜日に" in decode_bytes(page_jp.encode("shift_jis"), html=True)
