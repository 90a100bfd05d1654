"""A republished wire story in the development scenarios: one alert, the copy listed as provenance."""

from __future__ import annotations

import json

import pytest

from workers.chain import directory_alerts, run_directory
from workers.settings import PROJECT_ROOT, Settings
from workers.stage3_normalize.gazetteer import Gazetteer

pytestmark = pytest.mark.eval

DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev"
CASES = [  # scenario, settlement, copy stem, original stem
    ("kharkiv-2022-09-balakliia", "Izium", "05-izium-withdrawal-republished", "04-izium-withdrawal-wire"),
    ("luhansk-2022-06-sievierodonetsk", "Lysychansk", "06-lysychansk-republished", "05-lysychansk-withdrawal"),
    ("avdiivka-2024-02", "Avdiivka", "03-avdiivka-withdrawal-copy", "02-avdiivka-withdrawal"),
]


def _run(scenario: str, gazetteer: Gazetteer):  # type: ignore[no-untyped-def]
    return run_directory(DEV / scenario, Settings.from_env(), gazetteer)


def _gold(scenario: str) -> dict:
    return json.loads((DEV / scenario / "gold.json").read_text())


@pytest.mark.parametrize("scenario,name,copy,original", CASES, ids=[c[0] for c in CASES])
def test_republication_gives_one_alert_and_is_listed_as_provenance(scenario: str, name: str, copy: str,
                                                                   original: str, gazetteer: Gazetteer) -> None:
    if not (DEV / scenario).is_dir():
        pytest.skip(f"{scenario} not under {DEV}")
    traces, chain = _run(scenario, gazetteer)
    by_stem = {t.stem: t for t in traces}
    copy_trace, original_trace = by_stem[copy], by_stem[original]
    assert copy_trace.duplicate_of == original_trace.raw.article_id
    assert copy_trace.verdicts and all(v.duplicate_of == original_trace.raw.article_id for v in copy_trace.verdicts)
    assert copy_trace.alerts == []
    gid = next(int(a["geonameid"]) for a in _gold(scenario)["alerts"] if a["name"] == name)
    alerts = directory_alerts(traces)
    assert sum(1 for a in alerts if a["settlement"]["id"] == gid) == sum(
        1 for a in _gold(scenario)["alerts"] if int(a["geonameid"]) == gid)
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in alerts) == sorted(
        (int(a["geonameid"]), a["new_status"]) for a in _gold(scenario)["alerts"])
    record = chain.states[gid].status_record()
    assert record["status"] == _gold(scenario)["final_status"][str(gid)]
    assert original_trace.raw.article_id in record["article_ids"]
    assert copy_trace.raw.article_id not in record["article_ids"]  # not an independent report
    listed = [r for r in record["republications"] if r["article_id"] == copy_trace.raw.article_id]
    assert listed == [{"article_id": copy_trace.raw.article_id, "source": copy_trace.raw.source,
                       "url": copy_trace.raw.url, "published_at": copy_trace.extracted.published_at,
                       "duplicate_of": original_trace.raw.article_id}]
    # the copy adds no source: every source behind the status comes from an original that was applied
    originals = {t.raw.article_id: t.raw.source for t in traces if t.raw and t.duplicate_of is None}
    assert set(record["sources"]) <= {originals[a] for a in record["article_ids"]}
