"""Every development scenario completes on the real broker and gives the alerts of the in-process chain."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from workers.chain import directory_alerts, run_directory
from workers.evaluate import gold_scenarios
from workers.pipeline import run_pipeline
from workers.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev"
SCENARIOS = gold_scenarios(DEV) if DEV.is_dir() else []


def test_development_scenarios_are_present():
    assert SCENARIOS, f"no development scenarios under {DEV} (../shared beside the repo)"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: Path(p).name)
def test_pipeline_matches_in_process_chain(scenario, settings, bootstrap, topics):
    result = asyncio.run(run_pipeline(settings, bootstrap, scenario))
    traces, _ = run_directory(scenario, settings)
    expected = sorted((a["settlement"]["id"], a["new_status"], a["alert_id"]) for a in directory_alerts(traces))
    got = sorted((a["settlement"]["id"], a["new_status"], a["alert_id"]) for a in result.alerts)
    assert got == expected
    assert len(result.replay.published) == len(list(scenario.glob("*.txt"))) + len(list(scenario.glob("*.html")))
