"""Google Benchmark's JSON output: running a benchmark binary to write it, and reading it back."""
from __future__ import annotations

import json
from dataclasses import dataclass
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
    name: str
    real_ns: float
    cpu_ns: float
    counters: dict
    error: str | None = None
    label: str = ""

    def counter(self, key: str, default: float | None = None) -> float | None:
        return self.counters.get(key, default)


def parse(data: dict) -> dict[str, Result]:
    """name -> Result, in the binary's order; aggregates (mean, median...) are left out."""
    results: dict[str, Result] = {}
    for entry in data.get("benchmarks", []):
        if entry.get("run_type") == "aggregate":
            continue
        scale = TO_NS.get(entry.get("time_unit", "ns"), 1.0)
        counters = {key: value for key, value in entry.items()
                    if key not in STANDARD_KEYS and isinstance(value, (int, float))}
        results[entry["name"]] = Result(
            name=entry["name"],
            real_ns=float(entry.get("real_time", 0)) * scale,
            cpu_ns=float(entry.get("cpu_time", 0)) * scale,
            counters=counters,
            error=entry.get("error_message") if entry.get("error_occurred") else None,
            label=entry.get("label", ""),
        )
    return results


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
