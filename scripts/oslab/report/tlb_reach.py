"""Lab 3's TLB reach in the report: one dependent load per 4 KiB of address space over P pages,
on 4 KiB pages and on 2 MiB pages (BM_TlbReach_*, else the program's own curves), the steps
lab03_tlb_reach names, and the shape check. Past what the TLB maps (~64 L1 dTLB entries, ~1.5K
STLB entries of 4 KiB), every load needs a page walk; 2 MiB pages map 512 times more per entry."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .formatting import fmt, format_bytes, result_spread
from .names import family
from .plots import Plot
from .section import CANNOT_SHOW, NOT_MEASURED, NOT_SHOWN, SHOWN, Section
from .steps import Step, last_run

PAGE = 4096
SIZES = (("4KiB", "small_4k", "4 KiB pages"), ("2MiB", "huge_2m", "2 MiB pages"))
EXPERIMENT = "TLB reach (Lab 3)"


def tlb_runs(quick: bool) -> list[list[str]]:
    """One run; quick: half the dependent loads per point (about 0.5 s instead of 1.5 s)."""
    return [["--accesses", str(2**18 if quick else 2**19), "--json"]]


TLB_REACH = Step(name="tlb_reach", what="TLB reach: 4 KiB vs 2 MiB pages (lab03_tlb_reach)",
                 program="tlb_reach", runs=tlb_runs, output="tlb_reach.json", seconds=5)


@dataclass(frozen=True)
class Point:
    """ns per access at one page count, from the benchmark (result: to cite) or the program."""
    ns: float
    spread: str            # the table's spread cell
    result: object = None


def bench_curves(results) -> dict[str, dict[int, Point]]:
    """'4KiB'/'2MiB' -> {pages: Point} of BM_TlbReach_*."""
    curves = {}
    for size, _, _ in SIZES:
        curves[size] = {int(named["pages"]): Point(result.counter("ns_per_access"),
                                                   result_spread(result, "ns_per_access"), result)
                        for named, _, result in family(results, f"BM_TlbReach_{size}")
                        if "pages" in named and result.counter("ns_per_access")}
    return curves


def program_curves(program: dict) -> dict[str, dict[int, Point]]:
    """The same from lab03_tlb_reach's JSON (best of 3 in one run: no spread)."""
    return {size: {p["pages"]: Point(p["ns_per_access"], "1 run") for p in program.get(key, [])}
            for size, key, _ in SIZES}


def skip_reason(results, size: str) -> str:
    """Why the benchmark skipped BM_TlbReach_<size> (its error text), or ''."""
    for result in results.values():
        if result.name.startswith(f"BM_TlbReach_{size}/") and result.error:
            return result.error
    return ""


def tlb_section(lab_section: Section, results, path: Path | None, context: dict) -> None:
    """Adds a part to Lab 3's section: the TLB-reach table, plot, steps, takeaway and shape
    check."""
    section = lab_section.part("TLB reach: 4 KiB vs 2 MiB pages")
    program = last_run(path)
    curves = bench_curves(results)
    source = "BM_TlbReach_*"
    if not curves["4KiB"] and program.get("small_4k"):
        curves = program_curves(program)
        source = "lab03_tlb_reach"
    if not curves["4KiB"]:
        section.notes.append("_TLB reach: neither BM_TlbReach_* nor lab03_tlb_reach gave a 4 KiB "
                             "curve in this run, so no table._")
        section.shape(EXPERIMENT, NOT_MEASURED, "No 4 KiB curve in this run.")
        return
    huge_problem = (skip_reason(results, "2MiB") or program.get("huge_2m_problem", "")
                    if not curves["2MiB"] else "")
    section.tables.append(tlb_table(curves, source))
    section.plots.append(tlb_plot(curves, program.get("steps", [])))
    notes = [thp_note(context.get("transparent_hugepage"), huge_problem)]
    notes.append(steps_note(program.get("steps", [])))
    section.notes += [note for note in notes if note]
    tlb_verdict(section, curves, huge_problem)


def tlb_table(curves, source: str) -> tuple:
    rows = []
    for pages in sorted(set(curves["4KiB"]) | set(curves["2MiB"])):
        small, huge = curves["4KiB"].get(pages), curves["2MiB"].get(pages)
        rows.append((f"{pages:,}", format_bytes(pages * PAGE),
                     fmt(small and small.ns, "ns"), small.spread if small else "—",
                     fmt(huge and huge.ns, "ns"), huge.spread if huge else "—"))
    return (f"TLB reach: one dependent load per page over P pages, in a random cycle ({source})",
            ("pages P", "address span", "4 KiB pages: ns per access", "spread",
             "2 MiB pages: ns per access", "spread"), rows)


def step_label(name: str) -> str:
    """'STLB reach exceeded (~1.5-2K entries ...): page walks' -> 'STLB reach exceeded'."""
    return name.split(" (")[0].split(":")[0]


def tlb_plot(curves, steps: list) -> Plot:
    series = [(title, [(pages, point.ns) for pages, point in sorted(curves[size].items())])
              for size, _, title in SIZES]
    return Plot(name="lab03_tlb_reach", title="TLB reach: ns per access vs pages touched",
                xlabel="pages touched, 4 KiB each (log scale)", ylabel="ns per access (log scale)",
                logx=True, logy=True, series=series,
                markers=[(math.sqrt(step["from_pages"] * step["to_pages"]),
                          step_label(step["name"])) for step in steps])


def thp_note(mode: str | None, huge_problem: str) -> str:
    mode_text = f"transparent huge pages: mode '{mode}'" if mode else "THP mode not recorded"
    if huge_problem:
        return (f"2 MiB pages are unavailable here ({mode_text}): {huge_problem}. The 2 MiB curve "
                "is missing rather than measured on 4 KiB pages.")
    return (f"The 2 MiB curve asks for huge pages with MADV_HUGEPAGE and checks AnonHugePages in "
            f"/proc/self/smaps ({mode_text}).")


def steps_note(steps: list) -> str:
    if not steps:
        return ""
    named = [f"{step['from_pages']:,} → {step['to_pages']:,} pages "
             f"({format_bytes(step['from_pages'] * PAGE)} → {format_bytes(step['to_pages'] * PAGE)}"
             f" of address space): ×{step['ratio']:.2f} on 4 KiB pages, ×{step['huge_ratio']:.2f} "
             f"on 2 MiB pages — {step['name']}" for step in steps]
    return "Steps of the 4 KiB curve, named by lab03_tlb_reach from its own run: " + "; ".join(
        named) + "."


def tlb_verdict(section: Section, curves, huge_problem: str) -> None:
    """Shape: on 4 KiB pages, 16,384 pages cost at least 2x 16 pages per access; the 2 MiB curve
    grows less over the same range."""
    small, huge = curves["4KiB"], curves["2MiB"]
    if 16 not in small or 16384 not in small:
        section.shape(EXPERIMENT, NOT_MEASURED,
                      "The 4 KiB curve lacks the 16 or 16,384 page point.")
        return
    small_16, small_16k = small[16].ns, small[16384].ns
    for pages in (16, 16384):
        section.cite(small[pages].result, "ns_per_access", f"TLB reach, 4 KiB pages, P = {pages:,}")
    small_ratio = small_16k / small_16
    detail = (f"4 KiB pages: {fmt(small_16k, 'ns')} per access at 16,384 pages, "
              f"{fmt(small_16, 'ns')} at 16 (×{small_ratio:.1f}, expected ≥ 2)")
    if small_ratio < 2:
        section.shape(EXPERIMENT, NOT_SHOWN, detail + ".")
        return
    if 16 not in huge or 16384 not in huge:
        section.shape(EXPERIMENT, CANNOT_SHOW, detail + "; the 2 MiB half cannot be checked: "
                      + (huge_problem or "the 2 MiB curve lacks the 16 or 16,384 page point") + ".")
        return
    huge_ratio = huge[16384].ns / huge[16].ns
    section.cite(huge[16384].result, "ns_per_access", "TLB reach, 2 MiB pages, P = 16,384")
    verdict = SHOWN if huge_ratio < small_ratio else NOT_SHOWN
    section.shape(EXPERIMENT, verdict, detail + f"; 2 MiB pages: ×{huge_ratio:.1f} over the same "
                  "range (expected flatter, a smaller ratio).")
    huge_16k = huge[16384].ns
    measured = (f"one load on each of 16,384 pages (64 MiB) costs {fmt(small_16k, 'ns')} on 4 KiB "
                f"pages ({fmt(small_16, 'ns')} on 16 pages) and {fmt(huge_16k, 'ns')} on 2 MiB "
                "pages, which need 512 times fewer TLB entries")
    section.takeaways.append(
        f"TLB reach: {measured}; about {fmt(small_16k - huge_16k, 'ns')} per load is the page "
        "walk that 4 KiB pages need beyond the TLB's reach." if verdict == SHOWN else
        f"This run does not show huge pages flattening the TLB-reach curve: {measured}.")
