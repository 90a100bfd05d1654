"""Claims-stage throughput: this tree's claims code against a baseline commit's, on the same articles, in one run.

    python bench/claims.py [--quick] [--rounds N] [--baseline COMMIT] [--corpus DIR]

Inputs: the article files of the development scenarios (../shared/eval/dev), the seeds and the HTML
pages of ../shared/corpus/html, extracted and normalized once beforehand with this tree's extract and
normalize stages (so both sides read identical mentions). Timed: `extract_claims` plus
`article_verdicts` over every article, ROUNDS times, after one untimed warm-up pass (imports, pattern
compilation, lexicon generation). The baseline is the claims code of COMMIT (default: main before issues
13 and 14), unpacked with `git archive` into a temporary directory; each side runs in its own
process, alternately (old, new, old, new ...), and the ratio uses the best round of each.
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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BASELINE = "cf12594"

_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from workers.records import NormalizedArticle
from workers.stage4_claims.core import article_verdicts, extract_claims
rows = json.load(open(sys.argv[2], encoding="utf-8"))
articles = [(row["group"], NormalizedArticle.from_dict(row["article"])) for row in rows]
rounds = int(sys.argv[3])
claims = sum(len(article_verdicts(extract_claims(a))) for _, a in articles)  # warm-up
times = {"all": [], "dev": []}
for _ in range(rounds):
    spent = {"corpus": 0.0, "dev": 0.0}
    for group, a in articles:
        t0 = time.perf_counter()
        article_verdicts(extract_claims(a))
        spent[group] += time.perf_counter() - t0
    times["all"].append(spent["corpus"] + spent["dev"])
    times["dev"].append(spent["dev"])
print(json.dumps({"times": times, "verdicts": claims}))
"""


def normalized_inputs(corpus: Path) -> list[dict]:
    """Every dev, seed and corpus article, extracted and normalized once with this tree's stages, with its group
    ("dev": the scenario and seed files, which carry claims; "corpus": the HTML pages)."""
    from workers.chain import Chain, raw_from_item
    from workers.records import RawArticle
    from workers.settings import Settings
    from workers.stage0_replay.core import ReplayItem, read_replay_dir

    settings = Settings.from_env()
    chain = Chain(settings)
    dirs = sorted(d for d in (SHARED / "eval" / "dev").iterdir() if d.is_dir())
    dirs += [REPO / "seeds", corpus]
    out = []
    for directory in dirs:
        for item in read_replay_dir(directory, settings.max_message_bytes):
            if not isinstance(item, ReplayItem):
                continue
            raw = raw_from_item(item)
            if not isinstance(raw, RawArticle):
                continue
            extracted = chain.stages["extract"].step("raw", raw)
            if extracted.rejection is not None:
                continue
            record = chain.stages["normalize"].decoders["unique"][1](extracted.emits[0].value)
            out.append({"group": "corpus" if directory == corpus else "dev",
                        "article": chain.stages["normalize"].step("unique", record).emits[0].value})
    return out


def baseline_tree(commit: str, into: Path) -> Path:
    """The `workers` package of `commit`, unpacked into `into`."""
    archive = subprocess.run(["git", "archive", commit, "workers"], cwd=REPO, capture_output=True, check=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_side(tree: Path, inputs: Path, rounds: int) -> dict:
    """One timed process on the claims code of `tree`."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(tree), str(inputs), str(rounds)],
                         capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 alternations of 3 rounds instead of 4 of 5")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds per process")
    parser.add_argument("--baseline", default=BASELINE, help="commit whose claims code is the baseline")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "html")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 5)
    alternations = 2 if args.quick else 4

    sys.path.insert(0, str(REPO))
    articles = normalized_inputs(args.corpus)
    chars = sum(len(a["article"]["text"] or "") for a in articles)
    mentions = sum(len(a["article"]["mentions"]) for a in articles)
    n_dev = sum(1 for a in articles if a["group"] == "dev")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}; "
          f"{len(articles)} articles, {chars / 1e3:.0f} k chars, {mentions} mentions; "
          f"{alternations} x {rounds} rounds per side")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "normalized.json"
        inputs.write_text(json.dumps(articles), encoding="utf-8")
        old_tree = baseline_tree(args.baseline, Path(tmp) / "baseline")
        best: dict[tuple[str, str], float] = {}
        verdicts: dict[str, int] = {}
        for _ in range(alternations):
            for side, tree in (("old", old_tree), ("new", REPO)):
                result = run_side(tree, inputs, rounds)
                for group, times in result["times"].items():
                    best[(side, group)] = min(best.get((side, group), float("inf")), *times)
                verdicts[side] = result["verdicts"]
    for group, n, what in (("all", len(articles), "all articles"), ("dev", n_dev, "dev and seed files only")):
        print(f"{what} ({n}):")
        for side, label in (("old", f"baseline {args.baseline}"), ("new", "this tree")):
            t = best[(side, group)]
            print(f"  {label:>18}: {n / t:7.0f} articles/s ({1e3 * t / n:.3f} ms per article, best round {t:.3f} s)"
                  + (f", {verdicts[side]} verdicts" if group == "all" else ""))
        print(f"  throughput new/old: {best[('old', group)] / best[('new', group)]:.2f} x")
    ratio = best[("old", "all")] / best[("new", "all")]
    verdict = "meets" if ratio >= 0.8 else "misses"
    print(f"throughput new/old on all articles: {ratio:.2f} x ({verdict} the 0.8 x floor)")
    print(f"measured at {time.strftime('%Y-%m-%d %H:%M')}, load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
