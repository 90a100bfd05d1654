"""Quality gate: `frontwire eval` scores on the development scenarios and the seeds stay above their floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.evaluate import evaluate_in_process, evaluate_scenarios, format_table, gold_scenarios, totals
from workers.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.eval

FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text())
DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev"
PROJECT = PROJECT_ROOT / "eval" / "scenarios"


def test_floors_are_not_below_the_issue_minimums():
    for key, minimum in FLOORS["minimums"].items():
        assert FLOORS["dev"][key] >= minimum, f"floor {key} lowered below {minimum}"
    for key, minimum in FLOORS["project_minimums"].items():
        assert FLOORS["project"][key] >= minimum, f"project floor {key} lowered below {minimum}"


def _meet_floors(directory: Path, floors: dict[str, float], at_least: int) -> None:
    """Score every scenario of `directory` in-process and check the totals against `floors`."""
    scenarios = gold_scenarios(directory)
    assert len(scenarios) >= at_least, f"scenarios missing under {directory}"
    settings = Settings.from_env()
    scores = evaluate_scenarios(scenarios, settings)
    print("\n" + format_table(scores, verbose=True))
    total = totals(scores)
    got = {"alert_precision": total.alerts.precision, "alert_recall": total.alerts.recall,
           "final_status": total.final_status, "mention_precision": total.mentions.precision,
           "mention_recall": total.mentions.recall}
    for key, floor in floors.items():
        assert got[key] >= floor, f"{key} {got[key]:.3f} < floor {floor}"
    assert not total.must_not_alert_hits


def test_development_scenarios_meet_the_floors():
    _meet_floors(DEV, FLOORS["dev"], 6)


def test_project_scenarios_meet_the_floors():
    """The issue-13 scenarios kept in the repo (eval/scenarios): lists, descriptions, new phrasing, actors,
    markers and back-and-forth in en/uk/ru."""
    _meet_floors(PROJECT, FLOORS["project"], 8)


def test_seeds_give_exactly_their_three_alerts_in_process(gazetteer):
    settings = Settings.from_env()
    score = evaluate_in_process(PROJECT_ROOT / "seeds", settings, gazetteer)
    assert (score.alerts.tp, score.alerts.fp, score.alerts.fn) == (3, 0, 0)
    assert score.final_status == 1.0 and not score.must_not_alert_hits
