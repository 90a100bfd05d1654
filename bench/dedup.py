"""Benchmark of the dedup core: articles per second, and memory per 100,000 remembered articles.

    python bench/dedup.py [--n 100000] [--quick] [--compare-datasketch]

A stream of generated war-news articles (tests/support/synthetic.py) goes through
`DedupIndex.check` + `remember` + `expire`, as the agent would call them: 80% new stories, 20%
republications of one of the last 500 stories (new headline, 5% of words changed, paragraphs
reordered, footer), published over five days, all remembered (the window is on processing time).
Only the core calls are timed (generation and JSON serialisation are not); throughput is given
per wall-clock second and per CPU second of this process (the second is steadier on a busy host).

Memory: the table the agent would hold (key -> JSON value) is restored into a fresh index, as
after a restart, with tracemalloc tracing (Python objects and numpy arrays) and the RSS growth
read from /proc; both are scaled to 100,000 remembered articles. `--compare-datasketch` also
measures a `datasketch.MinHashLSH` with the same bands holding the same signatures, the
alternative bands.py replaces.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.records import ExtractedArticle  # noqa: E402
from workers.stage2_dedup import minhash  # noqa: E402
from workers.stage2_dedup.core import DOC_PREFIX, DedupConfig, DedupIndex, parse_time  # noqa: E402
from tests.support.synthetic import AGENCIES, Voice, make_event, republish, write_article  # noqa: E402

START = parse_time("2024-02-01T00:00:00Z") or 0.0
SPAN_S = 5 * 86400.0


def stream(n: int, seed: int = 1):
    """(article, is_republication) pairs in publication order."""
    rng = random.Random(seed)
    recent: deque = deque(maxlen=500)
    for i in range(n):
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(START + SPAN_S * i / n))
        if recent and rng.random() < 0.2:
            text, event = rng.choice(recent)
            text, copy = republish(rng, text, event), True
        else:
            event = make_event(rng)
            text, copy = write_article(Voice(rng.randrange(1 << 30)), event), False
            recent.append((text, event))
        yield ExtractedArticle(article_id=f"{i:08d}-{rng.getrandbits(64):016x}", source=rng.choice(AGENCIES),
                               url=f"https://news.example/{i}", published_at=ts, title=None, text=text,
                               language="en", language_probability=0.99, content_type="text/plain"), copy


def rss_bytes() -> int:
    """Current resident set size of this process."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_stream(index: DedupIndex, n: int) -> tuple[dict[str, str], dict[str, float]]:
    """Feed the stream; returns the table (key -> JSON) and the figures."""
    table: dict[str, str] = {}
    latencies: list[float] = []
    wall = cpu = 0.0
    copies = found = false_dups = 0
    for art, is_copy in stream(n):
        w0, c0 = time.perf_counter(), time.process_time()
        decision = index.check(art)
        now = time.time()
        writes = index.remember(art, decision, now)
        writes += index.expire(now)
        dw, dc = time.perf_counter() - w0, time.process_time() - c0
        wall, cpu = wall + dw, cpu + dc
        latencies.append(dw)
        for key, value in writes:
            if value is None:
                table.pop(key, None)
            else:
                table[key] = json.dumps(value)
        copies += is_copy
        found += is_copy and decision.is_duplicate
        false_dups += decision.is_duplicate and not is_copy
    latencies.sort()
    return table, {
        "articles": n, "wall_s": wall, "cpu_s": cpu, "per_s_wall": n / wall, "per_s_cpu": n / max(cpu, 1e-9),
        "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * latencies[int(0.99 * (n - 1))],
        "republications": copies, "found": found, "false_duplicates": false_dups,
    }


def measure_restore(table: dict[str, str], config: DedupConfig) -> tuple[DedupIndex, dict[str, float]]:
    """Restore a fresh index from the table under tracemalloc; memory figures per 100,000 entries.

    The kept originals' articles (`doc:` keys, at most `keep_articles`) are a fixed cost, not one per
    entry: they are restored first and measured apart.
    """
    docs = {k: v for k, v in table.items() if k.startswith(DOC_PREFIX)}
    table = {k: v for k, v in table.items() if not k.startswith(DOC_PREFIX)}
    gc.collect()
    tracemalloc.start()
    index = DedupIndex(config)
    for key, value in docs.items():
        index.restore(key, json.loads(value))
    gc.collect()
    docs_mb = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    gc.collect()
    rss0 = rss_bytes()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    for key, value in table.items():
        index.restore((key + ".")[:-1], json.loads(value))  # fresh key objects, as from Kafka
    elapsed = time.perf_counter() - t0
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    rss = rss_bytes() - rss0
    n = len(index)
    scale = 100_000 / n
    return index, {
        "entries": n, "restore_per_s": n / elapsed, "traced_mb_per_100k": traced * scale / 1e6,
        "rss_mb_per_100k": rss * scale / 1e6, "arrays_mb_per_100k": index.memory_bytes() * scale / 1e6,
        "table_value_bytes": sum(len(v) for v in table.values()) / n, "docs": len(docs), "docs_mb": docs_mb,
    }


def measure_datasketch(table: dict[str, str], config: DedupConfig, limit: int) -> float:
    """MB per 100,000 of a datasketch MinHashLSH with the same bands holding the same signatures."""
    from datasketch import MinHash, MinHashLSH

    rows = config.band_rows
    bands = config.permutations // rows
    sigs = [(k, json.loads(v)["sig"]) for k, v in list(table.items())[:limit]]
    sigs = [(k, minhash.decode(s, config.permutations)) for k, s in sigs if s]
    perms = MinHash(num_perm=config.permutations, seed=config.seed).permutations
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    lsh = MinHashLSH(num_perm=config.permutations, params=(bands, rows))
    for key, sig in sigs:
        lsh.insert((key + ".")[:-1], MinHash(hashvalues=sig, permutations=perms, scheme=minhash.SCHEME),
                   check_duplication=False)
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return traced * 100_000 / len(sigs) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the stream")
    parser.add_argument("--quick", action="store_true", help="10,000 articles (figures still scaled to 100,000)")
    parser.add_argument("--compare-datasketch", action="store_true", help="also measure datasketch.MinHashLSH memory")
    args = parser.parse_args()
    n = 10_000 if args.quick else args.n
    config = DedupConfig()
    print(f"$ python bench/dedup.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"config: {config}")
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")

    index = DedupIndex(config)
    table, s = run_stream(index, n)
    print(f"throughput (check+remember+expire): {s['per_s_wall']:,.0f} articles/s wall, "
          f"{s['per_s_cpu']:,.0f} articles/CPU-s; latency p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms "
          f"({s['articles']:,} articles in {s['wall_s']:.1f} s)")
    print(f"detection: {s['found']}/{s['republications']} republications found, "
          f"{s['false_duplicates']} originals wrongly called duplicates")
    del index
    _, m = measure_restore(table, config)
    print(f"memory per 100,000 remembered articles: {m['traced_mb_per_100k']:.0f} MB traced (tracemalloc), "
          f"{m['rss_mb_per_100k']:.0f} MB RSS growth; of which signature+band arrays {m['arrays_mb_per_100k']:.0f} MB "
          f"(measured on {m['entries']:,} restored entries)")
    print(f"kept originals' articles (for re-labels): {m['docs']:,} in {m['docs_mb']:.0f} MB traced, a fixed cost "
          f"(FRONTWIRE_DEDUP_KEEP_ARTICLES)")
    print(f"restore from the table: {m['restore_per_s']:,.0f} entries/s; "
          f"table value {m['table_value_bytes']:.0f} bytes/entry (JSON)")
    if args.compare_datasketch:
        limit = min(len(table), 20_000)
        mb = measure_datasketch(table, config, limit)
        print(f"datasketch.MinHashLSH with the same bands, LSH alone: {mb:.0f} MB per 100,000 "
              f"(measured on {limit:,} signatures)")
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
