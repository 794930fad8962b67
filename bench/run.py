"""Run the benchmarks and print one table each: ``python -m bench.run [--quick] [--only NAME]``.

A full run (no ``--quick``, no ``--only``) also writes the tables and the machine to
``bench/RESULTS.md``, which the README includes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bench import (
    landscape_slice,
    map_vs_scalar,
    mlp_vs_torch,
    page_latency,
    room_follow,
    stream,
    surface_socket,
)
from bench.common import Table, machine, machine_markdown, machine_text, say

BENCHMARKS: dict[str, Callable[[bool], Table]] = {
    "map": map_vs_scalar.run,
    "mlp": mlp_vs_torch.run,
    "stream": stream.run,
    "surface": surface_socket.run,
    "page": page_latency.run,
    "landscape": landscape_slice.run,
    "room": room_follow.run,
}
"""Name (for ``--only``) -> the benchmark's ``run(quick)``."""

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def summary(tables: list[Table]) -> str:
    judged = [row for table in tables for row in table.rows if row.met is not None]
    missed = [row.what for row in judged if not row.met]
    text = f"Goals met: {len(judged) - len(missed)} of {len(judged)}."
    if missed:
        text += " Missed: " + "; ".join(missed) + "."
    return text


def results_markdown(info: dict[str, str], tables: list[Table]) -> str:
    parts = ["# Benchmark results", "",
             "Written by `.venv/bin/python -m bench.run` (a full run); see README.md for what "
             "each figure means.", "", machine_markdown(info)]
    parts += [table.markdown() for table in tables]
    parts += [summary(tables), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where a full run writes its Markdown (default: bench/RESULTS.md)")
    parser.add_argument("--no-results", action="store_true",
                        help="do not write the Markdown, even on a full run")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    info = machine()
    print(machine_text(info), flush=True)
    tables: list[Table] = []
    for name in names:
        say(f"running {name}{' (quick)' if args.quick else ''} ...")
        table = BENCHMARKS[name](args.quick)
        tables.append(table)
        print(table.text(), flush=True)
    print(summary(tables))
    if not (args.quick or args.only or args.no_results):
        args.results.write_text(results_markdown(info, tables), encoding="utf-8")
        say(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
