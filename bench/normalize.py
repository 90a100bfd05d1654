"""Benchmark of entity normalization: gazetteer build, cached load, memory, and matching speed.

Usage: python bench/normalize.py [--quick]
Prints figures measured in this run. Matching speed is measured on the extracted texts of the dev
scenarios (../shared/eval/dev) and the seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

_LOAD_CHILD = """
import json, sys, time
from pathlib import Path

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

rss0 = rss_mb()
t0 = time.perf_counter()
from workers.stage3_normalize.cache import load_gazetteer
gaz = load_gazetteer(Path(sys.argv[1]))
t1 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "rss_before_mb": rss0, "rss_after_mb": rss_mb(), "n": len(gaz)}))
"""


def _gold_dirs() -> list[Path]:
    dev = SHARED / "eval" / "dev"
    dirs = sorted(d for d in dev.iterdir() if (d / "gold.json").exists()) if dev.is_dir() else []
    seeds = SHARED / "seeds"
    if (seeds / "gold.json").exists():
        dirs.append(seeds)
    return dirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a few seconds plus one build)")
    args = parser.parse_args()
    loads = 2 if args.quick else 5
    rounds = 3 if args.quick else 20

    sys.path.insert(0, str(ROOT))  # tests/support: the gold-set reader and scorer
    from tests.support.mentions import evaluate, gold_articles
    from workers.stage3_normalize.cache import load_gazetteer
    from workers.stage3_normalize.core import find_mentions

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, quick={args.quick}")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        t0 = time.perf_counter()
        gaz = load_gazetteer(cache)  # empty cache dir: builds and writes the cache
        build_s = time.perf_counter() - t0
        pickle_mb = sum(p.stat().st_size for p in cache.glob("gazetteer-*.pickle")) / 1e6
        n_keys = len(gaz.exact) + len(gaz.loose)
        n_entries = sum(len(v) for v in gaz.exact.values()) + sum(len(v) for v in gaz.loose.values())
        print(f"gazetteer build (incl. writing the cache): {build_s:.1f} s; {len(gaz)} settlements, "
              f"{n_keys} keys, {n_entries} name entries; cache file {pickle_mb:.1f} MB")

        children = []
        for _ in range(loads):
            out = subprocess.run(
                [sys.executable, "-c", _LOAD_CHILD, str(cache)], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout
            children.append(json.loads(out))
        best = min(c["load_s"] for c in children)
        rss = children[-1]
        print(f"cached load in a fresh process (imports + unpickle): best {best:.2f} s of {loads}, "
              f"median {sorted(c['load_s'] for c in children)[loads // 2]:.2f} s")
        print(f"memory: RSS {rss['rss_before_mb']:.0f} MB before, {rss['rss_after_mb']:.0f} MB after loading "
              f"(+{rss['rss_after_mb'] - rss['rss_before_mb']:.0f} MB: gazetteer plus imports)")
        t0 = time.perf_counter()
        load_gazetteer(cache)
        print(f"cached load in-process (unpickle only): {time.perf_counter() - t0:.2f} s")

    dirs = _gold_dirs()
    if not dirs:
        print("no dev scenarios found: matching speed not measured")
        return
    articles = list(gold_articles(dirs))
    chars = sum(len(a.text) for a in articles)
    find_mentions(articles[0].text, gaz)  # warm caches
    t0 = time.perf_counter()
    mentions = 0
    for _ in range(rounds):
        for a in articles:
            mentions += len(find_mentions(a.text, gaz, language=a.language))
    elapsed = time.perf_counter() - t0
    n = rounds * len(articles)
    print(f"matching: {len(articles)} dev articles x {rounds} rounds = {n} articles, {mentions} mentions in "
          f"{elapsed:.2f} s -> {n / elapsed:.0f} articles/s, {mentions / elapsed:.0f} mentions/s, "
          f"{rounds * chars / elapsed / 1e3:.0f} k chars/s ({1e3 * elapsed / n:.2f} ms per article)")
    report = evaluate(articles, gaz)
    print(f"quality on the same articles: {report.summary()}")


if __name__ == "__main__":
    main()
