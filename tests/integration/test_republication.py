"""A republished story on a real broker: one alert, the copy listed as provenance in the status topic."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.integration.conftest import read_json
from workers.chain import run_directory
from workers.pipeline import run_pipeline
from workers.schemas import validate
from workers.settings import PROJECT_ROOT
from workers.stage0_replay.core import article_from_file

pytestmark = pytest.mark.integration

SCENARIO = PROJECT_ROOT.parent / "shared" / "eval" / "dev" / "avdiivka-2024-02"
COPY, ORIGINAL = "03-avdiivka-withdrawal-copy", "02-avdiivka-withdrawal"


def _article_id(stem: str, settings) -> str:  # type: ignore[no-untyped-def]
    path = next(p for p in SCENARIO.glob(f"{stem}.*") if p.suffix in (".txt", ".html"))  # not the sidecar
    return article_from_file(path, settings.max_message_bytes).value["article_id"]


@pytest.mark.skipif(not SCENARIO.is_dir(), reason=f"{SCENARIO} is missing")
def test_republication_is_provenance_in_the_status_topic_and_adds_no_alert(settings, bootstrap, topics):
    gold = json.loads((SCENARIO / "gold.json").read_text())
    result = asyncio.run(run_pipeline(settings, bootstrap, SCENARIO))
    assert sorted((a["settlement"]["id"], a["new_status"]) for a in result.alerts) == sorted(
        (int(a["geonameid"]), a["new_status"]) for a in gold["alerts"])
    avdiivka = next(int(a["geonameid"]) for a in gold["alerts"] if a["name"] == "Avdiivka")
    copy_id, original_id = _article_id(COPY, settings), _article_id(ORIGINAL, settings)

    duplicates = read_json(settings, bootstrap, topics["duplicates"])
    assert [(d["article_id"], d["duplicate_of"]) for d in duplicates] == [(copy_id, original_id)]
    assert duplicates[0]["article"]["article_id"] == copy_id and duplicates[0]["article"]["text"]
    # a copy normalized before its original arrived is normalized again as a copy (the re-label): at full
    # speed the unique and duplicates topics are read in no set order, so look at every message, not the last
    normalized: dict[str, list[dict]] = {}
    for n in read_json(settings, bootstrap, topics["normalized"]):
        normalized.setdefault(n["article_id"], []).append(n)
    assert original_id in {n["duplicate_of"] for n in normalized[copy_id]}
    assert {n["duplicate_of"] for n in normalized[original_id]} == {None}

    statuses = [s for s in read_json(settings, bootstrap, topics["status"]) if s["settlement"]["id"] == avdiivka]
    for role in ("duplicates", "normalized", "claims", "status", "alerts"):
        spec = topics[role]
        for message in read_json(settings, bootstrap, spec):
            validate(settings.schemas_dir, spec.value_schema, message)
    last = statuses[-1]  # the compacted topic's latest record for the settlement
    assert last["status"] == gold["final_status"][str(avdiivka)]
    assert [(r["article_id"], r["duplicate_of"]) for r in last["republications"]] == [(copy_id, original_id)]
    assert copy_id not in last["article_ids"] and original_id in last["article_ids"]
    assert last["corroboration"] == len(last["sources"])
    # whatever order the copy and its original were processed in, the final record is the in-process chain's
    _, chain = run_directory(SCENARIO, settings)
    expected = chain.states[avdiivka].status_record()
    assert {k: v for k, v in last.items() if k != "updated_at"} == {k: v for k, v in expected.items()
                                                                    if k != "updated_at"}
