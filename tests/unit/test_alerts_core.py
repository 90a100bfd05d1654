from workers.records import Claim, SettlementRef
from workers.stage5_alerts.core import SettlementState, alert_id_for, apply_claim, claim_confidence, side_of

IZIUM = SettlementRef(707292, "Izium", "Kharkiv", 49.2, 37.3)
NOW = "2026-01-01T00:00:00.000Z"


def claim(article="a1", source="wire", implies="ukrainian_control", event="withdrawal", actor="russia",
          published="2022-09-10T18:00:00Z", attribution=None, hedged=False, counted=True):
    return Claim(claim_id=f"c-{article}", article_id=article, source=source, url=None, published_at=published,
                 settlement=IZIUM, event=event, actor=actor, implies=implies, quote=f"quote from {article}",
                 attribution=attribution, counted=counted, reason="rule", hedged=hedged)


def test_first_claim_shifts_from_unknown_and_alerts():
    out = apply_claim(None, claim(), NOW)
    assert out.action == "shift"
    assert out.alert.previous_status == "unknown" and out.alert.new_status == "ukrainian_control"
    assert out.alert.evidence[0].quote == "quote from a1"
    assert out.state.status == "ukrainian_control" and out.state.last_alert_id == out.alert.alert_id


def test_same_status_again_corroborates_without_alert_and_raises_confidence():
    first = apply_claim(None, claim(), NOW).state
    second = apply_claim(first, claim(article="a2", source="other"), NOW)
    assert second.action == "corroboration" and second.alert is None
    assert second.state.corroboration == 2
    assert second.state.confidence > first.confidence


def test_same_source_does_not_count_as_independent():
    first = apply_claim(None, claim(), NOW).state
    again = apply_claim(first, claim(article="a2", source="wire"), NOW).state
    assert again.corroboration == 1


def test_redelivered_claim_changes_nothing():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, claim(), NOW)
    assert out.action == "redelivery" and out.state is None and out.alert is None


def test_replayed_shift_has_the_same_alert_id():
    a = apply_claim(None, claim(), NOW).alert
    b = apply_claim(None, claim(), "2030-01-01T00:00:00.000Z").alert
    assert a.alert_id == b.alert_id == alert_id_for(707292, "unknown", "ukrainian_control", "a1")


def test_older_report_does_not_overturn_newer_status():
    state = apply_claim(None, claim(published="2022-11-11T00:00:00Z"), NOW).state
    out = apply_claim(state, claim(article="old", implies="russian_control", event="capture",
                                   published="2022-03-02T00:00:00Z"), NOW)
    assert out.action == "out_of_order" and out.alert is None


def test_newer_report_shifts_again():
    state = apply_claim(None, claim(implies="contested", event="entry", actor="ukraine"), NOW).state
    out = apply_claim(state, claim(article="a2", published="2022-09-11T00:00:00Z"), NOW)
    assert out.alert.previous_status == "contested" and out.alert.new_status == "ukrainian_control"


def test_uncounted_claims_are_ignored():
    assert apply_claim(None, claim(counted=False), NOW).action == "ignored"
    assert apply_claim(None, claim(implies=None), NOW).action == "ignored"


def test_admission_by_the_losing_side_raises_confidence_and_hedging_lowers_it():
    plain = claim_confidence(claim())
    admitted = claim_confidence(claim(attribution="Russian defence ministry"))
    hedged = claim_confidence(claim(hedged=True))
    assert admitted > plain > hedged


def test_side_of_attributions():
    assert side_of("Russia's defence ministry") == "russia"
    assert side_of("Ukrainian officials") == "ukraine"
    assert side_of("the mayor") is None and side_of(None) is None


def test_state_round_trips_through_dict():
    state = apply_claim(None, claim(), NOW).state
    assert SettlementState.from_dict(state.to_dict()).to_dict() == state.to_dict()
