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


def copy_of(original="a1", article="r1", source="reprint", **kw):
    """The verdict of a republication of `original`."""
    c = claim(article=article, source=source, **kw)
    c.duplicate_of = original
    return c


def test_republication_is_recorded_as_provenance_not_as_a_source_and_does_not_alert():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, copy_of(), "2026-01-02T00:00:00.000Z")
    assert out.action == "republication" and out.alert is None
    assert out.state.republications == [{"article_id": "r1", "source": "reprint", "url": None,
                                          "published_at": "2022-09-10T18:00:00Z", "duplicate_of": "a1"}]
    assert out.state.sources == ["wire"] and out.state.corroboration == 1
    assert out.state.confidence == first.confidence and out.state.article_ids == ["a1"]
    assert out.state.status == first.status and out.state.last_alert_id == first.last_alert_id
    assert SettlementState.from_dict(out.state.to_dict()).to_dict() == out.state.to_dict()


def test_republication_that_points_elsewhere_never_shifts():
    first = apply_claim(None, claim(), NOW).state
    out = apply_claim(first, copy_of(implies="russian_control", event="capture", actor="russia",
                                     published="2022-09-12T00:00:00Z"), NOW)
    assert out.alert is None and out.action == "republication"  # its original stands behind the status
    assert out.state.status == "ukrainian_control"


def test_redelivered_republication_changes_nothing():
    first = apply_claim(None, claim(), NOW).state
    second = apply_claim(first, copy_of(), NOW).state
    again = apply_claim(second, copy_of(), NOW)
    assert again.action == "redelivery" and again.state is None and again.alert is None


def test_republication_of_an_article_behind_an_older_status_is_ignored():
    state = apply_claim(None, claim(article="a1", published="2022-09-10T18:00:00Z"), NOW).state
    state = apply_claim(state, claim(article="a2", implies="russian_control", event="capture",
                                     published="2022-09-20T00:00:00Z"), NOW).state
    out = apply_claim(state, copy_of(original="a1", published="2022-09-11T00:00:00Z"), NOW)
    assert out.action == "ignored" and out.state is None and out.alert is None


def test_republication_before_its_original_waits_and_is_listed_by_the_shift_it_caused():
    early = apply_claim(None, copy_of(), NOW)
    assert early.action == "pending_republication" and early.alert is None
    assert early.state.status == "unknown" and early.state.since is None and not early.state.sources
    assert [r["article_id"] for r in early.state.pending_republications] == ["r1"]
    assert apply_claim(early.state, copy_of(), NOW).action == "redelivery"
    out = apply_claim(early.state, claim(), NOW)
    assert out.action == "shift"
    assert [r["article_id"] for r in out.alert.republications] == ["r1"]
    assert out.alert.to_dict()["republications"][0]["duplicate_of"] == "a1"
    assert [r["article_id"] for r in out.state.republications] == ["r1"]
    assert out.state.pending_republications == [] and out.state.sources == ["wire"]
    # the same shift without a known copy has the same id and no republications field
    plain = apply_claim(None, claim(), NOW).alert
    assert plain.alert_id == out.alert.alert_id and "republications" not in plain.to_dict()


def test_pending_republication_joins_when_its_original_corroborates():
    state = apply_claim(None, claim(article="a0", source="first"), NOW).state
    # a copy of a1 that (after light edits) points elsewhere: it waits for a1
    state = apply_claim(state, copy_of(original="a1", implies="contested", event="entry", actor="ukraine",
                                       published="2022-09-11T00:00:00Z"), NOW).state
    assert [r["article_id"] for r in state.pending_republications] == ["r1"] and not state.republications
    out = apply_claim(state, claim(article="a1", source="second"), NOW)
    assert out.action == "corroboration"
    assert [r["article_id"] for r in out.state.republications] == ["r1"] and out.state.pending_republications == []
    assert out.state.sources == ["first", "second"]


def test_a_shift_keeps_only_its_own_republications():
    state = apply_claim(None, claim(), NOW).state
    state = apply_claim(state, copy_of(), NOW).state
    out = apply_claim(state, claim(article="a2", implies="russian_control", event="capture",
                                   published="2022-09-20T00:00:00Z"), NOW)
    assert out.action == "shift" and out.state.republications == [] and out.alert.republications == []


def test_states_and_alerts_with_republications_match_their_schemas():
    from workers.schemas import validate
    from workers.settings import Settings

    schemas = Settings.from_env({}).schemas_dir
    early = apply_claim(None, copy_of(), NOW).state
    out = apply_claim(early, claim(), NOW)
    validate(schemas, "alert", out.alert.to_dict())
    validate(schemas, "settlement_status", out.state.to_dict())
    validate(schemas, "claim", copy_of().to_dict())
    assert out.state.to_dict()["republications"][0]["duplicate_of"] == "a1"


def test_report_older_than_a_newer_corroboration_does_not_shift():
    """The newest report behind a status counts, not only the one that set it."""
    state = apply_claim(None, claim(published="2022-09-10T18:00:00Z"), NOW).state
    state = apply_claim(state, claim(article="a2", source="other", published="2022-09-12T00:00:00Z"), NOW).state
    assert state.since == "2022-09-10T18:00:00Z" and state.latest == "2022-09-12T00:00:00Z"
    out = apply_claim(state, claim(article="b", implies="russian_control", event="capture",
                                   published="2022-09-11T00:00:00Z"), NOW)
    assert out.action == "out_of_order" and out.alert is None


def test_redelivered_claims_after_a_later_shift_change_nothing():
    """Any claim applied once, delivered again after the state moved on, neither alerts nor shifts."""
    claims = [claim(article="a1", published="2022-09-10T00:00:00Z"),
              claim(article="a2", source="other", published="2022-09-13T00:00:00Z"),
              claim(article="b1", implies="russian_control", event="capture", published="2022-09-12T00:00:00Z")]
    state = None
    for c in claims:
        out = apply_claim(state, c, NOW)
        state = out.state or state
    for c in claims:
        again = apply_claim(state, c, NOW)
        assert again.alert is None and (again.state is None or again.state.status == state.status), c.article_id


def test_a_status_record_without_latest_reads_since_instead():
    state = apply_claim(None, claim(), NOW).state.to_dict()
    del state["latest"]
    assert SettlementState.from_dict(state).latest == state["since"]
