"""Lab 5's poll vs epoll in the report (lab05_poll_scaling): one active connection among N idle
ones, a round = send a byte, wait for readiness on all N, read, echo, read the echo, on one
thread. poll() and select() hand the kernel all N descriptors on every call and it checks each
(O(N)); epoll keeps the interest set in the kernel and returns its ready list (O(ready)).

Lab 5's module declares the step (STEPS += [POLL_SCALING]) and adds the part to its section with
poll_scaling_section(section, raw / POLL_SCALING.output)."""
from __future__ import annotations

import statistics
from pathlib import Path

from ..benchjson import spread_of
from .formatting import fmt, fmt_spread, fmt_us
from .plots import Plot
from .section import CANNOT_SHOW, NOT_MEASURED, NOT_SHOWN, SHOWN, Section
from .steps import Step, load_runs

MECHANISMS = ("poll", "select", "epoll")
SMALL_N, LARGE_N = 10, 10_000
EXPERIMENT = "poll vs epoll (Lab 5)"


def poll_scaling_runs(quick: bool) -> list[list[str]]:
    """Quick: one short run (about 2 s); full: three runs of the program's defaults, whose medians
    and spread the report shows."""
    if quick:
        return [["--connections", "10,100,1000,10000", "--rounds", "300", "--max-seconds", "0.1",
                 "--json"]]
    return [["--json"]] * 3


POLL_SCALING = Step(name="poll_scaling", what="poll vs select vs epoll: one active among N",
                    program="poll_scaling", runs=poll_scaling_runs, output="poll_scaling.json",
                    failure="a wait did not report the one active connection, or the N "
                            "connections could not be opened", seconds=15)


def per_cell(runs: list) -> tuple[dict, dict]:
    """(mechanism, N) -> [each run's row] for measured rows, and -> the error of a row that was
    not measured (FD_SETSIZE, the descriptor limit...)."""
    measured: dict = {}
    errors: dict = {}
    for run in runs:
        for row in run.get("rows", []):
            key = (row["mechanism"], row["connections"])
            if row.get("error"):
                errors[key] = row["error"]
            else:
                measured.setdefault(key, []).append(row)
    return measured, errors


def median_of(rows: list, field: str) -> float:
    return statistics.median(row[field] for row in rows)


def poll_scaling_section(lab_section: Section, path: Path | None) -> None:
    """Adds a part to Lab 5's section: CPU time per round vs N per mechanism (table, log-log
    plot), the takeaway and the shape check; a note when the program did not run."""
    section = lab_section.part("poll vs epoll: one active connection among N")
    runs = load_runs(path)
    measured, errors = per_cell(runs)
    if not measured:
        section.notes.append("_poll vs epoll: lab05_poll_scaling did not run or measured "
                             "nothing, so no table._")
        section.shape(EXPERIMENT, NOT_MEASURED, "No lab05_poll_scaling results in this run.")
        return
    counts = sorted({n for _, n in measured} | {n for _, n in errors})
    section.tables.append(poll_table(measured, errors, counts, len(runs)))
    section.plots.append(poll_plot(measured, counts))
    wall_note(section, measured)
    poll_verdict(section, measured, errors)


def cell(measured, errors, key) -> str:
    rows = measured.get(key)
    if not rows:
        error = errors.get(key, "")
        return "n/a: FD_SETSIZE" if error.startswith("n/a: FD_SETSIZE") else (
            f"not measured: {error[:60]}" if error else "—")
    value = fmt_us(median_of(rows, "cpu_ns_per_round") / 1e3)
    if len(rows) < 2:
        return value
    spread = fmt_spread(spread_of([row["cpu_ns_per_round"] for row in rows]), len(rows))
    return f"{value} (spread {spread})"


def poll_table(measured, errors, counts, runs: int) -> tuple:
    rows = [(f"{n:,}",) + tuple(cell(measured, errors, (mechanism, n)) for mechanism in MECHANISMS)
            for n in counts]
    runs_text = f"median of {runs} runs" if runs > 1 else "one run"
    return (f"poll vs select vs epoll: CPU time per round (send, wait on all N, read, echo, read) "
            f"with one active connection among N, {runs_text}; select takes at most "
            "FD_SETSIZE = 1024 descriptors",
            ("connections N",) + tuple(f"{mechanism}()" if mechanism != "epoll" else
                                       "epoll_wait()" for mechanism in MECHANISMS), rows)


def poll_plot(measured, counts) -> Plot:
    series = [(mechanism, [(n, median_of(measured[(mechanism, n)], "cpu_ns_per_round") / 1e3)
                           for n in counts if (mechanism, n) in measured])
              for mechanism in MECHANISMS]
    return Plot(name="lab05_poll_scaling", title="Time per round vs connections: poll vs epoll",
                xlabel="connections N, one active (log scale)",
                ylabel="CPU µs per round (log scale)", logx=True, logy=True, series=series)


def wall_note(section: Section, measured) -> None:
    """The wall-time ratios beside the CPU ones (wall also holds what else ran on the CPU)."""
    ratios = []
    for mechanism in ("poll", "epoll"):
        small, large = measured.get((mechanism, SMALL_N)), measured.get((mechanism, LARGE_N))
        if small and large:
            ratio = median_of(large, "ns_per_round") / median_of(small, "ns_per_round")
            ratios.append(f"{mechanism} ×{ratio:.1f}")
    if ratios:
        section.notes.append(f"Wall time per round, N = {SMALL_N:,} → {LARGE_N:,}: "
                             + ", ".join(ratios) + " (CPU time is the figure: on a shared "
                             "machine wall time also holds what other programs ran).")


def poll_verdict(section: Section, measured, errors) -> None:
    """Shape: poll at N = 10,000 costs at least 10x its N = 10 round; epoll stays within 2x."""
    missing = [(m, n) for m in ("poll", "epoll") for n in (SMALL_N, LARGE_N)
               if (m, n) not in measured]
    if missing:
        reasons = "; ".join(f"{m} at N = {n:,}: {errors.get((m, n), 'not run')}"
                            for m, n in missing)
        limited = any(key in errors for key in missing)  # e.g. the descriptor limit
        section.shape(EXPERIMENT, CANNOT_SHOW if limited else NOT_MEASURED,
                      f"Not every point was measured ({reasons}).")
        return
    cpu = {key: median_of(measured[key], "cpu_ns_per_round") for key in measured}
    for mechanism in ("poll", "epoll"):
        for n in (SMALL_N, LARGE_N):
            section.cite_runs(f"{mechanism}() at N = {n:,}: CPU ns per round",
                              [row["cpu_ns_per_round"] for row in measured[(mechanism, n)]])
    poll_ratio = cpu[("poll", LARGE_N)] / cpu[("poll", SMALL_N)]
    epoll_ratio = cpu[("epoll", LARGE_N)] / cpu[("epoll", SMALL_N)]
    verdict = SHOWN if poll_ratio >= 10 and epoll_ratio <= 2 else NOT_SHOWN
    section.shape(EXPERIMENT, verdict,
                  f"CPU time per round, N = {SMALL_N:,} → {LARGE_N:,}: poll ×{poll_ratio:.1f} "
                  f"(expected ≥ 10), epoll ×{epoll_ratio:.2f} (expected ≤ 2).")
    measured_text = (f"a poll() round costs {fmt_us(cpu[('poll', LARGE_N)] / 1e3)} of CPU with "
                     f"one active connection among {LARGE_N:,} against "
                     f"{fmt_us(cpu[('poll', SMALL_N)] / 1e3)} among {SMALL_N}, an epoll_wait() "
                     f"round {fmt_us(cpu[('epoll', LARGE_N)] / 1e3)} against "
                     f"{fmt_us(cpu[('epoll', SMALL_N)] / 1e3)}")
    section.takeaways.append(
        measured_text[0].upper() + measured_text[1:] + f" (×{fmt(poll_ratio, '', 3)} and "
        f"×{fmt(epoll_ratio, '', 2)}): poll hands the kernel every descriptor on every call, "
        "epoll only its ready list." if verdict == SHOWN else
        f"This run does not show poll's O(N) cost against epoll: {measured_text}.")
