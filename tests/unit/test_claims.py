"""Claims core: the API contract (ids, quotes, spans, verdicts) and a fixture builder shared by the claims tests."""

from __future__ import annotations

import re
import zlib

from workers.records import Claim, ExtractedArticle, Mention, NormalizedArticle, SettlementRef
from workers.stage4_claims.core import article_verdicts, extract_claims


def place(name: str) -> SettlementRef:
    """A fake settlement with an id derived from its name (no gazetteer)."""
    return SettlementRef(id=zlib.crc32(name.encode("utf-8")), name=name, oblast=None, lat=0.0, lon=0.0)


def article(
    text: str,
    places: dict[str, str],
    *,
    lang: str = "en",
    published: str = "2024-03-10T12:00:00Z",
    article_id: str = "art-1",
) -> NormalizedArticle:
    """A normalized article whose mentions are every occurrence of each surface in `places` (surface -> name)."""
    mentions = []
    for surface, name in places.items():
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            mentions.append(Mention(settlement=place(name), surface=surface, span=m.span()))
    mentions.sort(key=lambda m: m.span)
    extracted = ExtractedArticle(
        article_id=article_id, source="test-source", url=None, published_at=published, title=None, text=text,
        language=lang, language_probability=1.0, content_type="text/plain",
    )
    return NormalizedArticle(article=extracted, mentions=mentions)


def status_of(text: str, surface: str, name: str | None = None, **kw: str) -> str | None:
    """The article's verdict for one place (None when the article sets no status for it)."""
    name = name or surface
    verdicts = article_verdicts(extract_claims(article(text, {surface: name}, **kw)))
    found = [v.implies for v in verdicts if v.settlement.name == name]
    return found[0] if found else None


def claims_for(text: str, places: dict[str, str], **kw: str) -> list[Claim]:
    """All claims of a one-off article."""
    return extract_claims(article(text, places, **kw))


HEADLINE_ARTICLE = (
    "Russia says troops leave Izyum as Ukraine raises flag in Kupiansk\n\n"
    "Russia's defence ministry said on Saturday that its troops had withdrawn from Izyum. "
    "The ministry also confirmed the withdrawal of troops from a third town, Balakliia.\n\n"
    "Ukrainian officials said troops entered Kupiansk on Friday."
)
PLACES = {"Izyum": "Izium", "Kupiansk": "Kupiansk", "Balakliia": "Balakliia"}


def test_claim_fields_quote_span_and_attribution() -> None:
    claims = claims_for(HEADLINE_ARTICLE, PLACES)
    na = article(HEADLINE_ARTICLE, PLACES)
    izium = [c for c in claims if c.settlement.name == "Izium" and c.quote.startswith("Russia's")]
    assert izium, claims
    c = izium[0]
    assert c.event == "withdrawal" and c.actor == "russia" and c.implies == "ukrainian_control"
    assert c.counted and c.reason.startswith("rule: withdrawal by russia")
    assert c.attribution == "Russia's defence ministry"
    assert c.span is not None and na.article.text[c.span[0]: c.span[1]] == c.quote
    assert c.quote.startswith("Russia's defence ministry said") and c.quote.endswith("from Izyum.")
    assert c.article_id == "art-1" and c.source == "test-source" and c.published_at == "2024-03-10T12:00:00Z"


def test_the_ministry_resolves_to_the_ministry_named_before() -> None:
    claims = claims_for(HEADLINE_ARTICLE, PLACES)
    bal = [c for c in claims if c.settlement.name == "Balakliia" and c.counted]
    assert bal and bal[0].actor == "russia" and bal[0].implies == "ukrainian_control"
    assert bal[0].attribution == "Russia's defence ministry"


def test_claim_ids_are_stable_and_distinct() -> None:
    first = claims_for(HEADLINE_ARTICLE, PLACES)
    second = claims_for(HEADLINE_ARTICLE, PLACES)
    assert [c.claim_id for c in first] == [c.claim_id for c in second]
    assert len({c.claim_id for c in first}) == len(first)
    other = extract_claims(article(HEADLINE_ARTICLE, PLACES, article_id="art-2"))
    assert {c.claim_id for c in other}.isdisjoint({c.claim_id for c in first})


def test_claims_serialise_to_the_schema_shape() -> None:
    for c in claims_for(HEADLINE_ARTICLE, PLACES):
        d = c.to_dict()
        assert Claim.from_dict(d) == c
        assert d["actor"] in ("ukraine", "russia", None)
        assert d["implies"] in ("ukrainian_control", "russian_control", "contested", None)
        assert d["counted"] or d["implies"] is None


def test_verdicts_one_counted_claim_per_settlement() -> None:
    verdicts = article_verdicts(claims_for(HEADLINE_ARTICLE, PLACES))
    by_name = {v.settlement.name: v for v in verdicts}
    assert set(by_name) == {"Izium", "Kupiansk", "Balakliia"}
    assert by_name["Izium"].implies == "ukrainian_control"
    assert by_name["Kupiansk"].implies == "ukrainian_control"  # the flag in the headline; entry only corroborates
    assert all(v.counted for v in verdicts)


def test_verdict_prefers_an_attributed_quote() -> None:
    verdicts = article_verdicts(claims_for(HEADLINE_ARTICLE, PLACES))
    izium = next(v for v in verdicts if v.settlement.name == "Izium")
    assert izium.attribution == "Russia's defence ministry"


def test_verdicts_ignore_set_aside_claims() -> None:
    text = "Russian forces captured Popasna in May.\n\nRussian troops are advancing toward Bakhmut."
    claims = claims_for(text, {"Popasna": "Popasna", "Bakhmut": "Bakhmut"}, published="2022-09-01T00:00:00Z")
    assert claims and not any(c.counted for c in claims)
    assert article_verdicts(claims) == []


def test_conflicting_claims_resolve_by_weight() -> None:
    text = (
        "Ukrainian troops entered Kreminna, officials said.\n\n"
        "The general staff said Ukrainian forces had liberated Kreminna. "
        "Zelensky said Kreminna had been liberated."
    )
    verdict = article_verdicts(claims_for(text, {"Kreminna": "Kreminna"}))
    assert [v.implies for v in verdict] == ["ukrainian_control"]


def test_a_denial_does_not_cancel_the_other_sides_claim() -> None:
    text = (
        "Wagner claims Soledar\n\n"
        "Wagner chief Yevgeny Prigozhin said his fighters had taken Soledar. "
        "Ukraine's eastern command said this was not true and denied that Soledar had fallen."
    )
    assert status_of(text, "Soledar") == "russian_control"


def test_unverified_official_claim_counts_but_is_hedged() -> None:
    text = "Russia's defence ministry said its forces had captured Selydove. The claim could not be verified."
    claims = [c for c in claims_for(text, {"Selydove": "Selydove"}) if c.counted]
    assert claims and claims[0].hedged and claims[0].implies == "russian_control"
    rumour = "Footage posted online appeared to show Russian troops raising a flag in Selydove."
    assert not any(c.counted for c in claims_for(rumour, {"Selydove": "Selydove"}))


def test_no_mentions_no_claims() -> None:
    assert claims_for("Russian troops withdrew from the town.", {}) == []
    assert extract_claims(article("", {})) == []


def test_only_the_governed_mention_gets_the_claim() -> None:
    text = "Ukrainian forces reached the southern approach to Kupyansk and liberated Shevchenkove, north of Balakliia."
    verdicts = {v.settlement.name: v.implies for v in article_verdicts(
        claims_for(text, {"Kupyansk": "Kupiansk", "Shevchenkove": "Shevchenkove", "Balakliia": "Balakliia"}))}
    assert verdicts == {"Shevchenkove": "ukrainian_control"}


def test_coordinated_places_share_the_verb() -> None:
    text = "Russian and separatist forces have captured Hirske, Zolote and Toshkivka, two days after the assault began."
    names = {"Hirske": "Hirske", "Zolote": "Zolote", "Toshkivka": "Toshkivka"}
    verdicts = {v.settlement.name: v.implies for v in article_verdicts(claims_for(text, names))}
    assert verdicts == {n: "russian_control" for n in names.values()}


def test_never_fails_on_odd_input() -> None:
    from hypothesis import given, settings, strategies as st

    chars = list("abc XYZ.,;:!?\"'«»-–—\n\tїієґЁё⟨⟩0123")
    alphabet = st.sampled_from(chars + ["Kupiansk", "withdrew from ", "увійшли в ", "⟨0⟩"])

    @settings(max_examples=60, deadline=None)
    @given(st.lists(alphabet, max_size=80).map("".join), st.lists(st.tuples(st.integers(0, 90), st.integers(0, 12))))
    def run(text: str, spans: list[tuple[int, int]]) -> None:
        mentions = [
            Mention(settlement=place(f"p{i % 3}"), surface=text[s: s + n], span=(s, s + n))
            for i, (s, n) in enumerate(spans) if s + n <= len(text) and n > 0
        ]
        na = article(text, {})
        na.mentions = mentions
        claims = extract_claims(na)
        for c in claims:
            assert c.span is not None and text[c.span[0]: c.span[1]] == c.quote
        article_verdicts(claims)

    run()
