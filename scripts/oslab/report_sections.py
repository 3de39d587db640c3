"""One section of the report per lab: a table of key figures, takeaways, plots."""
from __future__ import annotations

from dataclasses import dataclass, field

import benchjson
from plots import Plot


@dataclass
class Section:
    title: str
    intro: str = ""
    tables: list = field(default_factory=list)  # [(caption, header, rows)]
    takeaways: list = field(default_factory=list)
    plots: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def markdown(self) -> list[str]:
        lines = [f"## {self.title}", ""]
        if self.intro:
            lines += [self.intro, ""]
        for caption, header, rows in self.tables:
            if caption:
                lines += [f"**{caption}**", ""]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
            lines.append("")
        for note in self.notes:
            lines += [note, ""]
        return lines


def generic(lab, results: dict) -> Section:
    """Every benchmark with its time and counters: the fallback for a lab without a section."""
    rows = []
    for result in results.values():
        if result.error:
            rows.append((result.name, "not implemented" if "not implemented" in result.error else "error",
                         result.error[:80]))
            continue
        counters = ", ".join(f"{key}={value:.4g}" for key, value in sorted(result.counters.items()))
        rows.append((result.name, benchjson.format_ns(result.real_ns), counters))
    return Section(title=f"{lab.id} — {lab.title}",
                   tables=[("", ("benchmark", "time per iteration", "counters"), rows)])


def parse_name(name: str) -> tuple[str, dict, list]:
    """'BM_X/MiB:64/min_time:0.200/real_time' -> ('BM_X', {'MiB': '64'}, []);
    'BM_Latency/4096' -> ('BM_Latency', {}, ['4096'])."""
    family, *parts = name.split("/")
    named, positional = {}, []
    for part in parts:
        if part in ("real_time", "process_time", "manual_time") or part.startswith(
                ("min_time:", "iterations:", "repeats:", "threads:")):
            continue
        if ":" in part:
            key, value = part.split(":", 1)
            named[key] = value
        else:
            positional.append(part)
    return family, named, positional


def find(results: dict, family: str, **args) -> benchjson.Result | None:
    """The measured (error-free) result of `family` whose named arguments include `args`."""
    for result in results.values():
        name, named, _ = parse_name(result.name)
        if name == family and not result.error and all(
                named.get(key) == str(value) for key, value in args.items()):
            return result
    return None


def family(results: dict, name: str) -> list[tuple[dict, list, benchjson.Result]]:
    """Every error-free result of one benchmark family, with its parsed arguments."""
    found = []
    for result in results.values():
        family_name, named, positional = parse_name(result.name)
        if family_name == name and not result.error:
            found.append((named, positional, result))
    return found


def us(result, counter: str | None = None) -> float | None:
    """Microseconds: a counter already in µs, or the result's real time."""
    if result is None:
        return None
    if counter:
        return result.counter(counter)
    return result.real_ns / 1e3


def fmt(value: float | None, unit: str = "", digits: int = 3) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}g}" if abs(value) < 10 ** digits else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def fmt_us(value: float | None) -> str:
    """Microseconds, switching to milliseconds from 10 ms up."""
    if value is not None and value >= 10_000:
        return fmt(value / 1e3, "ms")
    return fmt(value, "µs")


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def load_other(extra: dict, lab_id: str) -> dict:
    """Another lab's results of the same run (e.g. Lab 2's per-task cost beside Lab 1's threads)."""
    path = extra["raw"] / f"{lab_id}.json"
    return benchjson.load(path) if path.is_file() else {}


BUILDERS = {}


def builder(lab_id: str):
    def register(function):
        BUILDERS[lab_id] = function
        return function
    return register


# Lab sections live in report_labs.py; importing it registers them.


def build(lab, results: dict, extra: dict) -> Section:
    builder = BUILDERS.get(lab.id)
    section = builder(lab, results, extra) if builder else generic(lab, results)
    missing = [r.name for r in results.values() if r.error and "not implemented" in r.error]
    if missing:
        section.notes.append(f"Not implemented yet ({len(missing)} benchmarks skipped): "
                             + ", ".join(f"`{name}`" for name in missing[:12]))
    return section


import report_labs  # noqa: E402,F401  (registers the per-lab builders)
