"""`lab report`: the chapter's experiments on this machine -> report/index.md, plots, raw JSON.

The steps: build the release preset's benchmarks and programs (the oslab_report_<variant> target:
no test binary); per lab, its benchmark binary, then the experiments its
report module declares (labs.steps()); then write the report (write.py). Each step's progress
line shows an ETA learned from the previous run."""
from __future__ import annotations

import json
import time
from pathlib import Path

from .. import benchjson
from ..course import ROOT, STATE_DIR, display, load_labs
from ..runner import StepFailed, build, build_dir, configure, ensure_dependencies
from . import labs as lab_modules
from . import machine as report_machine
from .steps import run_step
from .write import merge_raw, print_comparison, write_report

TIMES = STATE_DIR / "report-times.json"  # how long each step took last time, for the ETA
DEFAULT_SECONDS = {"build": 300, "bench": 60, "write": 10}


class Progress:
    """One line per step: [k/n] what (elapsed, ETA), with ETAs learned from the previous run."""

    def __init__(self, steps: dict[str, float], quick: bool):
        self.steps = steps  # step -> its ETA before a first run
        self.start = time.monotonic()
        self.times = TIMES.with_name("report-times-quick.json") if quick else TIMES
        try:
            self.previous = json.loads(self.times.read_text())
        except (OSError, ValueError):
            self.previous = {}
        self.taken: dict[str, float] = {}

    def begin(self, step: str, what: str) -> float:
        names = list(self.steps)
        index = names.index(step)
        elapsed = time.monotonic() - self.start
        remaining = sum(self.previous.get(s, self.steps[s]) for s in names[index:])
        print(f"[{index + 1}/{len(names)}] {what}  (elapsed {elapsed:.0f}s, "
              f"about {remaining:.0f}s left)", flush=True)
        return time.monotonic()

    def end(self, step: str, began: float) -> None:
        self.taken[step] = time.monotonic() - began

    def save(self) -> None:
        STATE_DIR.mkdir(exist_ok=True)
        self.times.write_text(json.dumps({**self.previous, **self.taken}, indent=2) + "\n")


def run_benchmarks(lab, variant: str, raw: Path, quick: bool) -> str | None:
    """The lab's benchmark binary -> raw/<lab id>.json; returns what failed, or None."""
    binary = build_dir("release") / "bin" / f"{lab.id}_{variant}_bench"
    target = raw / f"{lab.id}.json"
    # Quick: each benchmark runs ~10 ms instead of ~100 ms (noisier, same shape), and Lab 5's
    # fixed-length echo runs last 0.1 s instead of 0.25 s each; each runs once, not 3 times
    # (the median and spread of 3 runs).
    env = {"OSLAB_BENCH_SECONDS": "0.1"} if quick else None
    repeat = benchjson.repetition_flags(1 if quick else 3)
    return benchjson.run_binary(binary, target, "0.01" if quick else "0.1", env, repeat)


def run_experiments(labs, variant: str, raw: Path, quick: bool) -> tuple[list[str], Progress]:
    """Builds, then runs every lab's benchmarks and experiments: (the failed steps, the progress)."""
    steps = {"build": DEFAULT_SECONDS["build"]}
    for lab in labs:
        steps[f"bench:{lab.id}"] = DEFAULT_SECONDS["bench"]
        steps.update({step.name: step.seconds for step in lab_modules.steps(lab)})
    steps["write"] = DEFAULT_SECONDS["write"]
    progress = Progress(steps, quick)

    began = progress.begin("build", "building the benchmarks and programs (release preset)")
    configure("release")
    build("release", [f"oslab_report_{variant}"])
    progress.end("build", began)

    failures: list[str] = []
    raw.mkdir(parents=True, exist_ok=True)
    for lab in labs:
        name = f"bench:{lab.id}"
        began = progress.begin(name, f"{lab.id} benchmarks ({lab.id}_{variant}_bench)")
        failed = run_benchmarks(lab, variant, raw, quick)
        if failed:
            failures.append(f"{name}: {failed}")
        progress.end(name, began)
        for step in lab_modules.steps(lab):
            began = progress.begin(step.name, step.what)
            try:
                run_step(step, step.binary(lab.id, variant), raw, quick)
            except StepFailed as error:
                failures.append(f"{step.name}: {error}")
            progress.end(step.name, began)
    return failures, progress


def cmd_report(args) -> int:
    out = (ROOT / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    labs = [lab for lab in load_labs() if lab.exists]
    raw = out / "raw"
    failures: list[str] = []
    if not args.no_run:
        ensure_dependencies()
        failures, progress = run_experiments(labs, args.impl, raw, args.quick)
        began = progress.begin("write", f"writing {display(out)}/index.md and plots")
    raw.mkdir(parents=True, exist_ok=True)
    saved = raw / "machine.json"
    if args.no_run and saved.is_file():
        machine = json.loads(saved.read_text())  # the machine that measured, not this one
    else:
        machine = report_machine.describe()
        saved.write_text(json.dumps(machine, indent=2) + "\n")
    merge_raw(raw)
    warnings = write_report(out, labs, machine, args.impl, args.quick)
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


def register(verbs) -> None:
    report = verbs.add_parser("report", help="the chapter's experiments -> report/index.md with plots")
    report.add_argument("--impl", choices=["solution", "starter"], default="solution",
                        help="whose code to measure (default: the reference solutions)")
    report.add_argument("--quick", action="store_true", help="short runs (about a minute)")
    report.add_argument("--out", default="report", help="output directory (default: report/)")
    report.add_argument("--compare", metavar="OLD", help="print new/old per benchmark against OLD report")
    report.add_argument("--no-run", action="store_true", help="rewrite index.md from existing raw/ JSON")
    report.set_defaults(func=cmd_report)
