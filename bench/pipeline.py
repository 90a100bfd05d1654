"""Pipeline benchmark: the bare chain against the pipeline on the embedded broker, in one run.

    python bench/pipeline.py [--quick] [--articles N] [--corpus DIR] [--claims DIR ...]

Inputs (the same for every measurement): the HTML pages of `corpus/html` and the article files of
the development scenarios and seeds (they carry claims), as `frontwire replay` would publish them,
repeated with varied article ids and sources up to N articles (copies are near-duplicates, as
republications are; every system sees the same ones). A warm-up set (one copy of every file, own
ids; --quick: 30 pages and 10 files with claims) goes first through every system, untimed:
imports, gazetteer, langdetect profiles, group joins.

(a) bare chain: `workers.chain.Chain.process` (the same stage cores the agents call), in-process,
    one article after another; articles/s and CPU s per article (getrusage of this process). It
    runs before and after the broker part (fresh chain each time) and the ratios use the mean,
    because other jobs share the machine and its load drifts during a run.
(b) pipeline, embedded Tansu broker, one worker process per stage (`frontwire worker STAGE`):
    every article published at once (unordered, no waiting), throughput = N / (first publish to
    the first poll that sees consumer lag zero on every input of every stage).
(c) the same with two extract processes (one consumer group; the raw topic's 4 partitions split).
(d) latency: fresh topics and fresh workers in the (b) layout, warmed up with the HTML pages only (so
    that the files with claims still shift statuses and alert); articles published paced at half
    (b)'s throughput; a subscriber (aiokafka, assign, fetch wait 10 ms) records when each message
    arrives on the claims topic (input of the alerts stage: every article with a counted claim)
    and on the alerts topic (one message per status shift; matched to the article in its first
    evidence). Latency = arrival time - the time the article was handed to the producer.
Per worker: peak RSS (VmHWM of /proc/PID/status, read just before it stops) and CPU seconds
(utime+stime of /proc/PID/stat, difference over the timed window) per article; the broker's too.
BENCH_PROFILE_DIR=DIR (py-spy on PATH) records a py-spy profile of every worker during (b) and (c).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PROFILE = Path(os.environ["BENCH_PROFILE_DIR"]) if os.environ.get("BENCH_PROFILE_DIR") else None  # py-spy output
STAGES = ["extract", "dedup", "normalize", "claims", "alerts"]


def quiet() -> None:
    """Silence per-page library warnings so the figures stay readable."""
    for name in ("trafilatura", "htmldate", "justext", "readability", "aiokafka", "kafka"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def load_inputs(corpus: Path, claim_dirs: list[Path]) -> list[dict[str, Any]]:
    """One raw-article value per input file (HTML pages first, then the files with claims)."""
    from workers.stage0_replay.core import ReplayItem, read_replay_dir

    values: list[dict[str, Any]] = []
    for directory in [corpus, *claim_dirs]:
        for item in read_replay_dir(directory):
            if isinstance(item, ReplayItem):
                values.append(dict(item.value))
    return values


def multiply(base: list[dict[str, Any]], n: int, tag: str) -> list[dict[str, Any]]:
    """N raw articles: the base files again and again, each copy with its own id and source."""
    out: list[dict[str, Any]] = []
    round_ = 0
    while len(out) < n:
        for value in base:
            if len(out) >= n:
                break
            v = dict(value)
            v["article_id"] = f"{tag}{round_:03d}-{value['article_id']}"[:64]
            if round_:
                v["source"] = f"{value['source']}-{round_}"
            out.append(v)
        round_ += 1
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def proc_cpu(pid: int) -> float:
    """utime + stime of a process, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return float("nan")


def proc_hwm_mb(pid: int) -> float:
    """Peak resident set size of a process, MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# ---------------------------------------------------------------- (a) bare chain

def bare_chain(settings: Any, warm: list[dict[str, Any]], timed: list[dict[str, Any]]) -> dict[str, Any]:
    """The stage cores in-process over `timed`, after `warm` through the same chain."""
    from workers.chain import Chain
    from workers.records import RawArticle

    chain = Chain(settings)
    for v in warm:
        chain.process(RawArticle.from_dict(v), v["article_id"])
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    claims = alerts = rejected = 0
    for v in timed:
        trace = chain.process(RawArticle.from_dict(v), v["article_id"])
        claims += len(trace.verdicts)
        alerts += len(trace.alerts)
        rejected += trace.rejection is not None
    seconds = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return {"seconds": seconds, "rate": len(timed) / seconds, "cpu_per_article": cpu / len(timed),
            "claims": claims, "alerts": alerts, "rejected": rejected,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# ---------------------------------------------------------------- broker side

class Workers:
    """Worker processes of one layout on fresh, prefixed topics."""

    def __init__(self, settings: Any, bootstrap: str, layout: list[str], logdir: Path) -> None:
        self.settings = dataclasses.replace(settings, topic_prefix=f"bench{uuid.uuid4().hex[:8]}.")
        self.bootstrap = bootstrap
        self.layout = layout
        self.logdir = logdir
        self.procs: list[tuple[str, Any]] = []
        self.hwm: dict[int, float] = {}

    async def start(self) -> None:
        from workers.kafka.admin import apply_topics
        from workers.pipeline import spawn_worker
        from workers.topics import load_topics

        self.topics = load_topics(self.settings.topics_file, self.settings.topic_prefix)
        await apply_topics(self.settings, self.bootstrap, list(self.topics.values()))
        for i, stage in enumerate(self.layout):
            log = open(self.logdir / f"{self.settings.topic_prefix}{i}-{stage}.log", "wb")
            self.procs.append((stage, spawn_worker(self.settings, self.bootstrap, [stage], stdout=log)))

    def probe(self) -> Any:
        from workers.app import group_id
        from workers.kafka.lag import LagProbe
        from workers.pipeline import stage_reads

        groups = {s: group_id(self.settings, [s]) for s in STAGES}
        return LagProbe(self.settings, self.bootstrap, stage_reads(self.settings, self.topics, groups))

    def cpu(self) -> list[float]:
        return [proc_cpu(p.pid) for _, p in self.procs]

    def check_alive(self) -> None:
        for stage, p in self.procs:
            if p.poll() is not None:
                raise RuntimeError(f"worker {stage} (pid {p.pid}) exited with {p.returncode}; see {self.logdir}")

    def stop(self) -> list[tuple[str, int, float]]:
        from workers.pipeline import stop_worker

        peaks = [(stage, p.pid, proc_hwm_mb(p.pid)) for stage, p in self.procs]
        for _, p in self.procs:
            stop_worker(p)
        return peaks


async def publish(settings: Any, bootstrap: str, topic: str, values: list[dict[str, Any]],
                  rate: float | None = None, sent_at: dict[str, float] | None = None) -> float:
    """Publish `values` (keyed by article id), at full speed or paced at `rate`; returns the first send time."""
    import orjson

    from workers.stage0_replay.publish import make_producer
    from workers.timeutil import utc_now_iso

    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        futures = []
        t0 = time.time()
        for i, v in enumerate(values):
            if rate:
                delay = t0 + i / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            v = dict(v, ingested_at=utc_now_iso())
            if sent_at is not None:
                sent_at[v["article_id"]] = time.time()
            futures.append(await producer.send(topic, key=v["article_id"].encode(), value=orjson.dumps(v)))
        await asyncio.gather(*futures)
        return t0
    finally:
        await producer.stop()


async def wait_drained(probe: Any, workers: Workers, timeout_s: float, poll_s: float = 0.25) -> float:
    """Time (time.time()) of the first poll with total lag zero (confirmed by the next poll)."""
    deadline = time.monotonic() + timeout_s
    first_zero: float | None = None
    while time.monotonic() < deadline:
        workers.check_alive()
        now = time.time()
        if await probe.total() == 0:
            if first_zero is not None:
                return first_zero
            first_zero = now
        else:
            first_zero = None
        await asyncio.sleep(poll_s)
    raise RuntimeError(f"the pipeline did not drain within {timeout_s:.0f}s")


async def throughput(settings: Any, bootstrap: str, layout: list[str], warm: list[dict[str, Any]],
                     timed: list[dict[str, Any]], logdir: Path, timeout_s: float, broker_pid: int) -> dict[str, Any]:
    """Start `layout`, drain the warm-up, publish `timed` at once, time to lag zero."""
    w = Workers(settings, bootstrap, layout, logdir)
    await w.start()
    try:
        async with w.probe() as probe:
            await publish(w.settings, bootstrap, w.topics["raw"].name, warm)
            await wait_drained(probe, w, timeout_s)
            spies = [subprocess.Popen(["py-spy", "record", "-r", "50", "-f", "raw", "-p", str(p.pid),
                                       "-o", str(PROFILE / f"{len(layout)}-{i}-{stage}.txt")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for i, (stage, p) in enumerate(w.procs)] if PROFILE else []
            cpu0, bcpu0 = w.cpu(), proc_cpu(broker_pid)
            t0 = await publish(w.settings, bootstrap, w.topics["raw"].name, timed)
            t1 = await wait_drained(probe, w, timeout_s)
            cpu1, bcpu1 = w.cpu(), proc_cpu(broker_pid)
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait()
    finally:
        peaks = w.stop()
    per_worker = [(stage, (b - a) / len(timed)) for (stage, _), a, b in zip(w.procs, cpu0, cpu1)]
    return {"seconds": t1 - t0, "rate": len(timed) / (t1 - t0), "cpu_per_article": sum(c for _, c in per_worker),
            "per_worker": per_worker, "peaks": peaks, "broker_cpu_per_article": (bcpu1 - bcpu0) / len(timed)}


async def latency(settings: Any, bootstrap: str, layout: list[str], warm: list[dict[str, Any]],
                  paced: list[dict[str, Any]], rate: float, logdir: Path, timeout_s: float) -> dict[str, Any]:
    """Fresh workers; publish `paced` at `rate`; arrival times on the claims and alerts topics."""
    import orjson
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from workers.kafka.connection import aiokafka_kwargs

    w = Workers(settings, bootstrap, layout, logdir)
    await w.start()
    sent_at: dict[str, float] = {}
    to_claim: dict[str, float] = {}
    to_alert: list[float] = []
    revisions = [0]  # late alerts and withdrawals
    try:
        async with w.probe() as probe:
            await publish(w.settings, bootstrap, w.topics["raw"].name, warm)
            await wait_drained(probe, w, timeout_s)
            sub = AIOKafkaConsumer(**aiokafka_kwargs(w.settings, bootstrap), enable_auto_commit=False,
                                   fetch_max_wait_ms=10)
            await sub.start()
            parts = [TopicPartition(w.topics[r].name, p) for r in ("claims", "alerts")
                     for p in range(w.topics[r].partitions)]
            sub.assign(parts)
            await sub.seek_to_end(*parts)  # the warm-up's messages are not measured
            for tp in parts:
                await sub.position(tp)
            stop = asyncio.Event()

            async def listen() -> None:
                while not stop.is_set():
                    batch = await sub.getmany(timeout_ms=50)
                    now = time.time()
                    for tp, messages in batch.items():
                        for m in messages:
                            doc = orjson.loads(m.value)
                            if tp.topic == w.topics["claims"].name:
                                aid = doc["article_id"]
                                if aid in sent_at and aid not in to_claim:
                                    to_claim[aid] = now - sent_at[aid]
                            elif doc.get("late") or doc.get("retracts"):
                                revisions[0] += 1  # caused by a later article's arrival: no latency of its own
                            else:
                                aid = doc["evidence"][0]["article_id"]
                                if aid in sent_at:
                                    to_alert.append(now - sent_at[aid])

            listener = asyncio.create_task(listen())
            await publish(w.settings, bootstrap, w.topics["raw"].name, paced, rate=rate, sent_at=sent_at)
            await wait_drained(probe, w, timeout_s)
            await asyncio.sleep(0.3)
            stop.set()
            await listener
            await sub.stop()
    finally:
        peaks = w.stop()
    return {"claims": list(to_claim.values()), "alerts": to_alert, "revisions": revisions[0], "peaks": peaks}


def print_bare(label: str, a: dict[str, Any], n: int) -> None:
    print(f"{label} (same cores, in-process): {a['rate']:.1f} articles/s ({n} in {a['seconds']:.1f} s), "
          f"CPU {a['cpu_per_article'] * 1000:.1f} ms/article, {a['claims']} claims, {a['alerts']} alerts, "
          f"peak RSS {a['peak_rss_mb']:.0f} MB", flush=True)


def print_cpu(label: str, per_worker: list[tuple[str, float]], broker: float) -> None:
    print(f"  CPU ms per article per worker ({label}): " + ", ".join(f"{s} {c * 1000:.1f}" for s, c in per_worker)
          + f"; broker {broker * 1000:.1f}")


def print_peaks(label: str, peaks: list[tuple[str, int, float]]) -> None:
    print(f"  peak RSS per worker ({label}): " + ", ".join(f"{s} {mb:.0f} MB" for s, _, mb in peaks))


async def broker_part(args: Any, settings: Any, warm: list, warm_html: list, timed: list, paced_pool: list,
                      logdir: Path) -> dict[str, Any]:
    from workers.kafka.broker import EmbeddedBroker

    out: dict[str, Any] = {}
    with EmbeddedBroker() as broker:
        bs = broker.bootstrap_servers
        bpid = broker.process.pid  # type: ignore[union-attr]
        b_cpu0 = proc_cpu(bpid)
        out["b"] = await throughput(settings, bs, STAGES, warm, timed, logdir, args.timeout, bpid)
        print(f"(b) pipeline, 1 process per stage: {out['b']['rate']:.1f} articles/s "
              f"({len(timed)} in {out['b']['seconds']:.1f} s), CPU {out['b']['cpu_per_article'] * 1000:.1f} ms/article "
              "(sum of workers)", flush=True)
        out["c"] = await throughput(settings, bs, ["extract", *STAGES], warm, timed, logdir, args.timeout, bpid)
        print(f"(c) pipeline, 2 extract processes: {out['c']['rate']:.1f} articles/s "
              f"({len(timed)} in {out['c']['seconds']:.1f} s), CPU {out['c']['cpu_per_article'] * 1000:.1f} ms/article",
              flush=True)
        rate = out["b"]["rate"] / 2
        n = max(20, min(len(paced_pool), int(rate * args.latency_seconds)))
        out["d"] = await latency(settings, bs, STAGES, warm_html, paced_pool[:n], rate, logdir, args.timeout)
        out["d"]["rate"], out["d"]["n"] = rate, n
        out["broker_cpu"] = proc_cpu(bpid) - b_cpu0
        out["broker_hwm"] = proc_hwm_mb(bpid)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about one minute: fewer articles")
    parser.add_argument("--articles", type=int, default=None, help="timed articles (default 3000, quick 300)")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "html")
    parser.add_argument("--claims", type=Path, nargs="*",
                        default=[*sorted((SHARED / "eval" / "dev").glob("*/")), SHARED / "seeds"])
    parser.add_argument("--latency-seconds", type=float, default=None, help="paced phase length (30, quick 15)")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    n = args.articles or (300 if args.quick else 3000)
    args.latency_seconds = args.latency_seconds or (15.0 if args.quick else 30.0)
    quiet()
    logging.basicConfig(level=logging.ERROR)

    from workers.settings import Settings

    settings = Settings.from_env({k: v for k, v in os.environ.items() if not k.startswith("KAFKA_BOOTSTRAP")})
    base = load_inputs(args.corpus, [d for d in args.claims if d.is_dir()])
    n_html = sum(1 for _ in Path(args.corpus).glob("*.html"))
    html, with_claims = base[:n_html], base[n_html:]
    warm_pages = html[:30] if args.quick else html
    warm_base = warm_pages + (with_claims[:10] if args.quick else with_claims)
    warm = multiply(warm_base, len(warm_base), "warm")
    warm_html = warm[:len(warm_pages)]  # the latency phase's warm-up: pages without claims
    timed = multiply(base, n, "t")
    # the paced phase: files with claims first, so that most measured articles reach the claims topic
    paced_pool = multiply(with_claims + base, 20 * len(base), "lat")

    print(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GB; "
          f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"inputs: {len(base)} files ({len(html)} HTML pages, {len(with_claims)} files with claims); "
          f"warm-up {len(warm)}, timed {len(timed)} articles", flush=True)
    a1 = bare_chain(settings, warm, timed)
    print_bare("(a) bare chain, before the pipeline", a1, len(timed))
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        out = asyncio.run(broker_part(args, settings, warm, warm_html, timed, paced_pool, Path(tmp)))
    a2 = bare_chain(settings, warm, timed)
    print_bare("(a) bare chain, after the pipeline", a2, len(timed))
    # the machine is shared: (a) runs before and after (b)-(c) and the ratios use the mean of both
    a = {"rate": (a1["rate"] + a2["rate"]) / 2, "cpu_per_article": (a1["cpu_per_article"] + a2["cpu_per_article"]) / 2}
    b, c, d = out["b"], out["c"], out["d"]
    print()
    print(f"{'':38}{'articles/s':>11}{'x bare':>8}{'CPU ms/art':>12}")
    print(f"{'(a) bare chain, mean of both':38}{a['rate']:>11.1f}{1.0:>8.2f}{a['cpu_per_article'] * 1000:>12.1f}")
    print(f"{'(b) pipeline, 1 process per stage':38}{b['rate']:>11.1f}{b['rate'] / a['rate']:>8.2f}"
          f"{b['cpu_per_article'] * 1000:>12.1f}")
    print(f"{'(c) pipeline, 2 extract processes':38}{c['rate']:>11.1f}{c['rate'] / a['rate']:>8.2f}"
          f"{c['cpu_per_article'] * 1000:>12.1f}")
    print_cpu("b", b["per_worker"], b["broker_cpu_per_article"])
    print_cpu("c", c["per_worker"], c["broker_cpu_per_article"])
    print_peaks("b", b["peaks"])
    print_peaks("c", c["peaks"])
    print(f"  broker: {out['broker_cpu']:.1f} CPU s over the whole run, peak RSS {out['broker_hwm']:.0f} MB")
    print(f"latency at {d['rate']:.1f} articles/s offered (half of (b)), {d['n']} articles, 1 process per stage:")
    for label, values in (("publish -> claims topic (per article with a claim)", d["claims"]),
                          ("publish -> alert (per alert sent when its report arrived)", d["alerts"])):
        if values:
            print(f"  {label}: n={len(values)} p50 {pct(values, .5) * 1000:.0f} ms, p95 {pct(values, .95) * 1000:.0f} ms, "
                  f"p99 {pct(values, .99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")
        else:
            print(f"  {label}: no samples")
    print(f"  late alerts and withdrawals (a later-published article processed first): {d['revisions']}")
    print_peaks("latency run", d["peaks"])
    worst = max(mb for _, _, mb in b["peaks"] + c["peaks"] + d["peaks"])
    p99 = pct(d["alerts"] or d["claims"], .99) if (d["alerts"] or d["claims"]) else float("nan")
    print("goals: (b) >= 0.8 x (a): {}; (c) > (b): {}; p99 publish->alert < 500 ms: {}; every worker < 400 MB: {}".format(
        "yes" if b["rate"] >= 0.8 * a["rate"] else "no", "yes" if c["rate"] > b["rate"] else "no",
        "yes" if p99 < 0.5 else "no", "yes" if worst < 400 else "no"))
    print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
