"""Lab 1 in the report: creation cost of processes, threads and coroutines, fork vs memory,
context switches and their indirect cost (a working set to refill), parallel sum."""
from __future__ import annotations

from .formatting import fmt, format_bytes, ratio, result_spread, us
from .lab05 import echo_grid
from .names import family, find, load_other
from .plots import Plot
from .section import NOT_MEASURED, NOT_SHOWN, SHOWN, Section


CREATION = [  # (benchmark family, what it creates, short label for the plot)
    ("BM_Create_ForkExitWait", "process: fork + _exit + waitpid", "fork"),
    ("BM_Create_ForkExecTrue", "process: fork + exec /bin/true", "fork+exec"),
    ("BM_Create_VforkExecTrue", "process: vfork + exec /bin/true", "vfork+exec"),
    ("BM_Create_PosixSpawnTrue", "process: posix_spawn /bin/true", "posix_spawn"),
    ("BM_Create_ThreadJoin", "thread: std::thread + join", "std::thread"),
    ("BM_Create_CoroutineTask", "coroutine task: create + run", "coroutine"),
]
SWITCH_PLACES = {"0": "same CPU (pinned)", "1": "different CPUs (pinned)", "2": "unpinned"}


def section(lab, results, extra) -> Section:
    section = Section(title=f"Lab 1 — {lab.title}")
    rows, bars = [], []
    for name, what, label in CREATION:
        cost = us(find(results, name))
        rows.append((what, fmt(cost, "µs")))
        if cost:
            bars.append((label, cost))
    pool = find(load_other(extra["raw"], "lab02"), "BM_Pool_Post")
    pool_task_us = 1e6 / pool.counter("items_per_second") if pool and pool.counter("items_per_second") else None
    if pool_task_us:
        rows.append(("pool task: ThreadPool::post (Lab 2)", fmt(pool_task_us, "µs")))
        bars.append(("pool task", pool_task_us))
    section.tables.append(("What it costs to create one", ("unit of work", "cost"), rows))
    section.plots.append(Plot(
        name="lab01_creation", title="Creation cost: process, thread, pool task, coroutine",
        xlabel="", ylabel="microseconds per creation (log scale)", kind="bars", logy=True,
        series=[("cost", bars)]))

    fork_rows, fork_line, spawn_line = [], [], []
    for named, _, result in family(results, "BM_ForkWithTouchedMemory"):
        mib = float(named.get("MiB", 0))
        fork_line.append((mib, us(result)))
    for named, _, result in family(results, "BM_PosixSpawnWithTouchedMemory"):
        spawn_line.append((float(named.get("MiB", 0)), us(result)))
    for mib, cost in sorted(fork_line):
        spawn = dict(spawn_line).get(mib)
        fork_rows.append((f"{mib:g} MiB", fmt(cost, "µs"), fmt(spawn, "µs")))
    if fork_rows:
        section.tables.append(("fork gets slower as the parent's touched memory grows (page tables "
                               "are copied); posix_spawn does not",
                               ("parent touched", "fork + exit + wait", "posix_spawn"), fork_rows))

    switch_rows, switch_bars = [], []
    for place, place_name in SWITCH_PLACES.items():
        thread = find(results, "BM_Switch_PingPong", process=0, where=place)
        process = find(results, "BM_Switch_PingPong", process=1, where=place)
        t_ns = thread.counter("ns_per_switch") if thread else None
        p_ns = process.counter("ns_per_switch") if process else None
        switch_rows.append((place_name, fmt(t_ns and t_ns / 1e3, "µs"), fmt(p_ns and p_ns / 1e3, "µs")))
        if t_ns:
            switch_bars.append((f"threads, {place_name.split(' (')[0]}", t_ns / 1e3))
        if p_ns:
            switch_bars.append((f"processes, {place_name.split(' (')[0]}", p_ns / 1e3))
    coro = find(results, "BM_Switch_Coroutines", pipe=0)
    coro_pipe = find(results, "BM_Switch_Coroutines", pipe=1)
    baseline = find(results, "BM_Switch_PipeBaseline")
    section.tables.append((
        "Context switch per switch (pipe ping-pong minus a single-thread pipe baseline, which the "
        "benchmark measures for itself; the baseline benchmark gave "
        f"{fmt(baseline and baseline.counter('ns_per_transfer'), 'ns')} per transfer)",
        ("where the two sides run", "threads", "processes"), switch_rows))
    if coro:
        section.notes.append(
            f"A switch between two coroutines on one thread costs "
            f"{fmt(coro.counter('ns_per_switch'), 'ns')}; when each switch also waits on a pipe "
            f"(I/O readiness), {fmt(coro_pipe and coro_pipe.counter('ns_per_switch'), 'ns')}: the "
            "kernel is back in the path.")
    section.plots.append(Plot(
        name="lab01_switch", title="Context switch cost: threads vs processes, same vs cross CPU",
        xlabel="", ylabel="microseconds per switch", kind="bars",
        series=[("per switch", switch_bars)]))

    cross_cpu_note(section, results, extra["raw"])
    working_set_part(section, results, extra.get("context", {}))

    sum_rows = []
    for workers in (1, 2, 4, 8):
        threads = find(results, "BM_Sum_Threads", workers=workers)
        processes = find(results, "BM_Sum_Processes", workers=workers)
        if threads or processes:
            sum_rows.append((workers, fmt(threads and threads.real_ns / 1e6, "ms"),
                             fmt(processes and processes.real_ns / 1e6, "ms")))
    if sum_rows:
        section.tables.append(("Parallel sum of 1..n", ("workers", "threads", "processes"), sum_rows))

    fork_us = cited_us(section, find(results, "BM_Create_ForkExitWait"))
    thread_us = cited_us(section, find(results, "BM_Create_ThreadJoin"))
    coro_us = cited_us(section, find(results, "BM_Create_CoroutineTask"))
    if fork_us and thread_us:
        section.takeaways.append(
            f"Creating a process (fork + exit + wait) costs {fmt(fork_us, 'µs')}, a thread "
            f"{fmt(thread_us, 'µs')} ({fmt(ratio(fork_us, thread_us), '', 2)}× cheaper)"
            + (f", a coroutine task {fmt(coro_us * 1e3, 'ns')}" if coro_us else "")
            + (f", handing a task to a pool {fmt(pool_task_us, 'µs')}" if pool_task_us else "") + ".")
    same = find(results, "BM_Switch_PingPong", process=0, where=0)
    cross = find(results, "BM_Switch_PingPong", process=0, where=1)
    if same and coro:
        for result in (same, cross, coro):
            section.cite(result, "ns_per_switch")
        section.takeaways.append(
            f"A thread context switch costs {fmt(same.counter('ns_per_switch') / 1e3, 'µs')} on one CPU"
            + (f" and {fmt(cross.counter('ns_per_switch') / 1e3, 'µs')} across CPUs" if cross else "")
            + f"; a coroutine switch {fmt(coro.counter('ns_per_switch'), 'ns')}.")
    return section


CROSS_CPU_ARTEFACT = 5.0  # cross-CPU switch / same-CPU switch above this: say why


def cross_cpu_note(section: Section, results, raw) -> None:
    """A machine artefact the report can detect: a cross-CPU wake-up far dearer than a switch.
    On a VM an idle vCPU halts (the guest's idle loop runs HLT and the hypervisor deschedules it);
    waking it is an inter-processor interrupt through the hypervisor plus the host scheduling the
    vCPU again. Every message of a one-connection echo pays that wake-up twice (client to server
    and back), which is what bounds Lab 5's one-connection rows."""
    same = find(results, "BM_Switch_PingPong", process=0, where=0)
    cross = find(results, "BM_Switch_PingPong", process=0, where=1)
    same_ns = same.counter("ns_per_switch") if same else None
    cross_ns = cross.counter("ns_per_switch") if cross else None
    if not same_ns or not cross_ns or cross_ns < CROSS_CPU_ARTEFACT * same_ns:
        return
    echo = echo_grid(load_other(raw, "lab05")).get(("blocking", 1, 64))
    rate = echo.counter("msgs_per_s") if echo else None
    section.notes.append(
        f"**A machine artefact: waking another CPU.** A switch to a thread on another CPU costs "
        f"{fmt(cross_ns / 1e3, 'µs')} here against {fmt(same_ns / 1e3, 'µs')} on one CPU "
        f"({fmt(cross_ns / same_ns, '', 2)}×). The other CPU was idle, and an idle vCPU halts: "
        "waking it is an inter-processor interrupt delivered by the hypervisor, which must also "
        "schedule the vCPU again (on bare metal, a CPU leaving a deep C-state pays a smaller "
        "version of the same). A request-reply over one connection pays that wake-up on every "
        "message, in both directions"
        + (f": that is why a one-connection echo runs at only {fmt(rate, 'msg/s')} here "
           "(Lab 5, blocking server, 64 B)" if rate else "")
        + ". Pinned to one CPU, or with the CPUs busy, the wake-up is cheap and the switch dominates.")


def cited_us(section: Section, result) -> float | None:
    """A result's time in µs, cited by a takeaway (its spread is checked)."""
    ns = section.cite(result)
    return ns / 1e3 if ns is not None else None


WORKING_SET = "BM_SwitchWorkingSet"
SIDES = {"0": "threads", "1": "processes"}
# The figure: round trip minus the no-switch baseline with the same W, in the CPU time both sides
# used (on a shared CPU, wall time also holds what other programs ran meanwhile).
EXTRA = "switch_extra_cpu_ns"


def working_set_curves(results) -> dict[str, dict[int, object]]:
    """sides ('threads', 'processes') -> {W in KiB: result} of BM_SwitchWorkingSet."""
    curves: dict[str, dict[int, object]] = {side: {} for side in SIDES.values()}
    for named, _, result in family(results, WORKING_SET):
        side = SIDES.get(named.get("process", ""))
        if side and "W_KiB" in named and result.counter(EXTRA) is not None:
            curves[side][int(named["W_KiB"])] = result
    return curves


def working_set_part(lab_section: Section, results, context: dict) -> None:
    """A part of Lab 1's section, the indirect cost of a switch: each side refills its caches
    (and TLB) after the other."""
    section = lab_section.part("The indirect cost of a switch")
    curves = working_set_curves(results)
    sizes = sorted(set(curves["threads"]) | set(curves["processes"]))
    experiment = "the indirect cost of a switch (Lab 1)"
    if not sizes:
        section.notes.append(f"_The indirect cost of a switch: no {WORKING_SET} results in this "
                             "run (the benchmark is missing or failed), so no table._")
        section.shape(experiment, NOT_MEASURED, f"No {WORKING_SET} results in this run.")
        return
    section.tables.append(working_set_table(curves, sizes))
    section.plots.append(working_set_plot(curves))
    dropped = [f"{side} at {format_bytes(kib * 1024)}" for side, curve in curves.items()
               for kib, result in sorted(curve.items()) if result.counter(EXTRA) <= 0]
    section.notes.append("The plot starts at the smallest W above 0 (a log axis has no 0): "
                         "W = 0, the switch alone, is the table's first row. The baseline is "
                         "measured once per run of the benchmark binary (best of 3) and shared "
                         "by its repetitions, so its own noise is not in the spread.")
    if dropped:
        section.notes.append("Round trip not above the baseline (noise larger than the effect), "
                             "left out of the log-scale plot: " + ", ".join(dropped) + ".")
    pcid = context.get("cpu_flag_pcid")
    if pcid:
        section.notes.append(
            f"This CPU {'has' if pcid == 'yes' else 'lacks'} PCID: a switch between processes "
            + ("keeps the TLB entries of the other address space (tagged with its PCID), so "
               "both threads and processes mainly refill caches." if pcid == "yes" else
               "flushes the TLB (CR3 write), so processes also refill their TLB after each "
               "switch; threads share one address space and keep it."))
    working_set_verdict(section, curves, experiment)


def working_set_table(curves, sizes) -> tuple:
    rows = []
    for kib in sizes:
        thread, process = curves["threads"].get(kib), curves["processes"].get(kib)
        any_side = thread or process
        rows.append((format_bytes(kib * 1024) if kib else "0",
                     fmt(any_side.counter("baseline_cpu_ns") / 1e3, "µs"),
                     fmt(thread and thread.counter(EXTRA) / 1e3, "µs"),
                     result_spread(thread, EXTRA),
                     fmt(process and process.counter(EXTRA) / 1e3, "µs"),
                     result_spread(process, EXTRA)))
    return ("The indirect cost of a switch: pipe ping-pong, both sides pinned to one CPU, each "
            "touching its own W bytes between passes; round trip minus the no-switch baseline "
            "with the same W (CPU time of both sides; spread = (max − min) / median over the "
            "runs)",
            ("W per side", "no-switch baseline", "threads: round trip − baseline", "spread",
             "processes: round trip − baseline", "spread"), rows)


def working_set_plot(curves) -> Plot:
    series = [(f"{side} (round trip − baseline)",
               [(kib, result.counter(EXTRA) / 1e3) for kib, result in sorted(curve.items())
                if kib > 0 and result.counter(EXTRA) > 0])
              for side, curve in curves.items()]
    return Plot(name="lab01_switch_working_set",
                title="Indirect cost of a switch: round trip minus the same work without a switch",
                xlabel="working set per side, KiB (log scale)",
                ylabel="µs per round trip beyond the baseline (log scale)",
                logx=True, logy=True, series=series)


def working_set_verdict(section: Section, curves, experiment: str) -> None:
    """Shape: the process round trip at W = 1 MiB costs more (beyond its baseline) than at W = 0."""
    processes, threads = curves["processes"], curves["threads"]
    if 0 not in processes or 1024 not in processes:
        section.shape(experiment, NOT_MEASURED,
                      "The process curve lacks W = 0 or W = 1 MiB in this run.")
        return
    at_zero = section.cite(processes[0], EXTRA, "processes, W = 0: round trip − baseline")
    at_mib = section.cite(processes[1024], EXTRA, "processes, W = 1 MiB: round trip − baseline")
    thread_mib = threads.get(1024) and threads[1024].counter(EXTRA)
    verdict = SHOWN if at_mib > at_zero else NOT_SHOWN
    below = (" The round trip came out below its no-switch baseline: the baseline, measured once, "
             "moved more than the effect (see the noise part)." if at_mib <= 0 else "")
    section.shape(experiment, verdict,
                  f"Processes, round trip beyond the baseline: {fmt(at_mib / 1e3, 'µs')} at "
                  f"W = 1 MiB against {fmt(at_zero / 1e3, 'µs')} at W = 0 "
                  f"(expected: more at 1 MiB; spreads {result_spread(processes[1024], EXTRA)} "
                  f"and {result_spread(processes[0], EXTRA)}).{below}")
    measured = (f"when each side touches 1 MiB between passes, a process round trip costs "
                f"{fmt(at_mib / 1e3, 'µs')} beyond the same work without a switch, against "
                f"{fmt(at_zero / 1e3, 'µs')} with nothing to touch"
                + (f" (threads: {fmt(thread_mib / 1e3, 'µs')})" if thread_mib else ""))
    section.takeaways.append(
        f"A switch has an indirect cost: {measured}: each side refills its caches after the "
        "other." if verdict == SHOWN else
        f"This run does not show the indirect cost of a switch: {measured} (see its shape "
        "check).")
