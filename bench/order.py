"""Same input, same alerts: the development scenarios three times over, through the chain in many orders.

The archive of issue 14: every development scenario's articles, three times under new ids and
sources (87 articles; 58 of them exact copies, 3 more republications). It goes through the
in-process chain (the stages the workers run) once in event order and then in shuffled orders;
for each order the script prints the copies dedup found, the alerts that stand, the late alerts
and withdrawals the order caused, and whether copies and alerts equal the event-order run.

    python bench/order.py               # 5 shuffled orders
    python bench/order.py --orders 20
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace

from workers.chain import Chain, directory_alerts, raw_from_item
from workers.evaluate import gold_scenarios
from workers.records import RawArticle
from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.core import ReplayItem, read_replay_dir

DEV = PROJECT_ROOT.parent / "shared" / "eval" / "dev"


def archive(copies: int = 3) -> list[RawArticle]:
    """The development scenarios' articles, `copies` times under new ids and sources."""
    base = [raw_from_item(i) for s in gold_scenarios(DEV) for i in read_replay_dir(s) if isinstance(i, ReplayItem)]
    return [replace(r, article_id=f"{k}-{r.article_id}", source=f"{r.source}-{k}")  # type: ignore[type-var]
            for k in range(copies) for r in base if isinstance(r, RawArticle)]


def run(settings: Settings, articles: list[RawArticle]) -> tuple[set[str], set[str], int, int]:
    """Copies found, ids of the alerts that stand, late alerts and withdrawals sent."""
    chain = Chain(settings)
    traces = [chain.process(a, a.article_id) for a in articles]
    index = chain.stages["dedup"].index()  # type: ignore[attr-defined]
    copies = {a.article_id for a in articles if index.original_of(a.article_id)}
    messages = [m for t in traces for m in t.alerts]
    live = {a["alert_id"] for a in directory_alerts(traces)}
    return copies, live, sum(1 for m in messages if m.get("late")), sum(1 for m in messages if m.get("retracts"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5, help="shuffled orders to try")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    articles = archive()
    in_order = sorted(articles, key=lambda a: (a.published_at, a.article_id))
    copies, live, _, _ = run(settings, in_order)
    print(f"{len(articles)} articles; event order: {len(copies)} copies, {len(live)} alerts standing")
    same = 0
    for seed in range(args.orders):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        c, l, late, withdrawn = run(settings, shuffled)
        ok = c == copies and l == live
        same += ok
        print(f"order {seed}: {len(c)} copies, {len(l)} alerts standing, {late} sent late, {withdrawn} withdrawn: "
              f"{'same' if ok else 'DIFFERENT'}")
    print(f"{same} of {args.orders} shuffled orders give the event-order copies and alerts")
    return 0 if same == args.orders else 1


if __name__ == "__main__":
    raise SystemExit(main())
