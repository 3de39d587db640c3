"""Lab 3's kinds of page faults in the report: a first touch of anonymous memory (minor: a zeroed
frame), copy-on-write after fork (minor: a 4 KiB copy), a file read back after POSIX_FADV_DONTNEED
with readahead (one disk read brings many pages) and with MADV_RANDOM (a major fault per page);
from BM_Faults_* (else lab03_faults), and /proc/PID/smaps around the fork from lab03_faults."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .formatting import fmt, result_spread
from .names import find
from .section import CANNOT_SHOW, NOT_MEASURED, NOT_SHOWN, SHOWN, Section
from .steps import Step, last_run

EXPERIMENT = "kinds of page faults (Lab 3)"
CASES = (  # (key, benchmark, lab03_faults case, what the table calls it)
    ("first_touch", "BM_Faults_FirstTouch", "first touch (anonymous)",
     "first touch of fresh anonymous memory"),
    ("cow", "BM_Faults_CopyOnWrite", "copy-on-write (child after fork)",
     "copy-on-write: the child writes pages it shares after fork"),
    ("readahead", "BM_Faults_FileReadahead", "file, readahead",
     "file after POSIX_FADV_DONTNEED, default readahead"),
    ("random", "BM_Faults_FileRandom", "file, MADV_RANDOM",
     "the same file with MADV_RANDOM (no readahead)"),
)
SMAPS_FIELDS = (("rss_kib", "Rss"), ("pss_kib", "Pss"), ("shared_dirty_kib", "Shared_Dirty"),
                ("private_dirty_kib", "Private_Dirty"))


def faults_runs(quick: bool) -> list[list[str]]:
    """Quick: 4,096 pages (16 MiB) per case instead of 16,384 (64 MiB)."""
    return [["--pages", "4096", "--json"] if quick else ["--json"]]


FAULTS = Step(name="faults", what="kinds of page faults, smaps around fork (lab03_faults)",
              program="faults", runs=faults_runs, output="faults.json", seconds=5)


@dataclass(frozen=True)
class Case:
    """One kind of fault, per page touched; error: why it was not measured."""
    what: str
    minor: float = 0
    major: float = 0
    ns: float = 0            # wall time (a major fault sleeps on the disk)
    cpu_ns: float = 0
    pages: float = 0
    spread: str = "1 run"
    result: object = None    # the benchmark result, to cite
    error: str = ""


def bench_case(results, benchmark: str, what: str) -> Case | None:
    result = find(results, benchmark)
    if result is None:
        errors = [r.error for r in results.values() if r.name.startswith(benchmark) and r.error]
        return Case(what, error=errors[0]) if errors else None
    return Case(what, result.counter("minor_faults_per_page", 0),
                result.counter("major_faults_per_page", 0), result.counter("ns_per_page", 0),
                result.counter("cpu_ns_per_page", 0), result.counter("pages", 0),
                result_spread(result, "ns_per_page"), result)


def program_case(program: dict, name: str, what: str) -> Case | None:
    for row in program.get("faults", []):
        if row["case"] == name:
            pages = max(row["pages"], 1)
            return Case(what, row["minor_faults"] / pages, row["major_faults"] / pages,
                        row["ns_per_page"], row["cpu_ns_per_page"], row["pages"],
                        error=row["error"])
    return None


def fault_cases(results, program: dict) -> dict[str, Case]:
    """key -> Case: from the benchmark when it ran, else from lab03_faults."""
    cases = {}
    for key, benchmark, name, what in CASES:
        case = bench_case(results, benchmark, what) or program_case(program, name, what)
        if case is not None:
            cases[key] = case
    return cases


def faults_section(lab_section: Section, results, path: Path | None) -> None:
    """Adds a part to Lab 3's section: the fault table, the smaps table, the takeaway and the
    shape check."""
    section = lab_section.part("Kinds of page faults")
    program = last_run(path)
    cases = fault_cases(results, program)
    if not cases:
        section.notes.append("_Kinds of page faults: neither BM_Faults_* nor lab03_faults ran in "
                             "this run, so no table._")
        section.shape(EXPERIMENT, NOT_MEASURED, "No page-fault results in this run.")
        return
    section.tables.append(faults_table(cases))
    if program.get("cow_smaps"):
        section.tables.append(smaps_table(program))
    if program.get("file_dir"):
        section.notes.append(f"The file of the major-fault cases was in {program['file_dir']} "
                             "(a disk file system: tmpfs pages live in RAM, nothing to read back).")
    faults_verdict(section, cases)
    faults_takeaway(section, cases)


def faults_table(cases: dict[str, Case]) -> tuple:
    rows = []
    for case in cases.values():
        if case.error:
            rows.append((case.what, "not measured: " + case.error[:90], "", "", "", ""))
            continue
        rows.append((case.what, fmt(case.minor, "", 3), fmt(case.major, "", 3),
                     fmt(case.ns, "ns"), case.spread, fmt(case.cpu_ns, "ns")))
    return ("Kinds of page faults, per 4 KiB page touched (faults from getrusage; wall time, since "
            "a major fault sleeps on the disk, and the CPU time of the touching thread)",
            ("case", "minor faults", "major faults", "time", "spread", "CPU time"), rows)


def smaps_table(program: dict) -> tuple:
    rows = [(snapshot["when"],) + tuple(f"{snapshot['smaps'].get(key, 0):,}"
                                        for key, _ in SMAPS_FIELDS)
            for snapshot in program["cow_smaps"]]
    return (f"/proc/PID/smaps of the {program.get('pages', 0) * 4:,} KiB region around the fork "
            "(KiB): shared after fork (Pss = half of Rss), private again once the child wrote",
            ("when",) + tuple(label for _, label in SMAPS_FIELDS), rows)


def measured(cases: dict[str, Case], *keys: str) -> bool:
    return all(key in cases and not cases[key].error for key in keys)


def cow_check(cases) -> tuple[bool | None, str]:
    """One minor fault per page written, each costing more CPU than a first touch (a copy)."""
    if not measured(cases, "cow", "first_touch"):
        return None, "copy-on-write: not measured"
    cow, touch = cases["cow"], cases["first_touch"]
    holds = abs(cow.minor - 1) <= 0.05 and cow.cpu_ns > touch.cpu_ns
    return holds, (f"copy-on-write: {cow.minor:.2f} minor faults per page written, "
                   f"{fmt(cow.cpu_ns, 'ns')} of CPU per page against {fmt(touch.cpu_ns, 'ns')} "
                   "for a first touch (expected: 1 per page, and more)")


def random_check(cases) -> tuple[bool | None, str]:
    """MADV_RANDOM: about one major fault per page, each at least 5x a minor fault (wall)."""
    if not measured(cases, "random", "first_touch"):
        error = cases["random"].error if "random" in cases else "no result"
        return None, f"major faults with MADV_RANDOM: not measured ({error[:120]})"
    random, touch = cases["random"], cases["first_touch"]
    holds = random.major >= 0.99 and random.ns >= 5 * touch.ns
    return holds, (f"MADV_RANDOM: {random.major:.2f} major faults per page, "
                   f"{fmt(random.ns, 'ns')} per page, ×{random.ns / touch.ns:.1f} a first-touch "
                   "minor fault (expected: ≥ 1 per page, ≥ 5x)")


def readahead_check(cases) -> tuple[bool | None, str]:
    """With readahead, one disk read serves many pages: major faults far below one per page."""
    if not measured(cases, "readahead"):
        error = cases["readahead"].error if "readahead" in cases else "no result"
        return None, f"readahead: not measured ({error[:120]})"
    ahead = cases["readahead"]
    return ahead.major <= 0.1, (f"readahead: {ahead.major:.4f} major faults per page (expected: "
                                "far fewer than one per page, ≤ 0.1)")


def faults_verdict(section: Section, cases: dict[str, Case]) -> None:
    checks = [cow_check(cases), random_check(cases), readahead_check(cases)]
    outcomes = [holds for holds, _ in checks]
    detail = "; ".join(text + (" — holds" if holds else " — fails" if holds is False else "")
                       for holds, text in checks) + "."
    detail = detail[0].upper() + detail[1:]
    if False in outcomes:
        verdict = NOT_SHOWN
    elif None in outcomes:
        verdict = CANNOT_SHOW
    else:
        verdict = SHOWN
    section.shape(EXPERIMENT, verdict, detail)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def faults_takeaway(section: Section, cases: dict[str, Case]) -> None:
    if not measured(cases, "cow", "first_touch"):
        return
    touch_cpu = section.cite(cases["first_touch"].result, "cpu_ns_per_page",
                             "first-touch fault: CPU ns per page") or cases["first_touch"].cpu_ns
    cow_cpu = section.cite(cases["cow"].result, "cpu_ns_per_page",
                           "copy-on-write fault: CPU ns per page") or cases["cow"].cpu_ns
    text = (f"A copy-on-write fault costs {fmt(cow_cpu, 'ns')} of CPU per page (a 4 KiB copy) "
            f"against {fmt(touch_cpu, 'ns')} for a first touch (a zeroed frame)")
    if measured(cases, "random", "readahead"):
        random_ns = section.cite(cases["random"].result, "ns_per_page",
                                 "major fault (MADV_RANDOM): ns per page") or cases["random"].ns
        ahead = cases["readahead"]
        text += (f"; a major fault, a disk read for every page with MADV_RANDOM, "
                 f"{fmt(random_ns / 1e3, 'µs')}, while readahead read the same {ahead.pages:,.0f} "
                 f"pages back with {plural(round(ahead.major * ahead.pages), 'major fault')}")
    section.takeaways.append(text + ".")
