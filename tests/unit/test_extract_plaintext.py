"""Plain-text path: comment sections, tag lines, share tails and link boxes of many shapes."""

from __future__ import annotations

import pytest

from workers.records import ExtractedArticle, RawArticle
from workers.stage1_extract.core import extract_article

HEADLINE = "Ukrainian troops enter Kupiansk as Russian lines crumble"
BODY = [
    "Ukrainian troops have entered Kupiansk, a railway hub in the north-east, officials said on Saturday.",
    "An adviser to the governor said clashes were continuing in several neighbourhoods of the town.",
    "Russia's defence ministry made no mention of Kupiansk in its morning briefing.",
]
COMMENT_A = "Kherson will be liberated within a week, mark my words."
COMMENT_B = "My cousin says the troops are already inside Donetsk airport."


def _run(text: str) -> ExtractedArticle:
    raw = RawArticle("t", "test", None, "2022-09-10T12:00:00Z", "text/plain", body=text)
    result = extract_article(raw)
    assert isinstance(result, ExtractedArticle), result
    return result


def _article(sep: str = "\n\n") -> str:
    return sep.join([HEADLINE, *BODY])


def _assert_article_only(result: ExtractedArticle) -> None:
    assert result.title == HEADLINE
    assert result.text == "\n".join([HEADLINE, *BODY])
    assert COMMENT_A[:30] not in result.text and COMMENT_B[:30] not in result.text


@pytest.mark.parametrize(
    "tail",
    [
        f"15 thoughts on \u201c{HEADLINE}\u201d\n\n  1. {COMMENT_A}\n\n  2. {COMMENT_B}\n\nComments are closed.",
        f"23 comments\n\nOleg says:\n{COMMENT_A}\n\n  Marta says:\n  {COMMENT_B}",
        f"One response to \u201c{HEADLINE}\u201d\n{COMMENT_A}\n{COMMENT_B}",
        f"Comments (2)\n\n{COMMENT_A}\n\n{COMMENT_B}",
        f"Discussion\n{COMMENT_A}\n{COMMENT_B}",
        f"Leave a Reply\nCancel reply\nYour email address will not be published.\n{COMMENT_A}\n{COMMENT_B}",
        f"Tags: Kupiansk, Kharkiv, Ukraine\n{COMMENT_A}\n{COMMENT_B}",
        f"Filed under: War, Kharkiv | 2 comments\n\nvasyl_k: {COMMENT_A}\n\n  Greg W.: {COMMENT_B}",
        f"Posted in Black Sea, Military | 41 comments\n\n41 responses\n\nvasyl_k: {COMMENT_A}\n\nMaria: {COMMENT_B}",
        f"Комментарии (2)\n{COMMENT_A}\n{COMMENT_B}",
        f"Коментарі\n{COMMENT_A}\n{COMMENT_B}",
    ],
    ids=["thoughts-numbered", "n-comments-says", "one-response", "comments-count", "discussion", "leave-reply",
         "tags-then-replies", "filed-under", "posted-in", "ru-header", "uk-header"],
)
def test_comment_sections_go_to_comments(tail: str) -> None:
    result = _run(_article() + "\n\n" + tail)
    _assert_article_only(result)
    joined = "\n".join(result.comments)
    assert COMMENT_A in joined and COMMENT_B in joined
    assert not any(c.startswith(("Comments are closed", "Cancel reply", "Your email")) for c in result.comments)


def test_indented_reply_thread_without_header() -> None:
    thread = f"  1. {COMMENT_A}\n\n    \u2022 {COMMENT_B}\n\n      \u2022 I doubt it, honestly."
    result = _run(_article() + "\n\n" + thread)
    _assert_article_only(result)
    assert len(result.comments) == 3


def test_says_run_without_header() -> None:
    thread = f"Oleg_from_Toronto says:\n{COMMENT_A}\n\n  HistoryBuff77 says:\n  {COMMENT_B}"
    result = _run(_article() + "\n\n" + thread)
    _assert_article_only(result)
    assert result.comments[0].startswith("Oleg_from_Toronto says: Kherson")


def test_a_single_says_line_in_the_article_is_kept() -> None:
    text = _article() + "\n\nThe governor says:\n\"We will hold the town.\"\n\nNothing else was said on the matter by anyone."
    result = _run(text)
    assert "The governor says:" in result.text and '"We will hold the town."' in result.text


def test_share_and_subscribe_tail_dropped() -> None:
    tail = "Share this:\nTwitter\nFacebook\nLike this:\nLike Loading...\n\nSubscribe to our newsletter for daily updates"
    result = _run(_article() + "\n\n" + tail)
    _assert_article_only(result)
    assert result.comments == []


def test_related_box_mid_article_dropped_and_article_continues() -> None:
    box = "Related\nRussia says it has captured Lysychansk\nExplainer: the southern counter-offensive"
    text = "\n\n".join([HEADLINE, BODY[0], box, BODY[1], "Read more: Odesa port reopens for grain", BODY[2]])
    result = _run(text)
    _assert_article_only(result)
    assert "Lysychansk" not in result.text and "Odesa" not in result.text


def test_tag_line_before_the_body_does_not_end_the_article() -> None:
    text = "\n".join([HEADLINE, "Tags: Kupiansk, Kharkiv", *BODY])
    result = _run(text)
    assert result.text == "\n".join([HEADLINE, *BODY])
    assert result.comments == []


def test_hard_wrapped_text_is_unwrapped_into_paragraphs() -> None:
    para1 = (
        "Ukrainian troops have entered Kupiansk, a railway hub in the north-east\n"
        "that Russian forces used as their main supply junction for the region,\n"
        "Ukrainian officials said on Saturday. Clashes continued in the centre."
    )
    para2 = (
        "Russia's defence ministry made no mention of the town in its morning\n"
        "briefing, while pro-Kremlin bloggers described a very difficult situation\n"
        "around it and urged commanders to send reserves at once to the front."
    )
    result = _run(f"{HEADLINE}\n\n{para1}\n\n{para2}")
    lines = result.text.split("\n")
    assert lines[0] == HEADLINE and len(lines) == 3
    assert lines[1] == para1.replace("\n", " ") and lines[2] == para2.replace("\n", " ")


def test_lines_ending_a_sentence_are_never_glued() -> None:
    text = "\n".join([HEADLINE, "That's not what happened.", "Instead, Russia just left.", "officials said nothing more."])
    result = _run(text)
    assert result.text.split("\n") == [HEADLINE, "That's not what happened.", "Instead, Russia just left.", "officials said nothing more."]


def test_line_broken_mid_sentence_is_joined() -> None:
    text = "\n".join([HEADLINE, "Ukrainian troops have entered Kupiansk, the", "governor said on Saturday.", BODY[1]])
    result = _run(text)
    assert result.text.split("\n")[1] == "Ukrainian troops have entered Kupiansk, the governor said on Saturday."


def test_first_line_sentence_is_not_a_headline() -> None:
    result = _run("\n".join(BODY))
    assert result.title is None
    assert result.text == "\n".join(BODY)


def test_mojibake_and_quotes_repaired() -> None:
    text = "It\u00e2\u20ac\u2122s a rout, not a regroup\n\nRussia\u00e2\u20ac\u2122s troops left \u00e2\u20ac\u0153to regroup\u00e2\u20ac\u009d, the ministry said on Saturday."
    result = _run(text)
    assert result.title == "It's a rout, not a regroup"
    assert 'Russia\'s troops left "to regroup", the ministry said on Saturday.' in result.text


def test_liveblog_timestamps_and_headings_kept() -> None:
    text = (
        "Ukraine war live, Saturday 20 May 2023\n\n20:45\nUkraine's eastern command dismissed the Wagner claim, "
        "its spokesman said.\n\n19:05 - Bakhmut\nWagner chief Yevgeny Prigozhin says his fighters have taken Bakhmut."
    )
    result = _run(text)
    assert result.text.split("\n") == [
        "Ukraine war live, Saturday 20 May 2023",
        "20:45",
        "Ukraine's eastern command dismissed the Wagner claim, its spokesman said.",
        "19:05 - Bakhmut",
        "Wagner chief Yevgeny Prigozhin says his fighters have taken Bakhmut.",
    ]


def test_headline_directly_above_hard_wrapped_text() -> None:
    wrapped = (
        "Ukrainian troops have entered Kupiansk, a railway hub in the north-east\n"
        "that Russian forces used as their main supply junction for the region,\n"
        "Ukrainian officials said on Saturday. Clashes continued in the centre."
    )
    result = _run(f"{HEADLINE}\n{wrapped}")
    assert result.text.split("\n") == [HEADLINE, wrapped.replace("\n", " ")]


def test_wrapped_paragraphs_without_blank_lines_split_at_short_lines() -> None:
    text = (
        f"{HEADLINE}\n\n"
        "Ukrainian troops have entered Kupiansk, a railway hub in the north-east\n"
        "that Russian forces used as their main supply junction for the region,\n"
        "officials said.\n"
        "Russia's defence ministry made no mention of the town in its morning\n"
        "briefing, while pro-Kremlin bloggers described a very difficult situation\n"
        "around it."
    )
    result = _run(text)
    assert result.text.split("\n")[1:] == [
        "Ukrainian troops have entered Kupiansk, a railway hub in the north-east that Russian forces used "
        "as their main supply junction for the region, officials said.",
        "Russia's defence ministry made no mention of the town in its morning briefing, while pro-Kremlin "
        "bloggers described a very difficult situation around it.",
    ]


def test_article_lines_that_only_resemble_furniture_stay() -> None:
    lookalikes = [
        "Support our troops, the mayor of Kharkiv told the crowd on Friday.",
        "Donated rifles arrived in Kupiansk on Friday, a volunteer said.",
        "Comments from the Kremlin were sparse.",
        "Share prices fell in Moscow after the retreat became known.",
        "Previously, Russia had used the town as its main supply junction.",
        "Related fighting was reported near Izium.",
        "Tags on the abandoned vehicles showed units from the Western Military District.",
        "Latest",
        "18:50 - Kupiansk",
        "The governor says:",
    ]
    result = _run("\n".join([HEADLINE, *BODY, *lookalikes]))
    assert result.text.split("\n") == [HEADLINE, *BODY, *lookalikes]
