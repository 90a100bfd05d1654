"""How long a user waits for `frontwire run`, against bare trafilatura + langdetect, in one run.

Measures, one after another on this machine:
- bare: `trafilatura.extract` + `langdetect.detect` over the corpus pages in one process (after a warm-up);
- `frontwire run CORPUS` in its default mode (embedded broker, every stage, replay at full speed, drain);
- `frontwire run` on a folder holding one page of the corpus: the start-up and shut-down a run costs;
- `frontwire run seeds/`, the README's first command.
The run's net time is the corpus run minus the one-page run; the goals of issue 14 are net at least
0.5 × as fast as bare (bare seconds / net seconds >= 0.5) and the seeds in under 6 s.

    python bench/run.py                      # the 200 pages of ../shared/corpus/html, seeds 3 times
    python bench/run.py --pages 50 --repeat 1
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "html"


def bare(pages: list[Path]) -> float:
    """Seconds for trafilatura.extract + langdetect.detect over `pages` in this process (warmed up first)."""
    import langdetect
    import trafilatura
    from langdetect.lang_detect_exception import LangDetectException

    for name in ("trafilatura", "htmldate", "justext", "readability"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    data = [p.read_bytes() for p in pages]

    def one(raw: bytes) -> None:
        text = trafilatura.extract(raw) or ""
        if text:
            try:
                langdetect.detect(text)
            except LangDetectException:
                pass

    for raw in data[:5]:
        one(raw)
    t0 = time.perf_counter()
    for raw in data:
        one(raw)
    return time.perf_counter() - t0


def run(directory: Path) -> float:
    """Wall seconds of `frontwire run DIRECTORY --json` (a new process, as a user types it)."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "workers", "run", str(directory), "--json"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"frontwire run {directory} failed:\n{done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--pages", type=int, default=0, help="use the first N pages (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the seeds and of the one-page folder")
    args = parser.parse_args(argv)
    pages = sorted(args.corpus.glob("*.html"))[: args.pages or None]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, single = Path(tmp) / "corpus", Path(tmp) / "one"
        corpus.mkdir()
        single.mkdir()
        for page in pages:
            shutil.copy(page, corpus / page.name)
        shutil.copy(pages[0], single / pages[0].name)
        run(single)  # the gazetteer cache and the byte-code are on disk before anything is timed
        t_bare = bare(pages)
        t_corpus = run(corpus)
        t_one = statistics.median(run(single) for _ in range(args.repeat))
        t_seeds = [run(ROOT / "seeds") for _ in range(args.repeat)]
    net = t_corpus - t_one
    ratio = t_bare / net
    print(f"pages: {len(pages)} from {args.corpus}")
    print(f"bare trafilatura.extract + langdetect, one process: {t_bare:6.1f} s  ({len(pages) / t_bare:.1f} pages/s)")
    print(f"frontwire run (default mode), all pages:           {t_corpus:6.1f} s")
    print(f"frontwire run, one page (median of {args.repeat}):              {t_one:6.1f} s")
    print(f"run net of the one-page run:                       {net:6.1f} s  ({len(pages) / net:.1f} pages/s)")
    print(f"speed of the net run / bare:                       {ratio:6.2f} x  (goal >= 0.5: "
          f"{'met' if ratio >= 0.5 else 'NOT met'})")
    print(f"frontwire run seeds/: {', '.join(f'{t:.1f}' for t in t_seeds)} s  (median {statistics.median(t_seeds):.1f}; "
          f"goal < 6 s: {'met' if statistics.median(t_seeds) < 6 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
