"""Property: which articles are copies, and of which original, does not depend on arrival order.

Random sets of stories, each an original with exact and near copies published at random times (ties
included) under random ids, arrive shuffled: the index ends with the labels of the arrival in event
order, and what the stage would send (each article's label, then re-labels) ends the same way.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.records import ExtractedArticle
from workers.stage2_dedup.core import DedupIndex
from tests.support.synthetic import Voice, make_event, republish, write_article

_STORIES = {}


def _story(seed: int) -> tuple[str, object]:
    if seed not in _STORIES:
        event = make_event(random.Random(seed))
        _STORIES[seed] = (write_article(Voice(seed, 0), event), event)
    return _STORIES[seed]


@st.composite
def article_sets(draw: st.DrawFn) -> list[ExtractedArticle]:
    out = []
    for story in range(draw(st.integers(1, 3))):
        text, event = _story(draw(st.integers(0, 40)))
        versions = [text] + [text if draw(st.booleans()) else republish(random.Random(draw(st.integers(0, 99))), text,
                                                                         event)
                             for _ in range(draw(st.integers(0, 3)))]
        for n, body in enumerate(versions):
            day = draw(st.integers(1, 4))
            out.append(ExtractedArticle(article_id=f"{draw(st.integers(0, 99)):02d}-{story}-{n}", source=f"s{n}",
                                        url=None, published_at=f"2024-06-0{day}T08:00:00Z", title=None, text=body,
                                        language="en", language_probability=0.99, content_type="text/plain"))
    return out


def arrive(order: list[ExtractedArticle]) -> tuple[dict[str, str | None], dict[str, bool]]:
    """Final labels in the index, and the last copy/original label sent for each article."""
    index, sent = DedupIndex(), {}
    for article in order:
        decision = index.check(article)
        index.remember(article, decision, 0.0)
        sent[article.article_id] = decision.is_duplicate
        sent.update({r.article_id: True for r in decision.relabels})
    return {a.article_id: index.original_of(a.article_id) for a in order}, sent


@settings(max_examples=200, deadline=None)
@given(articles=article_sets(), data=st.data())
def test_labels_do_not_depend_on_arrival_order(articles: list[ExtractedArticle], data: st.DataObject) -> None:
    in_event_order = sorted(articles, key=lambda a: (a.published_at, a.article_id))
    expected, expected_sent = arrive(in_event_order)
    labels, sent = arrive(data.draw(st.permutations(articles)))
    assert labels == expected
    assert sent == expected_sent == {k: v is not None for k, v in expected.items()}
