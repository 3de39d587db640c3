"""scripts/lab report: the chapter's experiments on this machine -> report/index.md, plots, raw JSON."""
from __future__ import annotations

import json
import time
from pathlib import Path

import benchjson
import plots
import report_machine
import report_sections
from course import ROOT, STATE_DIR, load_labs
from runner import StepFailed, build, build_dir, configure, ensure_dependencies, run, say

TIMES = STATE_DIR / "report-times.json"  # how long each step took last time, for the ETA
DEFAULT_SECONDS = {"build": 300, "bench": 60, "c10k": 60, "write": 10}


class Progress:
    """One line per step: [k/n] what (elapsed, ETA), with ETAs learned from the previous run."""

    def __init__(self, steps: list[str], quick: bool):
        self.steps = steps
        self.start = time.monotonic()
        self.times = TIMES.with_name("report-times-quick.json") if quick else TIMES
        try:
            self.previous = json.loads(self.times.read_text())
        except (OSError, ValueError):
            self.previous = {}
        self.taken: dict[str, float] = {}

    def estimate(self, step: str) -> float:
        return self.previous.get(step, DEFAULT_SECONDS.get(step.split(":")[0], 30))

    def begin(self, index: int, step: str, what: str) -> float:
        elapsed = time.monotonic() - self.start
        remaining = sum(self.estimate(s) for s in self.steps[index:])
        print(f"[{index + 1}/{len(self.steps)}] {what}  (elapsed {elapsed:.0f}s, "
              f"about {remaining:.0f}s left)", flush=True)
        return time.monotonic()

    def end(self, step: str, began: float) -> None:
        self.taken[step] = time.monotonic() - began

    def save(self) -> None:
        STATE_DIR.mkdir(exist_ok=True)
        self.times.write_text(json.dumps({**self.previous, **self.taken}, indent=2) + "\n")


def bench_command(binary: Path, out: Path, quick: bool) -> list[str]:
    command = [str(binary), f"--benchmark_out={out}", "--benchmark_out_format=json"]
    # Quick: each benchmark runs ~10 ms instead of ~100 ms: noisier, same shape.
    command.append("--benchmark_min_time=0.01" if quick else "--benchmark_min_time=0.1")
    return command


def run_c10k(binary: Path, out: Path, quick: bool) -> None:
    """Threads and RSS of every echo server while it holds N idle connections, for a few N."""
    counts = (100, 1000) if quick else (1000, 5000, 10000)
    hold = "0.5" if quick else "2"
    runs = []
    for connections in counts:
        result = run([str(binary), "--connections", str(connections), "--hold-seconds", hold,
                      "--json"], quiet=True, check=False)
        try:
            runs.append(json.loads(result.stdout[result.stdout.index("{"):]))
        except ValueError:
            raise StepFailed(f"{binary.name} --connections {connections} printed no JSON "
                             f"(exit status {result.returncode})") from None
        if result.returncode != 0:
            out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
            raise StepFailed(f"{binary.name} --connections {connections}: a server did not hold "
                             f"or echo every connection (exit status {result.returncode})")
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")


def cmd_report(args) -> int:
    out = (ROOT / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    labs = [lab for lab in load_labs() if lab.exists]
    variant = args.impl
    raw = out / "raw"
    failures: list[str] = []
    if not args.no_run:
        ensure_dependencies()
        steps = ["build"] + [f"bench:{lab.id}" for lab in labs]
        c10k = build_dir("release") / "bin" / ("lab05_c10k" + ("_starter" if variant == "starter" else ""))
        has_c10k = any(lab.id == "lab05" for lab in labs)
        if has_c10k:
            steps.append("c10k")
        steps.append("write")
        progress = Progress(steps, args.quick)

        began = progress.begin(0, "build", "building the release preset (benchmarks and programs)")
        configure("release")
        build("release")
        progress.end("build", began)

        raw.mkdir(parents=True, exist_ok=True)
        for index, lab in enumerate(labs, start=1):
            step = f"bench:{lab.id}"
            binary = build_dir("release") / "bin" / f"{lab.id}_{variant}_bench"
            began = progress.begin(index, step, f"{lab.id} benchmarks ({binary.name})")
            target = raw / f"{lab.id}.json"
            # Quick: Lab 5's fixed-length echo runs last 0.1 s instead of 0.25 s each.
            env = {"OSLAB_BENCH_SECONDS": "0.1"} if args.quick else None
            result = run(bench_command(binary, target, args.quick), quiet=True, check=False, env=env)
            if result.returncode != 0 or not target.is_file():
                failures.append(f"{step}: {binary.name} exited with status {result.returncode}")
            progress.end(step, began)
        if has_c10k:
            began = progress.begin(len(steps) - 2, "c10k", "C10K: holding connections per server")
            try:
                run_c10k(c10k, raw / "c10k.json", args.quick)
            except StepFailed as error:
                failures.append(f"c10k: {error}")
            progress.end("c10k", began)
        began = progress.begin(len(steps) - 1, "write", f"writing {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/index.md and plots")
    machine = report_machine.describe()
    (out).mkdir(parents=True, exist_ok=True)
    (raw).mkdir(parents=True, exist_ok=True)
    (raw / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    merge_raw(raw)
    warnings = write_report(out, labs, machine, variant, args.quick)
    if not args.no_run:
        progress.end("write", began)
        progress.save()
    for warning in warnings:
        print(f"warning: {warning}")
    if args.compare:
        print_comparison(Path(args.compare), raw)
    print(f"report: {out / 'index.md'}")
    if failures:
        print("report: FAILED steps:\n  " + "\n  ".join(failures))
        return 1
    return 0


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


def write_report(out: Path, labs, machine: dict, variant: str, quick: bool) -> list[str]:
    warnings: list[str] = []
    raw = out / "raw"
    lines = ["# Chapter 2 report: the operating system, measured on this machine", ""]
    lines += [f"Implementation measured: **{'the reference solutions' if variant == 'solution' else 'your code (starter)'}**"
              f"{' — quick mode (short runs, noisier)' if quick else ''}. "
              f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `scripts/lab report`.", ""]
    lines += ["## Machine", "", "| | |", "|---|---|",
              f"| CPU | {machine['cpu']} |", f"| cores | {machine['cores']} |",
              f"| memory | {machine['memory_gib']} GiB |",
              "| caches | " + ", ".join(f"L{c['level']} {report_machine.format_bytes(c['bytes'])}"
                                      for c in machine["caches"]) + " |",
              f"| kernel | {machine['kernel']} |", f"| compiler | {machine['compiler']} |",
              f"| hardware counters | {machine['hardware_counters']} |", ""]
    takeaways_all: list[str] = []
    section_lines: list[str] = []
    for lab in labs:
        path = raw / f"{lab.id}.json"
        if not path.is_file():
            section_lines += [f"## {lab.id} — {lab.title}", "", "_No results: its benchmark did not run._", ""]
            continue
        results = benchjson.load(path)
        extra = {"machine": machine, "raw": raw, "context": benchjson.load_context(path)}
        section = report_sections.build(lab, results, extra)
        section_lines += section.markdown()
        takeaways_all += section.takeaways
        for plot in section.plots:
            if plot.empty():
                continue
            try:
                png = plots.render(plot, out / "plots")
            except RuntimeError as error:
                warnings.append(str(error))
                continue
            if png is None:
                warnings.append("gnuplot is missing: plots not drawn (install: sudo apt-get install gnuplot-nox); "
                                "the tables are complete")
                break
            section_lines += [f"![{plot.title}](plots/{png.name})", ""]
    if takeaways_all:
        lines += ["## Key takeaways, with this machine's numbers", ""]
        lines += [f"{i}. {text}" for i, text in enumerate(takeaways_all, start=1)] + [""]
    lines += section_lines
    lines += ["## Raw data", "",
              "Every benchmark's JSON is in `raw/` (Google Benchmark format); each plot's numbers and "
              "gnuplot script are beside it in `plots/`. Compare two runs with "
              "`scripts/lab report --no-run --compare OLD_REPORT_DIR`.", ""]
    (out / "index.md").write_text("\n".join(lines))
    return sorted(set(warnings))


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


def register(verbs) -> None:
    report = verbs.add_parser("report", help="the chapter's experiments -> report/index.md with plots")
    report.add_argument("--impl", choices=["solution", "starter"], default="solution",
                        help="whose code to measure (default: the reference solutions)")
    report.add_argument("--quick", action="store_true", help="short runs (about a minute)")
    report.add_argument("--out", default="report", help="output directory (default: report/)")
    report.add_argument("--compare", metavar="OLD", help="print new/old per benchmark against OLD report")
    report.add_argument("--no-run", action="store_true", help="rewrite index.md from existing raw/ JSON")
    report.set_defaults(func=cmd_report)
