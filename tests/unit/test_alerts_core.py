from workers.records import Claim, SettlementRef
from workers.schemas import validate
from workers.settings import Settings
from workers.stage5_alerts.core import (SettlementState, alert_id_for, apply_claim, claim_confidence, live_alerts,
                                        retraction_id_for, side_of)

IZIUM = SettlementRef(707292, "Izium", "Kharkiv", 49.2, 37.3)
NOW = "2026-01-01T00:00:00.000Z"
SCHEMAS = Settings.from_env({}).schemas_dir


def claim(article="a1", source="wire", implies="ukrainian_control", event="withdrawal", actor="russia",
          published="2022-09-10T18:00:00Z", attribution=None, hedged=False, counted=True):
    return Claim(claim_id=f"c-{article}", article_id=article, source=source, url=None, published_at=published,
                 settlement=IZIUM, event=event, actor=actor, implies=implies, quote=f"quote from {article}",
                 attribution=attribution, counted=counted, reason="rule", hedged=hedged)


def copy_of(original="a1", article="r1", source="reprint", **kw):
    """The verdict of a republication of `original`."""
    c = claim(article=article, source=source, **kw)
    c.duplicate_of = original
    return c


def apply_all(claims, state=None, **kw):
    """Apply claims in the given order; the final state and every alerts-topic message, in order."""
    messages = []
    for c in claims:
        out = apply_claim(state, c, NOW, **kw)
        state = out.state or state
        messages += [a.to_dict() for a in out.alerts]
    return state, messages


def test_first_claim_shifts_from_unknown_and_alerts():
    out = apply_claim(None, claim(), NOW)
    assert out.action == "shift"
    assert out.alert.previous_status == "unknown" and out.alert.new_status == "ukrainian_control"
    assert out.alert.evidence[0].quote == "quote from a1"
    assert out.alert.effective_at == "2022-09-10T18:00:00Z" and not out.alert.late
    shifts, standing = out.state.history()
    assert out.state.status == "ukrainian_control" and standing.last_alert_id == out.alert.alert_id
    assert [s.alert_id for s in shifts] == [out.alert.alert_id]


def test_same_status_again_corroborates_without_alert_and_raises_confidence():
    first = apply_claim(None, claim(), NOW).state
    second = apply_claim(first, claim(article="a2", source="other"), NOW)
    assert second.action == "corroboration" and second.alerts == []
    record = second.state.status_record()
    assert record["corroboration"] == 2
    assert record["confidence"] > first.status_record()["confidence"]


def test_same_source_does_not_count_as_independent():
    first = apply_claim(None, claim(), NOW).state
    again = apply_claim(first, claim(article="a2", source="wire"), NOW).state
    assert again.status_record()["corroboration"] == 1


def test_redelivered_claim_changes_nothing():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, claim(), NOW)
    assert out.action == "redelivery" and out.state is None and out.alerts == []


def test_replayed_shift_has_the_same_alert_id():
    a = apply_claim(None, claim(), NOW).alert
    b = apply_claim(None, claim(), "2030-01-01T00:00:00.000Z").alert
    assert a.alert_id == b.alert_id == alert_id_for(707292, "unknown", "ukrainian_control", "a1")


def test_a_late_older_report_revises_the_history_visibly():
    newer = claim(article="nov", published="2022-11-11T00:00:00Z")
    older = claim(article="mar", implies="russian_control", event="capture", actor="russia",
                  published="2022-03-02T00:00:00Z")
    state, first = apply_all([newer])
    out = apply_claim(state, older, NOW)
    assert out.action == "revision"
    shifts = [a for a in out.alerts if a.retracts is None]
    withdrawals = [a for a in out.alerts if a.retracts is not None]
    assert [(a.previous_status, a.new_status, a.late, a.effective_at) for a in shifts] == [
        ("unknown", "russian_control", True, "2022-03-02T00:00:00Z"),
        ("russian_control", "ukrainian_control", True, "2022-11-11T00:00:00Z")]
    assert [a.retracts for a in withdrawals] == [first[0]["alert_id"]]
    assert withdrawals[0].alert_id == retraction_id_for(first[0]["alert_id"], "mar")
    assert "withdrawn" in withdrawals[0].reason
    assert out.state.status == "ukrainian_control"
    for message in out.alerts:
        validate(SCHEMAS, "alert", message.to_dict())
    live = live_alerts(first + [a.to_dict() for a in out.alerts])
    assert [(a["previous_status"], a["new_status"]) for a in live] == [("unknown", "russian_control"),
                                                                       ("russian_control", "ukrainian_control")]


def test_the_same_reports_in_order_give_the_same_live_alerts_without_revisions():
    older = claim(article="mar", implies="russian_control", event="capture", published="2022-03-02T00:00:00Z")
    newer = claim(article="nov", published="2022-11-11T00:00:00Z")
    _, ordered = apply_all([older, newer])
    _, revised = apply_all([newer, older])
    assert not any(m.get("late") or m.get("retracts") for m in ordered)
    assert [a["alert_id"] for a in live_alerts(ordered)] == [a["alert_id"] for a in live_alerts(revised)]


def test_newer_report_shifts_again():
    state = apply_claim(None, claim(implies="contested", event="entry", actor="ukraine"), NOW).state
    out = apply_claim(state, claim(article="a2", published="2022-09-11T00:00:00Z"), NOW)
    assert out.alert.previous_status == "contested" and out.alert.new_status == "ukrainian_control"
    assert not out.alert.late


def test_equal_publication_times_are_ordered_by_article_id():
    b = claim(article="b", implies="russian_control", event="capture")
    a = claim(article="a")
    state, _ = apply_all([b, a])
    assert [s.report.article_id for s in state.history()[0]] == ["a", "b"]
    assert state.status == "russian_control"


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
    state, _ = apply_all([claim(), copy_of(), claim(article="b", implies="contested", event="entry",
                                                    published="2022-09-12T00:00:00Z")])
    assert SettlementState.from_dict(state.to_dict()).to_dict() == state.to_dict()


def test_republication_is_recorded_as_provenance_not_as_a_source_and_does_not_alert():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, copy_of(), "2026-01-02T00:00:00.000Z")
    assert out.action == "republication" and out.alerts == []
    record = out.state.status_record()
    assert record["republications"] == [{"article_id": "r1", "source": "reprint", "url": None,
                                         "published_at": "2022-09-10T18:00:00Z", "duplicate_of": "a1"}]
    assert record["sources"] == ["wire"] and record["corroboration"] == 1 and record["article_ids"] == ["a1"]
    assert record["confidence"] == first.status_record()["confidence"]
    assert record["last_alert_id"] == first.status_record()["last_alert_id"]
    validate(SCHEMAS, "settlement_status", record)


def test_republication_that_points_elsewhere_never_shifts():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, copy_of(implies="russian_control", event="capture", published="2022-09-12T00:00:00Z"),
                      NOW)
    assert out.alerts == [] and out.action == "republication"
    assert out.state.status == "ukrainian_control"


def test_redelivered_republication_changes_nothing():
    state, _ = apply_all([claim(), copy_of()])
    again = apply_claim(state, copy_of(), NOW)
    assert again.action == "redelivery" and again.state is None and again.alerts == []


def test_republication_before_its_original_is_listed_by_the_shift_it_caused():
    early = apply_claim(None, copy_of(), NOW)
    assert early.action == "republication" and early.alerts == []
    assert early.state.status == "unknown" and early.state.status_record()["since"] is None
    out = apply_claim(early.state, claim(), NOW)
    assert out.action == "shift"
    assert [r["article_id"] for r in out.alert.republications] == ["r1"]
    assert out.alert.to_dict()["republications"][0]["duplicate_of"] == "a1"
    assert out.state.status_record()["sources"] == ["wire"]
    # the same shift without a known copy has the same id and no republications field
    plain = apply_claim(None, claim(), NOW).alert
    assert plain.alert_id == out.alert.alert_id and "republications" not in plain.to_dict()


def test_a_shift_keeps_only_its_own_republications():
    state, _ = apply_all([claim(), copy_of()])
    out = apply_claim(state, claim(article="a2", implies="russian_control", event="capture",
                                   published="2022-09-20T00:00:00Z"), NOW)
    assert out.action == "shift" and out.state.status_record()["republications"] == []
    assert out.alert.republications == []


def test_relabelled_original_becomes_provenance_and_its_shift_is_withdrawn():
    """Dedup sends an article again as a copy when its original arrives after it."""
    a1 = claim(article="a1", source="wire", published="2022-09-10T00:00:00Z")
    b1 = claim(article="b1", source="other", implies="russian_control", event="capture",
               published="2022-09-12T00:00:00Z")
    a2 = claim(article="a2", source="reprint", published="2022-09-14T00:00:00Z")
    state, messages = apply_all([a1, b1, a2])
    assert state.status == "ukrainian_control" and len(live_alerts(messages)) == 3
    relabel = copy_of(original="a1", article="a2", published="2022-09-14T00:00:00Z")
    out = apply_claim(state, relabel, NOW)
    assert out.action == "revision" and out.state.status == "russian_control"
    assert [a.retracts for a in out.alerts] == [alert_id_for(707292, "russian_control", "ukrainian_control", "a2")]
    # the copy label is sticky: the original verdict delivered again changes nothing
    assert apply_claim(out.state, a2, NOW).action == "redelivery"


def test_a_relabel_that_only_corroborated_changes_sources_not_alerts():
    state, _ = apply_all([claim(article="a1", source="wire"), claim(article="a2", source="reprint",
                                                                    published="2022-09-11T00:00:00Z")])
    assert state.status_record()["corroboration"] == 2
    out = apply_claim(state, copy_of(original="a1", article="a2", published="2022-09-11T00:00:00Z"), NOW)
    assert out.action == "republication" and out.alerts == []
    assert out.state.status_record()["sources"] == ["wire"]


def test_timeline_is_bounded_and_older_reports_are_set_aside():
    statuses = ["contested", "russian_control", "contested", "russian_control", "ukrainian_control"]
    claims = [claim(article=f"a{i}", implies=s, event="x", published=f"2022-09-1{i}T00:00:00Z")
              for i, s in enumerate(statuses)]
    full, _ = apply_all(claims)
    bounded, _ = apply_all(claims, max_reports=3)
    assert len(bounded.reports) == 3 and bounded.horizon is not None
    assert bounded.status == full.status
    assert [s.alert_id for s in bounded.history()[0]] == [s.alert_id for s in full.history()[0]][-3:]
    late = claim(article="old", implies="ukrainian_control", published="2022-09-10T12:00:00Z")
    assert apply_claim(bounded, late, NOW, max_reports=3).action == "beyond_horizon"
    assert SettlementState.from_dict(bounded.to_dict()).to_dict() == bounded.to_dict()


def test_states_and_alerts_match_their_schemas():
    early = apply_claim(None, copy_of(), NOW).state
    out = apply_claim(early, claim(), NOW)
    validate(SCHEMAS, "alert", out.alert.to_dict())
    validate(SCHEMAS, "settlement_status", out.state.status_record())
    validate(SCHEMAS, "claim", copy_of().to_dict())
    validate(SCHEMAS, "table_entry", out.state.to_dict())


def test_live_alerts_drop_withdrawn_shifts_and_keep_the_order_they_took_effect():
    older = claim(article="mar", implies="russian_control", event="capture", published="2022-03-02T00:00:00Z")
    newer = claim(article="nov", published="2022-11-11T00:00:00Z")
    _, messages = apply_all([newer, older])
    assert len(messages) == 4  # the first shift, two late ones, one withdrawal
    live = live_alerts(messages)
    assert [a["effective_at"] for a in live] == ["2022-03-02T00:00:00Z", "2022-11-11T00:00:00Z"]
    assert all(not a.get("retracts") for a in live)
