"""Performance points (labs.json "performance"): the student's throughput as a ratio to the
reference's, scaled linearly between two thresholds, as CS:APP's cachelab scales its misses.

    "performance": {"points": 4, "full_at": 0.9, "zero_at": 0.5, "rounds": 5, "max_spread": 0.2,
                    "cases": [{"name": "empty tasks",
                               "benchmark": "BM_TaskSize_Pool/us:0/real_time"}]}

- A case is one Google Benchmark (its full name, picked with --benchmark_filter); its figure is
  "metric" (default items_per_second). The student's <lab>_starter_bench and the reference's
  <lab>_solution_bench (release preset) run alternately, `rounds` times each (at least 5);
  ratio = median(student) / median(reference).
- A case is worth points / number of cases, times (ratio - zero_at) / (full_at - zero_at) clamped to
  [0, 1].
- Spread of a variant's rounds: the interquartile range over the median (one stray round of five
  does not move it; min-max is shown too). A case whose spread is above max_spread for either
  variant is measured once more; still above, it scores 0 and says so (never scored from a noisy
  measurement).
- Awarded only when every correctness test of the lab passes. Without the reference (a student's
  own copy) the points are "n/a" and not counted.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from . import benchjson
from .course import STATE_DIR, Lab
from .runner import build, build_dir, configure, say

PRESET = "release"
MIN_ROUNDS = 5
NA_REFERENCE = ("n/a: needs the course's reference (grade in the course's copy, or with "
                "--submission)")

# One round: {case name: (student's figure or an error text, reference's figure or an error text)}.
Round = dict[str, tuple[float | str, float | str]]


@dataclass
class CaseScore:
    name: str
    points: Fraction
    earned: Fraction = Fraction(0)
    state: str = "scored"          # scored, noisy, failed
    ratio: float | None = None
    spread: float | None = None    # the larger of the two variants' spreads
    student: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    message: str = ""


@dataclass
class PerformanceScore:
    points: Fraction
    counted: bool                  # False: n/a (no reference) or skipped; not in the total
    state: str                     # measured, not passing, n/a, skipped
    full_at: float = 0.9
    zero_at: float = 0.5
    message: str = ""
    cases: list[CaseScore] = field(default_factory=list)

    @property
    def earned(self) -> Fraction:
        return sum((case.earned for case in self.cases), Fraction(0))


def settings(lab: Lab) -> dict:
    config = dict(lab.performance)
    config.setdefault("full_at", 0.9)
    config.setdefault("zero_at", 0.5)
    config.setdefault("max_spread", 0.2)
    config.setdefault("metric", "items_per_second")
    config.setdefault("min_time", None)  # seconds per benchmark run (None: the binary's default)
    config["rounds"] = max(MIN_ROUNDS, int(config.get("rounds", MIN_ROUNDS)))
    return config


def scale(ratio: float, full_at: float, zero_at: float) -> Fraction:
    """0 at or below zero_at, 1 at or above full_at, linear in between (the ratio to 4 decimals,
    so 0.7 is 0.7 and not 0.6999999)."""
    exact = [Fraction(str(round(value, 4))) for value in (ratio, full_at, zero_at)]
    share = (exact[0] - exact[2]) / (exact[1] - exact[2])
    return min(Fraction(1), max(Fraction(0), share))


def spread(values: list[float]) -> float:
    """Interquartile range / median (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return (q3 - q1) / statistics.median(values)


def score_case(name: str, points: Fraction, student: list, reference: list,
               config: dict) -> CaseScore:
    """Scores one case from its rounds (figures, or error texts for rounds that failed)."""
    case = CaseScore(name, points)
    errors = [value for value in student if isinstance(value, str)]
    if errors:
        case.state, case.message = "failed", f"your benchmark failed: {errors[0][:160]}"
        return case
    if any(isinstance(value, str) for value in reference):
        case.state, case.message = "failed", "the reference's benchmark failed: grade again"
        return case
    case.student, case.reference = list(student), list(reference)
    case.ratio = statistics.median(student) / statistics.median(reference)
    case.spread = max(spread(student), spread(reference))
    if case.spread > config["max_spread"]:
        case.state = "noisy"
        case.message = (f"noisy measurement (spread {case.spread:.0%} > {config['max_spread']:.0%},"
                        " twice): scored 0; re-run on a quiet machine")
        return case
    case.earned = points * scale(case.ratio, config["full_at"], config["zero_at"])
    return case


def evaluate(config: dict, measure_round: Callable[[], Round]) -> list[CaseScore]:
    """Measures config["rounds"] rounds; a noisy case is measured again once (fresh rounds)."""
    names = [case["name"] for case in config["cases"]]
    each = Fraction(config["points"]) / len(names)

    def rounds_of(wanted: list[str]) -> dict[str, tuple[list, list]]:
        data = {name: ([], []) for name in wanted}
        for _ in range(config["rounds"]):
            one = measure_round()
            for name in wanted:
                mine, ref = one.get(name, ("not measured", "not measured"))
                data[name][0].append(mine)
                data[name][1].append(ref)
        return data

    first = rounds_of(names)
    scores = {name: score_case(name, each, *first[name], config) for name in names}
    noisy = [name for name, case in scores.items() if case.state == "noisy"]
    if noisy:
        say(f"noisy: {', '.join(noisy)}: measuring once more")
        again = rounds_of(noisy)
        scores.update({name: score_case(name, each, *again[name], config) for name in noisy})
    return [scores[name] for name in names]


def figures(path, config: dict) -> dict[str, float | str]:
    """{case name: figure, or the benchmark's error text} from one Google Benchmark JSON file."""
    results = benchjson.load(path)
    out: dict[str, float | str] = {}
    for case in config["cases"]:
        result = results.get(case["benchmark"])
        if result is None:
            out[case["name"]] = f"{case['benchmark']} did not run"
        elif result.error:
            out[case["name"]] = result.error
        else:
            out[case["name"]] = float(result.counter(config["metric"], 0.0))
    return out


def bench_filter(config: dict) -> str:
    return "^(" + "|".join(re.escape(case["benchmark"]) for case in config["cases"]) + ")$"


def measure_lab(lab: Lab, correctness_ok: bool, failing: int) -> PerformanceScore:
    """Builds both bench binaries (release) and measures, alternating student and reference."""
    config = settings(lab)
    points = Fraction(config["points"])
    result = PerformanceScore(points, True, "measured", config["full_at"], config["zero_at"])
    if not lab.has_solution:
        result.counted, result.state, result.message = False, "n/a", NA_REFERENCE
        return result
    if not correctness_ok:
        result.state = "not passing"
        result.message = (f"0: awarded only when every correctness test of {lab.id} passes "
                          f"({failing} failing)")
        return result
    configure(PRESET)
    binaries = {variant: f"{lab.id}_{variant}_bench" for variant in ("starter", "solution")}
    build(PRESET, list(binaries.values()))
    out_dir = STATE_DIR / "performance"
    out_dir.mkdir(parents=True, exist_ok=True)
    say(f"measuring {lab.id}: yours and the reference alternately, {config['rounds']} rounds "
        f"each ({', '.join(case['name'] for case in config['cases'])})")

    def one_round() -> Round:
        seen = {}
        for variant, binary in binaries.items():
            out = out_dir / f"{lab.id}_{variant}.json"
            out.unlink(missing_ok=True)
            failed = benchjson.run_binary(build_dir(PRESET) / "bin" / binary, out,
                                          config.get("min_time"),
                                          extra=[f"--benchmark_filter={bench_filter(config)}"])
            seen[variant] = ({case["name"]: failed for case in config["cases"]} if failed
                             else figures(out, config))
        return {name: (seen["starter"][name], seen["solution"][name]) for name in seen["starter"]}

    result.cases = evaluate(config, one_round)
    return result


def not_counted(lab: Lab, state: str, message: str) -> PerformanceScore:
    config = settings(lab)
    return PerformanceScore(Fraction(config["points"]), False, state, config["full_at"],
                            config["zero_at"], message)


def rate(value: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:.3g} {unit}/s"
    return f"{value:.3g}/s"


def describe(case: CaseScore, perf: PerformanceScore) -> str:
    """The ratio, the thresholds and the spread of one case, in one line (table and Gradescope)."""
    if case.ratio is None:
        return case.message
    text = (f"ratio {case.ratio:.2f} (full at {perf.full_at:g}, zero at {perf.zero_at:g}); "
            f"median of {len(case.student)}: yours {rate(statistics.median(case.student))} "
            f"[{rate(min(case.student))}-{rate(max(case.student))}], reference "
            f"{rate(statistics.median(case.reference))} [{rate(min(case.reference))}-"
            f"{rate(max(case.reference))}]; spread (IQR/median) {case.spread:.0%}")
    return f"{text}; {case.message}" if case.message else text


def render_lines(perf: PerformanceScore, fmt_points) -> list[str]:
    """The lines under a lab's row in `lab grade`'s table."""
    worth = (f"{fmt_points(perf.earned)}/{fmt_points(perf.points)}" if perf.counted
             else "(not counted)")
    lines = [f"{'':<9}{'performance vs reference':<36}{worth:>12}"]
    if perf.message:
        lines.append(f"{'':<11}{perf.message}")
    for case in perf.cases:
        lines.append(f"{'':<11}{case.name:<34}"
                     f"{fmt_points(case.earned) + '/' + fmt_points(case.points):>12}")
        lines.append(f"{'':<13}{describe(case, perf)}")
    return lines
