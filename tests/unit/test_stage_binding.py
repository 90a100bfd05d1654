"""Each stage as the binder runs it, without a broker (tests/support/harness.py): outputs, state, dead letters.

The integration tests prove the same against Kafka; these check each stage's binding on its own:
what a bad input becomes, that a redelivered message changes nothing, and what state it writes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.support.harness import StageHarness
from workers.records import Claim, ExtractedArticle, Mention, NormalizedArticle, RawArticle
from workers.registry import make_stage
from workers.schemas import validate
from workers.settings import PROJECT_ROOT, Settings
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.stage import NormalizeStage
from workers.stage4_claims.stage import ClaimsStage
from workers.stages import STAGES

SETTINGS = Settings.from_env()
SEED = PROJECT_ROOT / "seeds" / "000_430bb562dbb43c8a.txt"
IZIUM = 707292
TEXT = SEED.read_text(encoding="utf-8")
RAW = RawArticle(article_id="a1", source="nextbigfuture", url=None, published_at="2022-09-10T14:00:00Z",
                 content_type="text/plain", body=TEXT, language="en")


def extracted(article_id: str = "a1", source: str = "wire", text: str = TEXT) -> ExtractedArticle:
    return ExtractedArticle(article_id=article_id, source=source, url=None, published_at="2022-09-10T14:00:00Z",
                            title="Izium", text=text, language="en", language_probability=0.99,
                            content_type="text/plain")


def only_dead_letter(out: Any, reason: str, stage: str) -> dict[str, Any]:
    """The one dead letter of an input that produced nothing else; checked against its schema."""
    assert out.messages == [] and out.writes == {} and len(out.dead_letters) == 1
    (letter,) = out.dead_letters
    assert letter["reason"] == reason and letter["stage"] == stage
    validate(SETTINGS.schemas_dir, "dead_letter", letter)
    return letter


@pytest.mark.parametrize("spec", STAGES, ids=[s.name for s in STAGES])
@pytest.mark.parametrize("payload, reason", [(b"{not json", "invalid_json"), (b'{"article_id": 3}', "schema_violation"),
                                             (b"", "empty_message"), (b"\xff\xfe", "not_utf8")])
def test_every_stage_dead_letters_an_undecodable_input_with_its_payload(spec: Any, payload: bytes, reason: str,
                                                                        gazetteer: Gazetteer) -> None:
    stage = NormalizeStage(SETTINGS, gazetteer=gazetteer) if spec.name == "normalize" else make_stage(spec.name, SETTINGS)
    harness = StageHarness(stage)
    letter = only_dead_letter(harness.feed(payload, key="k1"), reason, spec.name)
    assert letter["topic"] == spec.reads and letter["offset"] == 0 and letter["key"] == "k1"
    assert (letter["payload"] or "").encode() == payload or letter["payload_base64"]


# ------------------------------------------------------------------------------------------------ extract

def test_extract_sends_the_extracted_article_and_keeps_no_state() -> None:
    harness = StageHarness(make_stage("extract", SETTINGS))
    out = harness.feed(RAW.to_dict())
    (article,) = out.emitted("extracted")
    assert out.keys("extracted") == ["a1"] and "Izium" in article["text"] and article["language"] == "en"
    assert out.writes == {} and out.dead_letters == []
    again = harness.feed(RAW.to_dict())  # redelivered: the same article (but its extraction time)
    assert [dict(a, extracted_at=None) for a in again.emitted("extracted")] == [dict(article, extracted_at=None)]


def test_extract_dead_letters_what_its_step_rejects() -> None:
    harness = StageHarness(make_stage("extract", SETTINGS))
    only_dead_letter(harness.feed(replace(RAW, body="   ").to_dict()), "empty_body", "extract")


# ------------------------------------------------------------------------------------------------- dedup

def test_dedup_remembers_an_original_and_names_it_in_a_copy() -> None:
    harness = StageHarness(make_stage("dedup", SETTINGS))
    first = harness.feed(extracted("a1").to_dict())
    assert first.keys("unique") == ["a1"] and first.emitted("duplicates") == []
    assert first.writes and all(v is not None for v in first.writes.values())
    assert set(harness.state) == set(first.writes)
    copy = harness.feed(extracted("a2", source="reprint").to_dict())
    (dup,) = copy.emitted("duplicates")
    assert dup["article_id"] == "a2" and dup["duplicate_of"] == "a1" and dup["article"]["source"] == "reprint"
    assert copy.emitted("unique") == []


def test_dedup_redelivery_gives_the_same_answer_and_state() -> None:
    harness = StageHarness(make_stage("dedup", SETTINGS))
    harness.feed(extracted("a1").to_dict())
    harness.feed(extracted("a2", source="reprint").to_dict())
    state = harness.snapshot()
    again = harness.feed(extracted("a2", source="reprint").to_dict())
    assert [d["duplicate_of"] for d in again.emitted("duplicates")] == ["a1"]
    original = harness.feed(extracted("a1").to_dict())
    assert original.keys("unique") == ["a1"] and original.emitted("duplicates") == []
    assert set(harness.state) == set(state)


def test_dedup_rebuilds_its_index_from_the_table_after_a_restart() -> None:
    first = StageHarness(make_stage("dedup", SETTINGS))
    first.feed(extracted("a1").to_dict())
    restarted = StageHarness(make_stage("dedup", SETTINGS), state=first.snapshot())
    (dup,) = restarted.feed(extracted("a2", source="reprint").to_dict()).emitted("duplicates")
    assert dup["duplicate_of"] == "a1"


# --------------------------------------------------------------------------------------------- normalize

@pytest.fixture
def normalize(gazetteer: Gazetteer) -> StageHarness:
    return StageHarness(NormalizeStage(SETTINGS, gazetteer=gazetteer))


def test_normalize_finds_the_mentions_of_originals_and_copies(normalize: StageHarness) -> None:
    out = normalize.feed(extracted("a1").to_dict())
    (article,) = out.emitted("normalized")
    assert IZIUM in {m["settlement"]["id"] for m in article["mentions"]} and article["duplicate_of"] is None
    assert out.writes == {} and normalize.feed(extracted("a1").to_dict()).emitted("normalized") == [article]
    dup = {"article_id": "a2", "duplicate_of": "a1", "similarity": 1.0, "kind": "exact", "source": "reprint",
           "url": None, "published_at": "2022-09-10T14:00:00Z", "article": extracted("a2", "reprint").to_dict()}
    (copy,) = normalize.feed(dup, role="duplicates").emitted("normalized")
    assert copy["duplicate_of"] == "a1" and copy["mentions"] == article["mentions"]
    assert normalize.feed(dict(dup, article=None), role="duplicates").messages == []  # nothing to normalize


def test_normalize_dead_letters_a_bad_duplicate_on_its_own_topic(normalize: StageHarness) -> None:
    letter = only_dead_letter(normalize.feed(b'{"article_id": "a2"}', role="duplicates"), "schema_violation",
                              "normalize")
    assert letter["topic"] == "duplicates"


# ------------------------------------------------------------------------------------------------ claims

def normalized(article_id: str = "a1", duplicate_of: str | None = None) -> NormalizedArticle:
    text = "Ukrainian forces have liberated Izium, the General Staff said on Saturday."
    start = text.index("Izium")
    izium = Mention(settlement=_izium(), surface="Izium", span=(start, start + 5))
    return NormalizedArticle(article=extracted(article_id, text=text), mentions=[izium], duplicate_of=duplicate_of)


def _izium() -> Any:
    from workers.records import SettlementRef

    return SettlementRef(IZIUM, "Izium", "Kharkiv", 49.21, 37.26)


def test_claims_sends_one_verdict_per_settlement_keyed_by_its_id() -> None:
    harness = StageHarness(ClaimsStage(SETTINGS, profiles={}))
    out = harness.feed(normalized().to_dict())
    (verdict,) = out.emitted("claims")
    assert out.keys("claims") == [str(IZIUM)] and verdict["implies"] == "ukrainian_control" and verdict["counted"]
    assert out.writes == {} and harness.feed(normalized().to_dict()).emitted("claims") == [verdict]
    (copy,) = harness.feed(normalized("a2", duplicate_of="a1").to_dict()).emitted("claims")
    assert copy["duplicate_of"] == "a1"


# ------------------------------------------------------------------------------------------------ alerts

def claim(article_id: str = "a1", implies: str = "ukrainian_control", published: str = "2022-09-10T18:00:00Z",
          source: str = "wire") -> dict[str, Any]:
    return Claim(claim_id=f"c-{article_id}", article_id=article_id, source=source, url=None, published_at=published,
                 settlement=_izium(), event="liberation", actor="ukraine", implies=implies, quote="q",
                 attribution=None, counted=True, reason="rule").to_dict()


def test_alerts_sends_the_shift_and_the_status_then_writes_the_timeline() -> None:
    harness = StageHarness(make_stage("alerts", SETTINGS))
    out = harness.feed(claim())
    (alert,) = out.emitted("alerts")
    (status,) = out.emitted("status")
    assert alert["new_status"] == "ukrainian_control" and status["status"] == "ukrainian_control"
    assert out.keys("alerts") == [str(IZIUM)] and list(out.writes) == [str(IZIUM)]
    validate(SETTINGS.schemas_dir, "alert", alert)


def test_alerts_redelivery_sends_no_alert_twice() -> None:
    harness = StageHarness(make_stage("alerts", SETTINGS))
    harness.feed(claim())
    again = harness.feed(claim())
    assert again.emitted("alerts") == []
    assert len(harness.topic("alerts")) == 1


def test_alerts_after_a_crash_that_lost_the_state_write_the_alert_is_not_sent_again() -> None:
    harness = StageHarness(make_stage("alerts", SETTINGS))
    before = harness.snapshot()
    (alert,) = harness.feed(claim()).emitted("alerts")
    harness.restore(before)  # the alert reached the topic; the table write and the commit did not
    redelivered = harness.feed(claim())
    assert redelivered.emitted("alerts") == [] and list(redelivered.writes) == [str(IZIUM)]
    assert [a["alert_id"] for a in harness.topic("alerts")] == [alert["alert_id"]]
    later = harness.feed(claim("a2", "russian_control", "2022-09-11T10:00:00Z", source="other"))
    assert [a["new_status"] for a in later.emitted("alerts")] == ["russian_control"]


def test_alerts_a_withdrawal_is_sent_once_even_when_the_state_write_was_lost() -> None:
    harness = StageHarness(make_stage("alerts", SETTINGS))
    harness.feed(claim("a1", "ukrainian_control", "2022-09-10T00:00:00Z", source="wire"))
    harness.feed(claim("b1", "russian_control", "2022-09-12T00:00:00Z", source="other"))
    harness.feed(claim("a2", "ukrainian_control", "2022-09-14T00:00:00Z", source="reprint"))
    relabel = dict(claim("a2", "ukrainian_control", "2022-09-14T00:00:00Z", source="reprint"), duplicate_of="a1")
    before = harness.snapshot()
    (withdrawal,) = [a for a in harness.feed(relabel).emitted("alerts") if a.get("retracts")]
    assert harness.feed(relabel).emitted("alerts") == []  # redelivered: the state has it
    harness.restore(before)  # the withdrawal reached the topic; the table write did not
    assert [a for a in harness.feed(relabel).emitted("alerts") if a.get("retracts")] == []
    assert [a["retracts"] for a in harness.topic("alerts") if a.get("retracts")] == [withdrawal["retracts"]]
