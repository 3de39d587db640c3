"""Writing the report from raw/: index.md (machine, takeaways, one section per lab, plots),
raw/all-benchmarks.json, and the new/old comparison with an earlier report."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from .. import benchjson
from . import labs as lab_modules
from . import plots
from . import noise
from .formatting import fmt, format_bytes


def machine_table(machine: dict) -> list[str]:
    return ["## Machine", "", "| | |", "|---|---|",
            f"| CPU | {machine['cpu']} |", f"| cores | {machine['cores']} |",
            f"| memory | {machine['memory_gib']} GiB |",
            "| caches | " + ", ".join(f"L{c['level']} {format_bytes(c['bytes'])}"
                                    for c in machine["caches"]) + " |",
            f"| kernel | {machine['kernel']} |", f"| compiler | {machine['compiler']} |",
            f"| hardware counters | {machine['hardware_counters']} |",
            f"| steal time | {steal_text(machine.get('steal_percent'))} |",
            f"| CPU frequency governor | {machine.get('governor') or 'not exposed'} |", ""]


def steal_text(steal: dict | None) -> str:
    """'0.7 % since boot, 0 % now' from machine.steal(); 'not reported' without /proc/stat."""
    parts = [f"{fmt(steal[when], '%', 2)} {label}" for when, label in
             (("since_boot", "since boot"), ("now", "while writing the report"))
             if steal and steal.get(when) is not None]
    return ", ".join(parts) or "not reported"


def draw_plots(plots_to_draw: list, directory: Path, warnings: list[str]) -> dict[str, str]:
    """Renders each non-empty plot; returns plot name -> its Markdown image line."""
    images = {}
    for plot in plots_to_draw:
        if plot.empty():
            continue
        try:
            png = plots.render(plot, directory)
        except RuntimeError as error:
            warnings.append(str(error))
            continue
        if png is None:
            warnings.append("gnuplot is missing: plots not drawn (install: sudo apt-get install "
                            "gnuplot-nox); the tables are complete")
            break
        images[plot.name] = f"![{plot.title}](plots/{png.name})"
    return images


def readme_questions(lab) -> list[str]:
    """The numbered questions of the lab README's `## Questions` section, one string each."""
    text = lab.readme.read_text() if lab.readme.is_file() else ""
    match = re.search(r"^## Questions\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return []
    items = re.split(r"^\d+\.\s+", match.group(1), flags=re.M)[1:]
    return [" ".join(line.strip() for line in item.strip().splitlines()) for item in items]


def questions_sheet(lab) -> list[str]:
    """A results sheet: the README's questions right after the student's numbers, with room for
    the answers (written in this file, or copied into the student's own notes)."""
    questions = readme_questions(lab)
    if not questions:
        return []
    lines = [f"### Your answers: {lab.id}'s questions, from the numbers above", ""]
    for number, question in enumerate(questions, start=1):
        lines += [f"{number}. {question}", "", "   _Your answer:_", ""]
    return lines


def write_report(out: Path, labs, machine: dict, variant: str, quick: bool) -> list[str]:
    """Writes out/index.md and out/plots/ from out/raw/; returns the warnings (e.g. no gnuplot)."""
    warnings: list[str] = []
    raw = out / "raw"
    lines = ["# Chapter 2 report: the operating system, measured on this machine", ""]
    lines += [f"Implementation measured: **{'the reference solutions' if variant == 'solution' else 'your code (starter)'}**"
              f"{' — quick mode (short runs, noisier)' if quick else ''}. "
              f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `scripts/lab report`.", ""]
    lines += machine_table(machine)
    takeaways_all: list[str] = []
    figures: list = []
    shapes: list = []
    section_lines: list[str] = []
    for lab in labs:
        path = raw / f"{lab.id}.json"
        if not path.is_file():
            section_lines += [f"## {lab.id} — {lab.title}", "", "_No results: its benchmark did not run._", ""]
            continue
        results = benchjson.load(path)
        extra = {"raw": raw, "context": benchjson.load_context(path)}
        section = lab_modules.section(lab, results, extra)
        parts = section.walk()
        images = draw_plots([plot for part in parts for plot in part.plots], out / "plots",
                            warnings)
        section_lines += section.markdown(images)
        if variant == "starter":
            section_lines += questions_sheet(lab)
        for part in parts:
            takeaways_all += part.takeaways
            figures += part.figures
            shapes += part.shapes
    noise_lines, noise_warnings = noise.section_lines(figures, machine)
    lines += noise_lines
    warnings += noise_warnings
    if takeaways_all:
        lines += ["## Key takeaways, with this machine's numbers", ""]
        lines += [f"{i}. {text}" for i, text in enumerate(takeaways_all, start=1)] + [""]
    if shapes:
        lines += ["## Shape checks: does this run show each experiment's effect?", ""]
        lines += [f"- {shape.experiment}: **{shape.verdict}**" for shape in shapes] + [""]
    lines += section_lines
    lines += ["## Raw data", "",
              "Every benchmark's JSON is in `raw/` (Google Benchmark format); each plot's numbers and "
              "gnuplot script are beside it in `plots/`. Compare two runs with "
              "`scripts/lab report --no-run --compare OLD_REPORT_DIR`.", ""]
    (out / "index.md").write_text("\n".join(lines))
    return sorted(set(warnings))


def merge_raw(raw: Path) -> None:
    """raw/all-benchmarks.json: every lab's benchmarks in one Google Benchmark file, names prefixed
    with the lab id (what a benchmark-history tool reads)."""
    merged: dict = {"context": {}, "benchmarks": []}
    for path in sorted(raw.glob("lab*.json")):
        data = json.loads(path.read_text())
        merged["context"] = merged["context"] or data.get("context", {})
        for entry in data.get("benchmarks", []):
            if not entry.get("error_occurred"):
                merged["benchmarks"].append({**entry, "name": f"{path.stem}/{entry['name']}"})
    (raw / "all-benchmarks.json").write_text(json.dumps(merged, indent=1) + "\n")


def print_comparison(old_dir: Path, new_raw: Path) -> None:
    old_raw = old_dir / "raw" if (old_dir / "raw").is_dir() else old_dir
    print(f"\n{'benchmark':<60}{'old':>11}{'new':>11}{'new/old':>9}")
    for path in sorted(new_raw.glob("lab*.json")):
        before = old_raw / path.name
        if not before.is_file():
            continue
        for name, old_ns, new_ns, ratio in benchjson.compare(benchjson.load(before), benchjson.load(path)):
            print(f"{name[:59]:<60}{benchjson.format_ns(old_ns):>11}{benchjson.format_ns(new_ns):>11}"
                  f"{ratio:>8.2f}x")
    print("new/old below 1: faster now.")
