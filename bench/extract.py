"""Benchmark of the extraction stage against bare trafilatura + langdetect on the annotated corpus.

    python bench/extract.py [--corpus DIR] [--quick]

For each page of `corpus/html` (annotations.json: `with` snippets a good extraction contains,
`without` boilerplate it must not contain) it runs, in the same process and interleaved page by
page (so background load hits both alike):

- ours:     workers.stage1_extract.core.extract_article on the RawArticle replay would publish
            (body when UTF-8, else body_base64; no sidecar);
- baseline: trafilatura.extract(page bytes) (its defaults) + langdetect.detect on its output.

Snippets and outputs are compared after the same normalisation for both systems (whitespace runs
collapsed, typographic quotes folded), since our text folds quotes by design. Peak memory is
measured per system in a fresh child process (peak RSS over the post-import baseline, and the
tracemalloc peak of Python allocations; lxml's C heap is only in RSS).
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import multiprocessing as mp
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "html"
QUICK_PAGES = 40
WARMUP_PAGES = 5


def quiet() -> None:
    """Silence trafilatura's per-page warnings ("discarding data") so the figures stay readable."""
    for name in ("trafilatura", "htmldate", "justext", "readability"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def load_corpus(corpus: Path, quick: bool) -> tuple[list[str], dict[str, bytes], dict[str, dict]]:
    """Page names, their bytes and their annotations."""
    annotations = json.loads((corpus / "annotations.json").read_text(encoding="utf-8"))
    names = sorted(annotations)
    if quick:
        names = names[:QUICK_PAGES]
    pages = {name: (corpus / name).read_bytes() for name in names}
    return names, pages, annotations


def raw_for(name: str, data: bytes):  # -> RawArticle
    """The raw-topic record replay publishes for one HTML file without sidecar."""
    from workers.records import RawArticle

    common = dict(article_id=name, source=name.rsplit(".", 1)[0], url=None,
                  published_at="2024-01-01T00:00:00Z", content_type="text/html", filename=name)
    try:
        return RawArticle(body=data.decode("utf-8"), **common)
    except UnicodeDecodeError:
        return RawArticle(body_base64=base64.b64encode(data).decode("ascii"), **common)


def make_ours(pages: dict[str, bytes], lazy: bool = False) -> Callable[[str], str]:
    """Our stage on one page -> main text ('' when rejected); `lazy` builds each record on the fly."""
    from workers.stage1_extract.core import extract_article

    raws = {} if lazy else {name: raw_for(name, data) for name, data in pages.items()}
    rejections: Counter[str] = Counter()

    def run(name: str) -> str:
        result = extract_article(raws[name] if not lazy else raw_for(name, pages[name]))
        text = getattr(result, "text", None)
        if text is None:
            rejections[result.reason] += 1
            return ""
        return text

    run.rejections = rejections  # type: ignore[attr-defined]
    return run


def make_baseline(pages: dict[str, bytes]) -> Callable[[str], str]:
    """Bare trafilatura.extract + langdetect.detect on its output."""
    import langdetect
    import trafilatura
    from langdetect.lang_detect_exception import LangDetectException

    def run(name: str) -> str:
        text = trafilatura.extract(pages[name]) or ""
        if text:
            try:
                langdetect.detect(text)
            except LangDetectException:
                pass
        return text

    return run


def norm(text: str) -> str:
    """Comparison form for both systems: quotes folded, whitespace collapsed."""
    from workers.stage1_extract.textclean import normalize_line

    return normalize_line(text.replace("\n", " "))


def quality(outputs: dict[str, str], names: list[str], annotations: dict[str, dict]) -> tuple[float, float, int, int]:
    """(share of `with` found, share of `without` excluded, n with, n without)."""
    found = total_with = excluded = total_without = 0
    for name in names:
        text = norm(outputs.get(name, ""))
        for snippet in annotations[name].get("with", []):
            total_with += 1
            found += norm(snippet) in text
        for snippet in annotations[name].get("without", []):
            total_without += 1
            excluded += norm(snippet) not in text
    return found / max(total_with, 1), excluded / max(total_without, 1), total_with, total_without


def _memory_child(system: str, corpus: str, quick: bool, queue: mp.Queue) -> None:
    """Run one system over all pages in a fresh process and report its memory peaks."""
    import gc

    sys.path.insert(0, str(REPO))
    quiet()
    names, pages, _ = load_corpus(Path(corpus), quick)
    run = make_ours(pages, lazy=True) if system == "ours" else make_baseline(pages)
    for name in names[:WARMUP_PAGES]:
        run(name)
    gc.collect()
    rss_before = _rss_kb("VmRSS")
    _reset_peak_rss()
    tracemalloc.start()
    for name in names:
        run(name)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = _rss_kb("VmHWM")
    queue.put((rss_peak / 1024, (rss_peak - rss_before) / 1024, traced_peak / 2**20))


def _rss_kb(field: str) -> float:
    """VmRSS / VmHWM of this process in kB (Linux); falls back to ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _reset_peak_rss() -> None:
    """Reset this process's peak-RSS mark (Linux), so the peak is the run's, not the warm-up's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def memory(system: str, corpus: Path, quick: bool) -> tuple[float, float, float]:
    """(peak RSS MB, peak growth over the warmed-up RSS MB, tracemalloc peak MB) of one system."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_memory_child, args=(system, str(corpus), quick, queue))
    proc.start()
    result = queue.get(timeout=1800)
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure and print the comparison; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus directory (default {DEFAULT_CORPUS})")
    parser.add_argument("--quick", action="store_true", help=f"first {QUICK_PAGES} pages only, no memory pass")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory pass (child processes)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    quiet()

    do_memory = not (args.quick or args.no_memory)
    mem_ours = memory("ours", args.corpus, args.quick) if do_memory else None
    mem_base = memory("baseline", args.corpus, args.quick) if do_memory else None

    names, pages, annotations = load_corpus(args.corpus, args.quick)
    ours, base = make_ours(pages), make_baseline(pages)
    for name in names[:WARMUP_PAGES]:  # load langdetect profiles, lazy imports, regex caches
        ours(name)
        base(name)
    ours.rejections.clear()  # type: ignore[attr-defined]

    out_ours: dict[str, str] = {}
    out_base: dict[str, str] = {}
    t_ours: list[float] = []
    t_base: list[float] = []
    for i, name in enumerate(names):
        order = [(ours, out_ours, t_ours), (base, out_base, t_base)]
        if i % 2:
            order.reverse()
        for fn, out, times in order:
            start = time.perf_counter()
            out[name] = fn(name)
            times.append(time.perf_counter() - start)

    q_ours = quality(out_ours, names, annotations)
    q_base = quality(out_base, names, annotations)
    pps_ours = len(names) / sum(t_ours)
    pps_base = len(names) / sum(t_base)

    print(f"corpus: {args.corpus} ({len(names)} pages, {q_ours[2]} `with` and {q_ours[3]} `without` snippets)")
    header = f"{'system':<40} {'with found':>10} {'without excl.':>13} {'pages/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'peak RSS MB (+growth)':>22} {'tracemalloc MB':>14}"
    print(header)
    for label, q, pps, times, mem in (
        ("ours: extract_article", q_ours, pps_ours, t_ours, mem_ours),
        ("baseline: trafilatura.extract+langdetect", q_base, pps_base, t_base, mem_base),
    ):
        p50 = statistics.median(times) * 1000
        p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1000
        mem_s = f"{mem[0]:.0f} (+{mem[1]:.0f})" if mem else "-"
        tm_s = f"{mem[2]:.1f}" if mem else "-"
        print(f"{label:<40} {q[0]:>10.3f} {q[1]:>13.3f} {pps:>8.1f} {p50:>7.1f} {p95:>7.1f} {mem_s:>22} {tm_s:>14}")
    ratio = pps_ours / pps_base
    print(f"pages/s ratio ours / baseline: {ratio:.2f} (goal >= 0.90)")
    print(f"with: {q_ours[0] - q_base[0]:+.3f}, without: {q_ours[1] - q_base[1]:+.3f} (goal: both >= 0)")
    print(f"our rejections: {dict(sorted(ours.rejections.items())) or 'none'}")  # type: ignore[attr-defined]
    ok = ratio >= 0.9 and q_ours[0] >= q_base[0] and q_ours[1] >= q_base[1]
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
