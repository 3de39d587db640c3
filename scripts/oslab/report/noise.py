"""How noisy this run's numbers are, measured rather than assumed: the spread over the runs of
every figure a takeaway cites (Section.cite), and what the machine says about itself: steal time
(a VM's CPU handed to other guests) and the CPU frequency governor."""
from __future__ import annotations

from .formatting import fmt
from .section import Figure

SPREAD_LIMIT = 0.15  # (max - min) / median above this: the figure moved too much to trust alone
STEAL_LIMIT = 2.0    # percent of CPU time stolen by the hypervisor
STEADY_GOVERNORS = ("performance",)


def spread_warnings(figures: list[Figure]) -> list[str]:
    """One warning per cited figure whose runs spread more than SPREAD_LIMIT around the median."""
    noisy = {}
    for figure in figures:
        if figure.spread is not None and figure.spread > SPREAD_LIMIT:
            noisy[figure.what] = figure
    return [f"{figure.what} varied by {fmt(figure.spread * 100, '%', 2)} of its median over "
            f"{figure.runs} runs (more than {SPREAD_LIMIT * 100:.0f} %): the takeaway using it "
            "may not repeat" for figure in noisy.values()]


def machine_warnings(machine: dict) -> list[str]:
    """Steal time above STEAL_LIMIT (since boot or now), a governor that changes the clock."""
    warnings = []
    steal = machine.get("steal_percent") or {}
    for when, label in (("now", "while the report was written"), ("since_boot", "since boot")):
        share = steal.get(when)
        if share is not None and share > STEAL_LIMIT:
            warnings.append(f"steal time {fmt(share, '%', 2)} {label} (/proc/stat): the "
                            "hypervisor gives this VM's CPUs to others, so times include waits")
            break
    governor = machine.get("governor")
    if governor and governor not in STEADY_GOVERNORS:
        warnings.append(f"CPU frequency governor '{governor}': the clock follows the load, so "
                        "short runs can be measured at a lower frequency (set 'performance')")
    return warnings


def unmeasured_note(figures: list[Figure]) -> str | None:
    """Says so when the cited figures were measured once (quick mode): no spread to check."""
    once = [figure for figure in figures if figure.runs < 2]
    if not once:
        return None
    return (f"{len(once)} of the {len(figures)} figures the takeaways cite come from one run "
            "(quick mode runs each benchmark once; some programs run once): their spread is "
            "unknown. Without --quick each benchmark runs 3 times.")


def section_lines(figures: list[Figure], machine: dict) -> tuple[list[str], list[str]]:
    """The Noise part of index.md and the warnings it contains (also printed on the terminal)."""
    warnings = machine_warnings(machine) + spread_warnings(figures)
    lines = ["## Noise, measured", ""]
    measured = [figure for figure in figures if figure.spread is not None]
    if measured:
        worst = max(measured, key=lambda figure: figure.spread)
        lines += [f"Spread, (max − min) / median over the runs, of the {len(measured)} figures "
                  f"the takeaways cite with more than one run: at most "
                  f"{fmt(worst.spread * 100, '%', 2)} ({worst.what}).", ""]
    note = unmeasured_note(figures)
    if note:
        lines += [note, ""]
    lines += [f"- **warning:** {warning}" for warning in warnings]
    if not warnings:
        lines.append(f"No warning: every spread within {SPREAD_LIMIT * 100:.0f} %, steal time "
                     f"below {STEAL_LIMIT:g} %, no frequency governor that follows the load.")
    return lines + [""], warnings
