"""The long fuzzing run (``nox -s fuzz``; not in CI).

    python tests/fuzz_many.py --inputs 1000000 --jobs 2 --seed 1

Runs the mutations of ``hostile_inputs.py`` over every entry point, then truncates every
corpus stream at every byte in both directions, and prints: inputs run, defects grouped by
kind and place (one example each, written to ``--out``), inputs slower than 1 s, and inputs
whose traced peak memory exceeds 50x their size plus 1 MB (every 100th input is measured).
Exits 1 when anything was found.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import random

from hostile_inputs import Case, Corpus, cases, run_case
from wireshift import WireshiftError, translate_stream

SLOW_SECONDS = 1.0
MEMORY_FACTOR = 50
MEMORY_SLACK = 1 << 20


def _size(case: Case) -> int:
    data = case.data
    if isinstance(data, (bytes, str)):
        return len(data)
    if isinstance(data, list) and all(isinstance(p, (bytes, str)) for p in data):
        return sum(len(p) for p in data)
    try:
        return len(json.dumps(data))
    except (ValueError, RecursionError):
        return 1 << 20


def _work(job: tuple[int, int, int]) -> dict[str, Any]:
    seed, count, measure_every = job
    corpus = Corpus.load()
    rng = random.Random(seed)
    defects: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    slow: list[tuple[float, str]] = []
    heavy: list[tuple[int, int, str]] = []
    for n, case in enumerate(cases(rng, corpus, count)):
        measure = n % measure_every == 0
        if measure:
            tracemalloc.start()
        outcome = run_case(case)
        if measure:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            size = _size(case)
            if peak > MEMORY_FACTOR * size + MEMORY_SLACK:
                # Once more, warm: the first use of a model builds its validators, which
                # is the process's cost, not the input's.
                tracemalloc.start()
                run_case(case)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                if peak > MEMORY_FACTOR * size + MEMORY_SLACK:
                    heavy.append((peak, size, case.describe(200)))
        if outcome.seconds > SLOW_SECONDS:
            # Timed again without tracemalloc (which slows a run several times) and warm.
            outcome.seconds = run_case(case).seconds
        if outcome.defect:
            key = (outcome.defect.split(":")[0][:100], outcome.where or "")
            defects[key] += 1
            examples.setdefault(
                key, f"{outcome.defect[:500]}\n{outcome.trace}\n{case.describe(2000)}"
            )
        if outcome.seconds > SLOW_SECONDS:
            slow.append((outcome.seconds, case.describe(300)))
    return {"count": count, "defects": defects, "examples": examples, "slow": slow, "heavy": heavy}


def _truncations(names: list[str]) -> dict[str, Any]:
    streams = dict(Corpus.load().streams)
    cuts = after_output = 0
    examples: list[str] = []
    for name in names:
        data = streams[name]
        for cut in range(len(data) + 1):
            for to in ("chat", "responses"):
                cuts += 1
                out = 0
                try:
                    for _ in translate_stream([data[:cut]], to=to):
                        out += 1
                except WireshiftError as exc:
                    if out:
                        after_output += 1
                        examples.append(f"{name} cut at {cut} to {to}: {exc!r}"[:300])
                except Exception as exc:  # a defect: counted, not raised
                    after_output += 1
                    examples.append(f"{name} cut at {cut} to {to}: FOREIGN {exc!r}"[:300])
    return {"cuts": cuts, "bad": after_output, "examples": examples[:10]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="/tmp/wireshift-fuzz")
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    started = time.time()
    batches = [
        (args.seed * 1_000_003 + i, min(args.batch, args.inputs - i * args.batch), 100)
        for i in range((args.inputs + args.batch - 1) // args.batch)
    ]
    defects: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    slow: list[tuple[float, str]] = []
    heavy: list[tuple[int, int, str]] = []
    done = 0
    names = sorted(dict(Corpus.load().streams))
    with multiprocessing.Pool(args.jobs) as pool:
        truncations = pool.map_async(
            _truncations, [names[i :: args.jobs] for i in range(args.jobs)]
        )
        for result in pool.imap_unordered(_work, batches):
            done += result["count"]
            defects.update(result["defects"])
            for key, text in result["examples"].items():
                examples.setdefault(key, text)
            slow += result["slow"]
            heavy += result["heavy"]
            print(
                f"{done} inputs, {sum(defects.values())} defects, {time.time() - started:.0f} s",
                flush=True,
            )
        cut_results = truncations.get()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"\n{done} inputs in {time.time() - started:.0f} s with {args.jobs} jobs")
    print(f"defects: {sum(defects.values())} in {len(defects)} kinds")
    for n, ((kind, where), count) in enumerate(defects.most_common()):
        (out / f"defect-{n}.txt").write_text(examples[(kind, where)])
        print(f"  {count:6d}  {kind}  at {where}  (example: {out / f'defect-{n}.txt'})")
    print(f"slower than {SLOW_SECONDS} s: {len(slow)}")
    for seconds, what in sorted(slow, reverse=True)[:10]:
        print(f"  {seconds:.2f} s  {what}")
    print(f"memory over {MEMORY_FACTOR}x the input + 1 MB (sampled 1 in 100): {len(heavy)}")
    for peak, size, what in sorted(heavy, reverse=True)[:10]:
        print(f"  {peak / 1e6:.1f} MB for {size} bytes  {what}")
    cuts = sum(r["cuts"] for r in cut_results)
    bad = sum(r["bad"] for r in cut_results)
    print(
        f"truncation at every byte of {len(names)} streams, both directions: {cuts} cuts, "
        f"{bad} raised after output"
    )
    for r in cut_results:
        for line in r["examples"]:
            print("  " + line)
    return 1 if defects or slow or heavy or bad else 0


if __name__ == "__main__":
    sys.exit(main())
