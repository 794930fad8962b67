"""What every benchmark shares: interleaved best-of-N timing, result tables, the machine.

Timing: the jobs of one comparison run in alternation (A, B, A, B, ...), each call timed on its
own, and each job's best call is kept. On a shared machine a burst of outside load then slows
one call of each job rather than all calls of one job, and the best call is the closest to what
the code costs (the convention of ``timeit``).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Measurement:
    """Seconds of each timed call of a job that does ``work`` units per call."""

    work: float
    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def rate(self) -> float:
        """Units per second of the best call."""
        return self.work / self.best

    @property
    def median_rate(self) -> float:
        return self.work / statistics.median(self.seconds)


def interleaved(jobs: Mapping[str, Callable[[], float]], rounds: int,
                warmup: bool = True) -> dict[str, Measurement]:
    """Call every job ``rounds`` times in alternation; each call returns the work it did."""
    if rounds < 1:
        raise ValueError(f"Invalid rounds: {rounds} (must be >= 1)")
    if warmup:
        for job in jobs.values():
            job()
    seconds: dict[str, list[float]] = {name: [] for name in jobs}
    work: dict[str, float] = {}
    for _ in range(rounds):
        for name, job in jobs.items():
            start = time.perf_counter()
            done = job()
            seconds[name].append(time.perf_counter() - start)
            work[name] = done
    return {name: Measurement(work[name], tuple(seconds[name])) for name in jobs}


# --------------------------------------------------------------------------------- tables

@dataclass
class Row:
    """One figure: a rate (or a time), the baseline it is compared with and the goal."""

    what: str
    size: str
    seconds: float | None
    rate: float | None
    unit: str
    baseline: str = ""
    baseline_rate: float | None = None
    goal: str = "—"
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.rate is None or not self.baseline_rate:
            return None
        return self.rate / self.baseline_rate

    def cells(self) -> list[str]:
        base = "—"
        if self.baseline_rate is not None:
            base = format_rate(self.baseline_rate, self.unit)
            if self.baseline:
                base += f" ({self.baseline})"
        elif self.baseline:
            base = self.baseline
        ratio = self.ratio
        met = {True: "yes", False: "NO", None: "—"}[self.met]
        return [self.what, self.size, format_seconds(self.seconds),
                format_rate(self.rate, self.unit), base,
                "—" if ratio is None else f"{ratio:,.2f}×", self.goal, met]


HEADER = ["what", "size", "time", "rate", "baseline rate", "ratio", "goal", "met?"]


@dataclass
class Table:
    """A benchmark's result: rows, and notes that say what was measured and what was seen."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None

    def text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        if self.skipped:
            return "\n".join([*lines, f"skipped: {self.skipped}", ""])
        body = [HEADER, *(row.cells() for row in self.rows)]
        widths = [max(len(r[i]) for r in body) for i in range(len(HEADER))]
        for i, cells in enumerate(body):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines += [f"  * {note}" for note in self.notes]
        return "\n".join([*lines, ""])

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        if self.skipped:
            return "\n".join([*lines, f"Skipped: {self.skipped}", ""])
        lines.append("| " + " | ".join(HEADER) + " |")
        lines.append("|" + "---|" * len(HEADER))
        for row in self.rows:
            cells = [c.replace("|", "\\|") for c in row.cells()]
            lines.append("| " + " | ".join(cells) + " |")
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join([*lines, ""])

    @property
    def all_met(self) -> bool:
        return all(row.met is not False for row in self.rows)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_rate(rate: float | None, unit: str) -> str:
    if rate is None:
        return "—"
    if rate >= 1e6:
        return f"{rate / 1e6:.1f} M {unit}"
    if rate >= 1e4:
        return f"{rate / 1e3:.0f} k {unit}"
    if rate >= 100:
        return f"{rate:,.0f} {unit}"
    return f"{rate:.1f} {unit}"


# --------------------------------------------------------------------------------- machine

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def torch_version() -> str:
    try:
        import torch
    except ImportError:
        return "not installed"
    return str(torch.__version__)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": f"{cores} logical ({usable} usable by this process)",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_description(),
        "torch": torch_version(),
        "load average at start": f"{load} (1, 5, 15 min)",
    }


def machine_text(info: Mapping[str, str]) -> str:
    width = max(len(k) for k in info)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in info.items()) + "\n"


def machine_markdown(info: Mapping[str, str]) -> str:
    return "\n".join(f"- **{k}**: {v}" for k, v in info.items()) + "\n"


# --------------------------------------------------------------------------------- BLAS threads

def _openblas() -> ctypes.CDLL | None:
    """NumPy's OpenBLAS, found among the loaded libraries (None elsewhere: then no control)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps
                     if "openblas" in line.lower() and ".so" in line}
    except OSError:
        return None
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "scipy_openblas_set_num_threads64_"):
            return lib
    return None


def _blas_functions() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    lib = _openblas()
    if lib is None:
        return None
    setter = lib.scipy_openblas_set_num_threads64_
    setter.argtypes = [ctypes.c_int]
    getter = lib.scipy_openblas_get_num_threads64_
    getter.restype = ctypes.c_int
    return setter, getter


def blas_threads() -> int | None:
    """The number of threads NumPy's OpenBLAS uses (None if it cannot be read)."""
    functions = _blas_functions()
    return None if functions is None else int(functions[1]())


def blas_description() -> str:
    config = np.show_config(mode="dicts")
    assert isinstance(config, dict)
    blas = config.get("Build Dependencies", {}).get("blas", {})
    threads = blas_threads()
    return (f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
            + (f", {threads} threads by default" if threads else ""))


@contextlib.contextmanager
def limited_blas(threads: int | None) -> Iterator[bool]:
    """Run with NumPy's OpenBLAS on ``threads`` threads (None: leave as is); yields whether
    the setting took effect."""
    functions = _blas_functions()
    if threads is None or functions is None:
        yield threads is None
        return
    setter, getter = functions
    before = getter()
    setter(threads)
    try:
        yield True
    finally:
        setter(before)


def say(text: str) -> None:
    """Progress on stderr, so that stdout carries only the tables."""
    print(text, file=sys.stderr, flush=True)
