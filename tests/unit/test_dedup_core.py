"""Dedup core: exact and near copies, replays, restore from the table, expiry, the record shape."""

from __future__ import annotations

import json
import random

import jsonschema
import pytest

from workers.records import ExtractedArticle
from workers.settings import PROJECT_ROOT, Settings
from workers.stage2_dedup.core import DedupConfig, DedupIndex, parse_time
from workers.stage2_dedup.synthetic import Voice, bulletin, make_event, republish, write_article

DAY = 86400.0
T0 = "2024-02-17T05:40:00Z"


def article(article_id: str, text: str, source: str = "wire", published_at: str = T0,
            url: str | None = None, title: str | None = None) -> ExtractedArticle:
    return ExtractedArticle(article_id=article_id, source=source, url=url, published_at=published_at, title=title,
                            text=text, language="en", language_probability=0.99, content_type="text/plain")


def story(seed: int) -> tuple[str, object]:
    event = make_event(random.Random(seed))
    return write_article(Voice(seed, 0), event), event


def seen(index: DedupIndex, art: ExtractedArticle):
    decision = index.check(art)
    return decision, index.remember(art, decision)


class Table(dict):
    """What the agent's changelog-backed table would hold after applying the core's writes."""

    def apply(self, writes) -> None:
        for key, value in writes:
            if value is None:
                self.pop(key, None)
            else:
                self[key] = json.loads(json.dumps(value))  # values must survive JSON


def test_exact_copy_is_an_exact_duplicate_with_full_provenance() -> None:
    text, _ = story(1)
    index = DedupIndex()
    seen(index, article("a1", text, source="northwire"))
    shouted = text.upper().replace(". ", " .  ").replace(",", " ,")  # case, spacing, punctuation folded
    d = index.check(article("a2", shouted, source="steppe-herald", url="https://x.example/1",
                            published_at="2024-02-17T09:00:00Z"))
    assert d.is_duplicate and d.duplicate is not None
    rec = d.duplicate
    assert (rec.duplicate_of, rec.kind, rec.similarity) == ("a1", "exact", 1.0)
    assert (rec.source, rec.url, rec.published_at, rec.original_source) == (
        "steppe-herald", "https://x.example/1", "2024-02-17T09:00:00Z", "northwire")


def test_republication_is_a_near_duplicate() -> None:
    text, event = story(2)
    index = DedupIndex()
    seen(index, article("orig", text, source="northwire"))
    copy = republish(random.Random(7), text, event)
    d = index.check(article("copy", copy, source="steppe-herald"))
    assert d.is_duplicate and d.duplicate.kind == "near"
    assert d.duplicate.duplicate_of == "orig" and d.duplicate.original_source == "northwire"
    assert 0.3 <= d.duplicate.similarity < 1.0 and d.containment >= DedupConfig().threshold


def test_new_headline_alone_is_still_a_duplicate() -> None:
    text, _ = story(3)
    index = DedupIndex()
    seen(index, article("a", text))
    body = text.split("\n\n", 1)[1]
    d = index.check(article("b", "A completely different headline\n\n" + body))
    assert d.is_duplicate and d.duplicate.kind == "near" and d.duplicate.similarity > 0.9


def test_same_event_in_other_words_is_not_a_duplicate() -> None:
    rng = random.Random(4)
    event = make_event(rng)
    index = DedupIndex()
    seen(index, article("a", write_article(Voice(1, 0), event)))
    d = index.check(article("b", write_article(Voice(2, 1), event)))
    assert not d.is_duplicate and d.duplicate is None


def test_trimmed_copy_is_a_duplicate_but_a_report_that_adds_as_much_news_is_not() -> None:
    text, event = story(5)
    index = DedupIndex()
    seen(index, article("orig", text))
    trimmed = republish(random.Random(1), text, event, edit_rate=0.0, keep=0.6)
    assert index.check(article("trim", trimmed)).is_duplicate
    body = text.split("\n\n", 1)[1]
    own_news = [story(s)[0].split("\n\n", 1)[1] for s in (6, 7)]
    expanded = "\n\n".join(["Live: the day in Ukraine", body, *own_news])
    d = index.check(article("live", expanded))
    assert not d.is_duplicate, d


def test_next_day_bulletin_from_the_same_template_is_news_not_a_copy() -> None:
    rng = random.Random(12)
    missed = 0
    for _ in range(50):
        strict, lax = DedupIndex(), DedupIndex(DedupConfig(min_names=0.0))
        today = article("d1", bulletin(rng, 100), published_at="2024-02-17T06:00:00Z")
        tomorrow = article("d2", bulletin(rng, 101), published_at="2024-02-18T06:00:00Z")
        for index in (strict, lax):
            seen(index, today)
        assert lax.check(tomorrow).is_duplicate  # the shingles alone would call it a copy ...
        missed += strict.check(tomorrow).is_duplicate  # ... the names and figures do not
    assert missed == 0
    copy = article("d3", today.text + "\n\nRepublished from the general staff's Telegram channel by Kyiv Daily.")
    assert strict.check(copy).is_duplicate


def test_check_does_not_mutate_and_is_repeatable() -> None:
    text, _ = story(8)
    index = DedupIndex()
    first = index.check(article("a", text))
    assert len(index) == 0 and "a" not in index
    assert index.check(article("a", text)) == first


def test_same_article_id_again_is_not_a_duplicate_of_itself() -> None:
    text, _ = story(9)
    index = DedupIndex()
    _, writes = seen(index, article("a", text))
    assert len(writes) == 1
    again = index.check(article("a", text))
    assert not again.is_duplicate and again.replay
    assert index.remember(article("a", text), again) == [] and len(index) == 1


def test_redelivered_duplicate_gets_the_same_answer() -> None:
    text, _ = story(10)
    index = DedupIndex()
    seen(index, article("a", text, source="one"))
    first, _ = seen(index, article("b", text, source="two"))
    again = index.check(article("b", text, source="two"))
    assert again.replay and again.is_duplicate
    assert again.duplicate == first.duplicate


def test_copy_of_a_copy_points_at_the_original() -> None:
    text, event = story(11)
    index = DedupIndex()
    seen(index, article("a", text, source="wire"))
    b_text = republish(random.Random(1), text, event, edit_rate=0.02)
    seen(index, article("b", b_text, source="outlet-b"))
    d = index.check(article("c", b_text, source="outlet-c"))
    assert d.duplicate.duplicate_of == "a" and d.duplicate.original_source == "wire"


def test_restore_from_table_recognises_articles_seen_before_the_restart() -> None:
    texts = [story(s) for s in range(20, 30)]
    index, table = DedupIndex(), Table()
    decisions = {}
    for i, (text, _) in enumerate(texts):
        decision, writes = seen(index, article(f"id{i}", text, source=f"s{i}"))
        table.apply(writes)
        decisions[f"id{i}"] = decision
    dup_decision, writes = seen(index, article("dup", texts[3][0], source="copycat"))
    table.apply(writes)

    fresh = DedupIndex()
    assert all(fresh.restore(k, v) for k, v in table.items())
    assert len(fresh) == len(index) == 11 and fresh.watermark == index.watermark
    copy = republish(random.Random(3), texts[5][0], texts[5][1])
    before, after = index.check(article("new", copy)), fresh.check(article("new", copy))
    assert after.is_duplicate and after.duplicate == before.duplicate
    assert after.duplicate.duplicate_of == "id5" and after.duplicate.original_source == "s5"
    replay = fresh.check(article("dup", texts[3][0], source="copycat"))
    assert replay.replay and replay.duplicate == dup_decision.duplicate
    assert not fresh.check(article("id7", texts[7][0])).is_duplicate


def test_restore_rejects_unusable_entries() -> None:
    index = DedupIndex()
    text, _ = story(31)
    _, writes = seen(index, article("a", text))
    key, value = writes[0]
    other_shingles = DedupIndex(DedupConfig(shingle=3))
    assert not other_shingles.restore(key, value)  # signatures of another shingle size are useless
    fresh = DedupIndex()
    assert not fresh.restore("x", "not a dict")
    assert not fresh.restore("y", {**value, "sig": "!!"})
    assert not fresh.restore("z", {k: v for k, v in value.items() if k != "t"})
    assert len(fresh) == 0
    assert fresh.restore(key, value) and not fresh.restore(key, value)


def test_expire_forgets_articles_older_than_the_window() -> None:
    cfg = DedupConfig(window_s=7 * DAY)
    index, table = DedupIndex(cfg), Table()
    old, _ = story(40)
    recent, _ = story(41)
    table.apply(seen(index, article("old", old, published_at="2024-02-01T00:00:00Z"))[1])
    table.apply(seen(index, article("recent", recent, published_at="2024-02-10T00:00:00Z"))[1])
    assert index.expire(parse_time("2024-02-09T00:00:00Z")) == [("old", None)]
    table.apply([("old", None)])
    assert "old" not in index and "recent" in index and set(table) == {"recent"}
    assert index.expire(parse_time("2024-02-09T00:00:00Z")) == []
    # A copy of the forgotten article is now an original; a copy of the kept one is not.
    assert not index.check(article("c1", old, published_at="2024-02-08T00:00:00Z")).is_duplicate
    assert index.check(article("c2", recent, published_at="2024-02-11T00:00:00Z")).is_duplicate


def test_check_ignores_articles_outside_the_window_even_before_expire() -> None:
    index = DedupIndex(DedupConfig(window_s=2 * DAY))
    text, _ = story(42)
    seen(index, article("a", text, published_at="2024-02-01T00:00:00Z"))
    assert not index.check(article("b", text, published_at="2024-02-05T00:00:00Z")).is_duplicate
    assert index.check(article("c", text, published_at="2024-02-02T12:00:00Z")).is_duplicate


def test_max_entries_evicts_the_oldest() -> None:
    index = DedupIndex(DedupConfig(max_entries=3))
    deletes = []
    for i in range(5):
        text, _ = story(50 + i)
        _, writes = seen(index, article(f"a{i}", text, published_at=f"2024-02-0{i + 1}T00:00:00Z"))
        deletes += [k for k, v in writes if v is None]
    assert deletes == ["a0", "a1"] and len(index) == 3


def test_watermark_and_unreadable_dates() -> None:
    index = DedupIndex()
    assert index.watermark is None
    text, _ = story(60)
    seen(index, article("a", text, published_at="2024-02-10T00:00:00+02:00"))
    assert index.watermark == parse_time("2024-02-09T22:00:00Z")
    d = index.check(article("b", text, published_at="not a date"))
    assert d.is_duplicate and d.features.ts == index.watermark
    assert parse_time("2024-02-10T00:00:00") == parse_time("2024-02-10T00:00:00Z")
    assert parse_time("") is None and parse_time("yesterday") is None


def test_text_without_words_is_never_a_duplicate() -> None:
    index = DedupIndex()
    seen(index, article("a", "— … —"))
    d, writes = seen(index, article("b", "— … —"))
    assert not d.is_duplicate and len(writes) == 1 and len(index) == 2


def test_remember_refuses_a_decision_for_another_article() -> None:
    index = DedupIndex()
    text, _ = story(61)
    with pytest.raises(ValueError):
        index.remember(article("a", text), index.check(article("b", text)))


def test_duplicate_record_matches_the_schema_and_table_values_are_json() -> None:
    schema = json.loads((PROJECT_ROOT / "schemas" / "duplicate.schema.json").read_text(encoding="utf-8"))
    text, event = story(62)
    index = DedupIndex()
    _, writes = seen(index, article("a", text))
    json.dumps(writes)
    for i, copy in enumerate([text, republish(random.Random(2), text, event)]):
        d = index.check(article(f"c{i}", copy, url=None))
        jsonschema.validate(d.duplicate.to_dict(), schema)
    value = writes[0][1]
    assert len(json.dumps(value)) < 1200  # 128 uint32 and a 1024-bit filter in base64, a few fields


def test_config_is_validated() -> None:
    with pytest.raises(ValueError):
        DedupIndex(DedupConfig(threshold=0.0))
    with pytest.raises(ValueError):
        DedupIndex(DedupConfig(permutations=64, band_rows=0))


def test_config_from_settings() -> None:
    cfg = DedupConfig.from_settings(Settings.from_env({"FRONTWIRE_DEDUP_THRESHOLD": "0.6", "FRONTWIRE_DEDUP_SHINGLE": "3",
                                                       "FRONTWIRE_DEDUP_PERMUTATIONS": "64",
                                                       "FRONTWIRE_DEDUP_WINDOW_DAYS": "2"}))
    assert (cfg.threshold, cfg.shingle, cfg.permutations, cfg.window_s) == (0.6, 3, 64, 2 * DAY)
    index = DedupIndex(cfg)
    text, _ = story(70)
    seen(index, article("a", text))
    assert index.check(article("b", text + "\n\nA footer line that was added here.")).is_duplicate
