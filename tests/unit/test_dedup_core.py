"""Dedup core: exact and near copies, replays, restore from the table, expiry, the record shape."""

from __future__ import annotations

import itertools
import json
import random

import jsonschema
import pytest

from workers.records import ExtractedArticle
from workers.settings import PROJECT_ROOT, Settings
from workers.stage2_dedup.core import DedupConfig, DedupIndex, parse_time
from tests.support.synthetic import Voice, bulletin, make_event, republish, write_article

DAY = 86400.0
NOW = 1_800_000_000.0  # processing time of the index (epoch seconds)
_CLOCK = itertools.count()


def article(article_id: str, text: str, source: str = "wire", published_at: str | None = None,
            url: str | None = None, title: str | None = None) -> ExtractedArticle:
    """An article; without `published_at`, each one made is published a minute after the one before."""
    if published_at is None:
        minute = next(_CLOCK)
        published_at = f"2024-02-17T{5 + minute // 60 % 12:02d}:{minute % 60:02d}:00Z"
    return ExtractedArticle(article_id=article_id, source=source, url=url, published_at=published_at, title=title,
                            text=text, language="en", language_probability=0.99, content_type="text/plain")


def story(seed: int) -> tuple[str, object]:
    event = make_event(random.Random(seed))
    return write_article(Voice(seed, 0), event), event


def seen(index: DedupIndex, art: ExtractedArticle, now: float = NOW):
    decision = index.check(art)
    return decision, index.remember(art, decision, now)


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
    copy = article("d3", today.text + "\n\nRepublished from the general staff's Telegram channel by Kyiv Daily.",
                   published_at="2024-02-17T09:00:00Z")
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
    assert [k for k, _ in writes] == ["a", "doc:a"]  # the entry, and the article kept for a re-label
    again = index.check(article("a", text))
    assert not again.is_duplicate and again.replay
    assert index.remember(article("a", text), again, NOW) == [] and len(index) == 1


def test_redelivered_duplicate_gets_the_same_answer() -> None:
    text, _ = story(10)
    index = DedupIndex()
    seen(index, article("a", text, source="one"))
    b = article("b", text, source="two")
    first, _ = seen(index, b)
    again = index.check(b)
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
    dup = article("dup", texts[3][0], source="copycat")
    dup_decision, writes = seen(index, dup)
    table.apply(writes)

    fresh = DedupIndex()
    assert all(fresh.restore(k, v) for k, v in table.items())
    assert len(fresh) == len(index) == 11
    new = article("new", republish(random.Random(3), texts[5][0], texts[5][1]))
    before, after = index.check(new), fresh.check(new)
    assert after.is_duplicate and after.duplicate == before.duplicate
    assert after.duplicate.duplicate_of == "id5" and after.duplicate.original_source == "s5"
    replay = fresh.check(dup)
    assert replay.replay and replay.duplicate == dup_decision.duplicate
    assert not fresh.check(article("id7", texts[7][0])).is_duplicate


def test_restore_rejects_unusable_entries() -> None:
    index = DedupIndex()
    text, _ = story(31)
    _, writes = seen(index, article("a", text))
    key, value = writes[0]
    assert key == "a"
    other_shingles = DedupIndex(DedupConfig(shingle=3))
    assert not other_shingles.restore(key, value)  # signatures of another shingle size are useless
    fresh = DedupIndex()
    assert not fresh.restore("x", "not a dict")
    assert not fresh.restore("y", {**value, "sig": "!!"})
    assert not fresh.restore("z", {k: v for k, v in value.items() if k != "t"})
    assert len(fresh) == 0
    assert fresh.restore(key, value) and not fresh.restore(key, value)


def test_expire_forgets_articles_that_arrived_longer_ago_than_the_window() -> None:
    cfg = DedupConfig(window_s=7 * DAY)
    index, table = DedupIndex(cfg), Table()
    old, _ = story(40)
    recent, _ = story(41)
    table.apply(seen(index, article("old", old), now=NOW - 9 * DAY)[1])
    table.apply(seen(index, article("recent", recent), now=NOW - 2 * DAY)[1])
    deletes = index.expire(NOW)
    assert deletes == [("old", None), ("doc:old", None)]
    table.apply(deletes)
    assert "old" not in index and "recent" in index and set(table) == {"recent", "doc:recent"}
    assert index.expire(NOW) == []
    # A copy of the forgotten article is now an original; a copy of the kept one is not.
    assert not index.check(article("c1", old)).is_duplicate
    assert index.check(article("c2", recent)).is_duplicate


def test_copies_are_found_whatever_the_gap_in_publication_dates() -> None:
    text, event = story(42)
    index = DedupIndex(DedupConfig(window_s=2 * DAY))
    seen(index, article("a", text, published_at="2022-03-01T00:00:00Z"))
    assert index.check(article("b", text, published_at="2024-11-05T00:00:00Z")).duplicate.kind == "exact"
    near = republish(random.Random(5), text, event)
    assert index.check(article("c", near, published_at="2025-01-01T00:00:00Z")).duplicate.duplicate_of == "a"


def test_max_entries_evicts_the_earliest_arrivals() -> None:
    index = DedupIndex(DedupConfig(max_entries=3))
    deletes = []
    for i in range(5):
        text, _ = story(50 + i)
        _, writes = seen(index, article(f"a{i}", text, published_at=f"2024-02-0{5 - i}T00:00:00Z"))
        deletes += [k for k, v in writes if v is None and not k.startswith("doc:")]
    assert deletes == ["a0", "a1"] and len(index) == 3


def test_unreadable_dates_count_as_the_epoch() -> None:
    index = DedupIndex()
    text, _ = story(60)
    seen(index, article("a", text, published_at="2024-02-10T00:00:00+02:00"))
    d = index.check(article("b", text, published_at="not a date"))
    assert d.features.ts == 0.0 and not d.is_duplicate and [r.article_id for r in d.relabels] == ["a"]
    assert parse_time("2024-02-10T00:00:00") == parse_time("2024-02-10T00:00:00Z")
    assert parse_time("") is None and parse_time("yesterday") is None


def test_an_original_arriving_after_its_exact_copy_relabels_the_copy() -> None:
    text, _ = story(63)
    index, table = DedupIndex(), Table()
    copy = article("copy", text, source="reprinter", published_at="2024-02-18T09:00:00Z", url="https://r.example/1")
    first, writes = seen(index, copy)
    table.apply(writes)
    assert not first.is_duplicate and "doc:copy" in table
    original = article("orig", text, source="wire", published_at="2024-02-18T06:00:00Z")
    d, writes = seen(index, original)
    table.apply(writes)
    assert not d.is_duplicate
    (rec,) = d.relabels
    assert (rec.article_id, rec.duplicate_of, rec.kind, rec.similarity) == ("copy", "orig", "exact", 1.0)
    assert (rec.source, rec.url, rec.published_at, rec.original_source) == (
        "reprinter", "https://r.example/1", "2024-02-18T09:00:00Z", "wire")
    assert rec.article is not None and rec.article.text == text  # so its claims can be sent again as copies
    assert "doc:copy" not in table and table["copy"]["of"] == "orig" and "doc:orig" in table
    again = index.check(copy)  # a redelivery of the copy now repeats its new label
    assert again.replay and again.duplicate.duplicate_of == "orig"
    fresh = DedupIndex()
    assert all(fresh.restore(k, v) for k, v in table.items())
    assert fresh.check(copy).duplicate.duplicate_of == "orig"


def test_an_original_arriving_after_its_near_copy_relabels_the_copy() -> None:
    text, event = story(64)
    index = DedupIndex()
    near = republish(random.Random(9), text, event)
    seen(index, article("later", near, published_at="2024-02-19T00:00:00Z"))
    d, _ = seen(index, article("earlier", text, published_at="2024-02-18T00:00:00Z"))
    assert not d.is_duplicate and [(r.article_id, r.duplicate_of, r.kind) for r in d.relabels] == [
        ("later", "earlier", "near")]


def test_the_labels_do_not_depend_on_arrival_order() -> None:
    texts = [story(s) for s in range(80, 86)]
    arts = []
    for i, (text, event) in enumerate(texts):
        arts.append(article(f"o{i}", text, published_at=f"2024-03-0{i + 1}T00:00:00Z"))
        arts.append(article(f"x{i}", text, published_at=f"2024-03-0{i + 2}T00:00:00Z"))  # exact, a day later
        arts.append(article(f"n{i}", republish(random.Random(i), text, event), published_at=f"2024-04-0{i + 1}T00:00:00Z"))

    def labels(order):
        index, sent = DedupIndex(), {}
        for a in order:
            d, _ = seen(index, a)
            sent[a.article_id] = d.is_duplicate
            sent.update({r.article_id: True for r in d.relabels})  # what the stage sends downstream
        assert sent == {a.article_id: index.original_of(a.article_id) is not None for a in order}
        return {a.article_id: index.original_of(a.article_id) for a in order}

    expected = labels(arts)
    assert expected == {**{f"o{i}": None for i in range(6)}, **{f"x{i}": f"o{i}" for i in range(6)},
                        **{f"n{i}": f"o{i}" for i in range(6)}}
    for seed in range(5):
        shuffled = arts[:]
        random.Random(seed).shuffle(shuffled)
        assert labels(shuffled) == expected


def test_only_the_last_kept_originals_can_be_relabelled_with_their_article() -> None:
    index = DedupIndex(DedupConfig(keep_articles=2))
    copies = [story(s) for s in range(90, 93)]
    writes = []
    for i, (text, _) in enumerate(copies):
        writes += seen(index, article(f"c{i}", text, published_at="2024-05-02T00:00:00Z"))[1]
    assert ("doc:c0", None) in writes  # over the bound: the earliest arrival's article is dropped
    d, _ = seen(index, article("orig0", copies[0][0], published_at="2024-05-01T00:00:00Z"))
    assert [(r.article_id, r.article is None) for r in d.relabels] == [("c0", True)]
    d, _ = seen(index, article("orig2", copies[2][0], published_at="2024-05-01T00:00:00Z"))
    assert [(r.article_id, r.article is not None) for r in d.relabels] == [("c2", True)]


def test_text_without_words_is_never_a_duplicate() -> None:
    index = DedupIndex()
    seen(index, article("a", "— … —"))
    d, writes = seen(index, article("b", "— … —"))
    assert not d.is_duplicate and [k for k, _ in writes] == ["b"] and len(index) == 2  # nothing to compare: no doc


def test_remember_refuses_a_decision_for_another_article() -> None:
    index = DedupIndex()
    text, _ = story(61)
    with pytest.raises(ValueError):
        index.remember(article("a", text), index.check(article("b", text)), NOW)


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
    assert len(json.dumps(value)) < 1500  # 128 uint32 and the names' hashes in base64, a few fields


def test_config_is_validated() -> None:
    with pytest.raises(ValueError):
        DedupIndex(DedupConfig(threshold=0.0))
    with pytest.raises(ValueError):
        DedupIndex(DedupConfig(permutations=64, band_rows=0))


def test_config_from_settings() -> None:
    cfg = DedupConfig.from_settings(Settings.from_env({"FRONTWIRE_DEDUP_THRESHOLD": "0.6", "FRONTWIRE_DEDUP_SHINGLE": "3",
                                                       "FRONTWIRE_DEDUP_PERMUTATIONS": "64",
                                                       "FRONTWIRE_DEDUP_WINDOW_DAYS": "2",
                                                       "FRONTWIRE_DEDUP_KEEP_ARTICLES": "10"}))
    assert (cfg.threshold, cfg.shingle, cfg.permutations, cfg.window_s, cfg.keep_articles) == (0.6, 3, 64, 2 * DAY, 10)
    index = DedupIndex(cfg)
    text, _ = story(70)
    seen(index, article("a", text))
    assert index.check(article("b", text + "\n\nA footer line that was added here.")).is_duplicate
