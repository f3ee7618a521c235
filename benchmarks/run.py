"""Run every benchmark and print one table (``nox -s bench``; see benchmarks/README.md).

Options: ``--repeats N`` (samples per contender, the median is kept; default 7) and
``--only accumulate,translate,parse,gateway`` to run some groups.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

try:
    import wireshift  # noqa: F401
except ImportError:  # a checkout run without installing: use its src/ (and in subprocesses)
    _SRC = str(Path(__file__).resolve().parents[1] / "src")
    sys.path.insert(0, _SRC)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_SRC, os.environ.get("PYTHONPATH")]))

import accumulate_cost
import gateway_cost
import parse_cost
import translate_cost
from common import Section, machine, render

GROUPS: dict[str, Callable[[int], list[Section]]] = {
    "accumulate": accumulate_cost.sections,
    "translate": translate_cost.sections,
    "parse": parse_cost.sections,
    "gateway": gateway_cost.sections,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="samples per contender")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    start = time.perf_counter()
    sections: list[Section] = []
    for name in chosen:
        print(f"(running {name} ...)", file=sys.stderr, flush=True)
        sections.extend(GROUPS[name](args.repeats))
    elapsed = time.perf_counter() - start
    header = (
        f"wireshift benchmarks. Machine: {machine()}.\n"
        f"Median of {args.repeats} samples of process CPU time per contender, sampled in turns; "
        f"ratio = the median over the rounds of time / the 'against' time (the 64-stream "
        f"delays: over the rounds' events pooled); run took "
        f"{elapsed:.0f} s."
    )
    print(render(header, sections))
    judged = [(s.title, row) for s in sections for row in s.rows if row.met is not None]
    missed = [f"  {row.name}, on {title}" for title, row in judged if not row.met]
    print(f"\ntargets met: {len(judged) - len(missed)} of {len(judged)}")
    if missed:
        print("missed:", *missed, sep="\n")


if __name__ == "__main__":
    main()
