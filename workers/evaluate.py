"""Score scenarios against their gold.json (CONTRACT §5): alerts, final status, mentions.

Each scenario is replayed alone from an empty state, in file order. Alert precision and recall are
over (geonameid, new_status) pairs; final-status agreement over the gold's `final_status` entries;
mention precision and recall over the gold's per-article settlement ids. Totals are micro-averaged.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from workers.chain import ArticleTrace, directory_alerts, run_directory
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage5_alerts.core import live_alerts
from workers.settings import Settings


@dataclass
class Counts:
    """True positives, false positives and false negatives of one kind of prediction."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @classmethod
    def of(cls, predicted: set[Any], gold: set[Any]) -> "Counts":
        return cls(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))


@dataclass
class ScenarioScore:
    """Scores of one scenario, with the differences spelled out."""

    name: str
    alerts: Counts = field(default_factory=Counts)
    final_agree: int = 0
    final_total: int = 0
    mentions: Counts = field(default_factory=Counts)
    must_not_alert_hits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def final_status(self) -> float:
        return self.final_agree / self.final_total if self.final_total else 1.0


def gold_scenarios(directory: Path) -> list[Path]:
    """`directory` itself if it holds gold.json, else each sub-folder that does, sorted."""
    directory = Path(directory)
    if (directory / "gold.json").is_file():
        return [directory]
    return sorted(p for p in directory.iterdir() if p.is_dir() and (p / "gold.json").is_file())


def score_scenario(name: str, gold: dict[str, Any], alerts: Iterable[tuple[int, str]],
                   final: dict[int, str], mentions: dict[str, set[int]] | None) -> ScenarioScore:
    """Compare predictions with one gold.json."""
    score = ScenarioScore(name)
    predicted_pairs = set(alerts)
    gold_pairs = {(int(a["geonameid"]), a["new_status"]) for a in gold.get("alerts", [])}
    score.alerts = Counts.of(predicted_pairs, gold_pairs)
    for pair in sorted(predicted_pairs - gold_pairs):
        score.notes.append(f"extra alert {pair}")
    for pair in sorted(gold_pairs - predicted_pairs):
        score.notes.append(f"missed alert {pair}")
    for gid, status in gold.get("final_status", {}).items():
        score.final_total += 1
        ours = final.get(int(gid), "unknown")
        if ours == status:
            score.final_agree += 1
        else:
            score.notes.append(f"final status of {gid}: ours {ours}, gold {status}")
    alerted = {gid for gid, _ in predicted_pairs}
    for entry in gold.get("must_not_alert", []):
        if "geonameid" in entry and int(entry["geonameid"]) in alerted:
            score.must_not_alert_hits.append(f"{entry.get('name')} ({entry['geonameid']})")
    if mentions is not None:
        for stem, ids in gold.get("mentions", {}).items():
            ours_ids = mentions.get(stem, set())
            counts = Counts.of(ours_ids, set(int(i) for i in ids))
            score.mentions.add(counts)
            if counts.fp or counts.fn:
                score.notes.append(f"mentions of {stem}: extra {sorted(ours_ids - set(ids))}, "
                                   f"missed {sorted(set(ids) - ours_ids)}")
    return score


def evaluate_scenarios(scenarios: list[Path], settings: Settings) -> list[ScenarioScore]:
    """Score each scenario in-process, with the gazetteer of the settings' data directory loaded once."""
    from workers.stage3_normalize.cache import load_gazetteer

    gazetteer = load_gazetteer(settings.data_dir / "gazetteer")
    return [evaluate_in_process(s, settings, gazetteer) for s in scenarios]


def evaluate_in_process(scenario: Path, settings: Settings, gazetteer: Gazetteer | None = None) -> ScenarioScore:
    """Run one scenario through the in-process chain and score it."""
    gold = json.loads((scenario / "gold.json").read_text(encoding="utf-8"))
    traces, chain = run_directory(scenario, settings, gazetteer)
    pairs = [(a["settlement"]["id"], a["new_status"]) for a in directory_alerts(traces)]
    final = {sid: state.status for sid, state in chain.states.items()}
    return score_scenario(scenario.name, gold, pairs, final, mentions_by_stem(traces))


def mentions_by_stem(traces: list[ArticleTrace]) -> dict[str, set[int]]:
    """Settlement ids mentioned per article stem (duplicates are scored on their own text)."""
    return {t.stem: {m.settlement.id for m in t.mentions} for t in traces}


def final_from_alerts(alerts: list[dict[str, Any]]) -> dict[int, str]:
    """The status each settlement's last live shift (in event order) set."""
    final: dict[int, str] = {}
    for alert in live_alerts(alerts):
        final[int(alert["settlement"]["id"])] = alert["new_status"]
    return final


def totals(scores: list[ScenarioScore]) -> ScenarioScore:
    """Micro-averaged totals over scenarios."""
    total = ScenarioScore("TOTAL")
    for s in scores:
        total.alerts.add(s.alerts)
        total.mentions.add(s.mentions)
        total.final_agree += s.final_agree
        total.final_total += s.final_total
        total.must_not_alert_hits += [f"{s.name}: {h}" for h in s.must_not_alert_hits]
    return total


def format_table(scores: list[ScenarioScore], verbose: bool = False) -> str:
    """Scores as a fixed-width table, totals last; notes under each scenario when verbose."""
    head = f"{'scenario':<36} {'alert P':>8} {'alert R':>8} {'final':>7} {'ment P':>7} {'ment R':>7}"
    lines = [head, "-" * len(head)]
    for s in scores + [totals(scores)]:
        lines.append(f"{s.name:<36} {s.alerts.precision:>8.3f} {s.alerts.recall:>8.3f} {s.final_status:>7.3f} "
                     f"{s.mentions.precision:>7.3f} {s.mentions.recall:>7.3f}")
        if verbose:
            lines += [f"    {n}" for n in s.notes]
            lines += [f"    must-not-alert hit: {h}" for h in s.must_not_alert_hits]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:  # `python -m workers.evaluate DIR` for quick iteration
    args = sys.argv[1:] if argv is None else argv
    settings = Settings.from_env()
    scores = evaluate_scenarios(gold_scenarios(Path(args[0])), settings)
    print(format_table(scores, verbose="-v" in args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def evaluate_on_broker(scenario: Path, settings: Settings) -> ScenarioScore:
    """Run one scenario through the real pipeline (a fresh embedded broker unless one is set) and score it."""
    import asyncio
    import uuid
    from dataclasses import replace

    from workers.kafka.bootstrap import bootstrap_servers
    from workers.pipeline import run_pipeline
    from workers.topics import prefixed

    gold = json.loads((scenario / "gold.json").read_text(encoding="utf-8"))
    isolated = replace(settings, topic_prefix=prefixed(settings.topic_prefix, f"eval-{uuid.uuid4().hex[:8]}."))
    with bootstrap_servers(isolated) as bootstrap:
        result = asyncio.run(run_pipeline(isolated, bootstrap, scenario))
    pairs = [(int(a["settlement"]["id"]), a["new_status"]) for a in result.alerts]
    return score_scenario(scenario.name, gold, pairs, final_from_alerts(result.alerts), None)
