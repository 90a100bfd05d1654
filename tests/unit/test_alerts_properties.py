"""Property: the status history is a function of the claim set, not of its arrival order.

Random claim sets for two settlements (ties in publication time included, some articles later
re-labelled as copies, as dedup does when an original arrives after its copy), delivered shuffled and
with redeliveries, end in the same timeline and the same live alert ids as the sorted delivery.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.records import Claim, SettlementRef
from workers.stage5_alerts.core import apply_claim, live_alerts

PLACES = (SettlementRef(707292, "Izium", "Kharkiv", 49.2, 37.3), SettlementRef(703656, "Kupiansk", "Kharkiv", 49.7, 37.6))
STATUSES = ("ukrainian_control", "russian_control", "contested")
NOW = "2026-01-01T00:00:00.000Z"


@st.composite
def claim_sets(draw: st.DrawFn) -> list[Claim]:
    """Distinct articles' verdicts, some followed by the same article re-labelled as a copy of another."""
    n = draw(st.integers(1, 14))
    out: list[Claim] = []
    for i in range(n):
        day = draw(st.integers(1, 6))  # few days: equal publication times happen
        place = draw(st.sampled_from(PLACES))
        c = Claim(claim_id=f"c{i}", article_id=f"art-{draw(st.integers(0, 999)):03d}-{i}", source=f"src{i % 4}",
                  url=None, published_at=f"2024-05-0{day}T12:00:00Z", settlement=place, event="x", actor=None,
                  implies=draw(st.sampled_from(STATUSES)), quote=f"quote {i}", attribution=None, counted=True,
                  reason="rule")
        out.append(c)
        if out[:-1] and draw(st.booleans()) and draw(st.booleans()):
            original = draw(st.sampled_from(out[:-1]))
            out.append(replace(c, duplicate_of=original.article_id))  # the re-label of this article
    return out


def deliver(claims: list[Claim]) -> tuple[dict[int, dict], list[str]]:
    """Apply in order; each settlement's timeline and history, and the live alert ids."""
    states: dict[int, object] = {}
    messages = []
    for c in claims:
        out = apply_claim(states.get(c.settlement.id), c, NOW)  # type: ignore[arg-type]
        if out.state is not None:
            states[c.settlement.id] = out.state
        messages += [a.to_dict() for a in out.alerts]
    final = {}
    for sid, state in states.items():
        shifts, standing = state.history()  # type: ignore[attr-defined]
        final[sid] = {"reports": [r.to_dict() for r in state.reports],  # type: ignore[attr-defined]
                      "shifts": [s.alert_id for s in shifts], "standing": standing.to_dict(),
                      "published": sorted(state.published)}  # type: ignore[attr-defined]
    return final, sorted(a["alert_id"] for a in live_alerts(messages))


@settings(max_examples=300, deadline=None)
@given(claims=claim_sets(), data=st.data())
def test_any_order_with_redeliveries_gives_the_sorted_result(claims: list[Claim], data: st.DataObject) -> None:
    # the reference: the relabels after their originals, each article in event order
    reference = sorted(claims, key=lambda c: (c.published_at, c.article_id, c.duplicate_of is not None))
    expected_final, expected_live = deliver(reference)
    shuffled = data.draw(st.permutations(claims))
    redelivered = data.draw(st.lists(st.sampled_from(claims), max_size=6))
    at = data.draw(st.lists(st.integers(0, len(shuffled)), min_size=len(redelivered), max_size=len(redelivered)))
    order = list(shuffled)
    for position, c in sorted(zip(at, redelivered), key=lambda p: -p[0]):
        order.insert(position, c)
    final, live = deliver(order)
    assert final == expected_final
    assert live == expected_live
    # the live alerts are exactly the shifts of the final histories
    assert live == sorted(a for f in final.values() for a in f["shifts"])
