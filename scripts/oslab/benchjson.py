"""Google Benchmark's JSON output: running a benchmark binary to write it, and reading it back."""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .runner import run

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Keys of a benchmark entry that are not user counters.
STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
    "aggregate_name", "aggregate_unit", "error_occurred", "error_message", "label",
}


def run_binary(binary: Path, out: Path, min_time: str | None = None,
               env: dict | None = None, extra: list[str] | None = None) -> str | None:
    """Runs a benchmark binary, its results written to `out` as JSON (min_time: seconds per
    benchmark; None, the binary's default; extra: more flags, e.g. --benchmark_filter=...).
    Returns what went wrong, or None."""
    command = [str(binary), f"--benchmark_out={out}", "--benchmark_out_format=json"]
    command += [f"--benchmark_min_time={min_time}"] if min_time else []
    command += extra or []
    result = run(command, quiet=True, check=False, env=env)
    if result.returncode != 0 or not out.is_file():
        return f"{binary.name} exited with status {result.returncode}"
    return None


@dataclass
class Result:
    """One benchmark; with repetitions, the median of each figure over them (real_ns, cpu_ns,
    every counter) and its spread: (max - min) / median, the range the repetitions covered."""
    name: str
    real_ns: float
    cpu_ns: float
    counters: dict
    error: str | None = None
    label: str = ""
    repetitions: int = 1
    spreads: dict = field(default_factory=dict)  # figure -> spread; none with one repetition

    def counter(self, key: str, default: float | None = None) -> float | None:
        return self.counters.get(key, default)

    def spread(self, key: str = "real_ns") -> float | None:
        """The spread of real_ns, cpu_ns or a counter over the repetitions (None: one run, or a
        median of 0)."""
        return self.spreads.get(key)


def repetition_flags(repetitions: int) -> list[str]:
    """Google Benchmark flags for `repetitions` runs of each benchmark, every run written out
    (parse() takes the median and the spread from them)."""
    return [f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=false"]


def _figures(entry: dict) -> dict[str, float]:
    """real_ns, cpu_ns and the user counters of one benchmark entry."""
    scale = TO_NS.get(entry.get("time_unit", "ns"), 1.0)
    figures = {"real_ns": float(entry.get("real_time", 0)) * scale,
               "cpu_ns": float(entry.get("cpu_time", 0)) * scale}
    figures.update({key: value for key, value in entry.items()
                    if key not in STANDARD_KEYS and isinstance(value, (int, float))})
    return figures


def spread_of(values: list[float]) -> float | None:
    """(max - min) / median of two or more runs' values; None for one run or a median of 0."""
    if not values:
        return None
    middle = statistics.median(values)
    if len(values) < 2 or middle == 0:
        return None
    return (max(values) - min(values)) / abs(middle)


def _result(name: str, entries: list[dict]) -> Result:
    """The Result of one benchmark from its repetitions (or its one entry)."""
    errors = [entry.get("error_message", "") for entry in entries if entry.get("error_occurred")]
    measured = [_figures(entry) for entry in entries if not entry.get("error_occurred")]
    medians, spreads = {}, {}
    for key in (measured[0] if measured else {}):
        values = [figures[key] for figures in measured if key in figures]
        medians[key] = statistics.median(values)
        spread = spread_of(values)
        if spread is not None:
            spreads[key] = spread
    real_ns, cpu_ns = medians.pop("real_ns", 0.0), medians.pop("cpu_ns", 0.0)
    return Result(name=name, real_ns=real_ns, cpu_ns=cpu_ns, counters=medians,
                  error=errors[0] if errors else None, label=entries[0].get("label", ""),
                  repetitions=_repetitions(entries, measured), spreads=spreads)


def _repetitions(entries: list[dict], measured: list[dict]) -> int:
    """Runs measured; a _median aggregate says how many runs it stands for."""
    if entries[0].get("run_type") == "aggregate":
        return int(entries[0].get("repetitions", 1))
    return max(len(measured), 1)


def parse(data: dict) -> dict[str, Result]:
    """name -> Result, in the binary's order. Repetitions of one benchmark (same name) become one
    Result with medians and spreads; Google Benchmark's aggregates are left out, except a
    _median when it is all there is (--benchmark_report_aggregates_only=true)."""
    runs: dict[str, list[dict]] = {}
    medians: dict[str, dict] = {}
    for entry in data.get("benchmarks", []):
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median" and entry.get("run_name"):
                medians[entry["run_name"]] = entry
            continue
        runs.setdefault(entry["name"], []).append(entry)
    for name, entry in medians.items():
        runs.setdefault(name, [entry])
    return {name: _result(name, entries) for name, entries in runs.items()}


def load(path: Path) -> dict[str, Result]:
    return parse(json.loads(path.read_text()))


def load_context(path: Path) -> dict:
    return json.loads(path.read_text()).get("context", {})


def format_ns(ns: float) -> str:
    for unit, size in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= size:
            return f"{ns / size:.3g} {unit}"
    return f"{ns:.3g} ns"


def compare(old: dict[str, Result], new: dict[str, Result]) -> list[tuple[str, float, float, float]]:
    """(name, old ns, new ns, new/old) for every benchmark both runs measured without error."""
    rows = []
    for name, result in new.items():
        before = old.get(name)
        if before and not before.error and not result.error and before.real_ns > 0:
            rows.append((name, before.real_ns, result.real_ns, result.real_ns / before.real_ns))
    return rows
