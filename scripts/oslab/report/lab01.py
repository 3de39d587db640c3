"""Lab 1 in the report: creation cost of processes, threads and coroutines, fork vs memory,
context switches, parallel sum."""
from __future__ import annotations

from .formatting import fmt, ratio, us
from .names import family, find, load_other
from .plots import Plot
from .section import Section


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

    sum_rows = []
    for workers in (1, 2, 4, 8):
        threads = find(results, "BM_Sum_Threads", workers=workers)
        processes = find(results, "BM_Sum_Processes", workers=workers)
        if threads or processes:
            sum_rows.append((workers, fmt(threads and threads.real_ns / 1e6, "ms"),
                             fmt(processes and processes.real_ns / 1e6, "ms")))
    if sum_rows:
        section.tables.append(("Parallel sum of 1..n", ("workers", "threads", "processes"), sum_rows))

    fork_us = us(find(results, "BM_Create_ForkExitWait"))
    thread_us = us(find(results, "BM_Create_ThreadJoin"))
    coro_us = us(find(results, "BM_Create_CoroutineTask"))
    if fork_us and thread_us:
        section.takeaways.append(
            f"Creating a process (fork + exit + wait) costs {fmt(fork_us, 'µs')}, a thread "
            f"{fmt(thread_us, 'µs')} ({fmt(ratio(fork_us, thread_us), '', 2)}× cheaper)"
            + (f", a coroutine task {fmt(coro_us * 1e3, 'ns')}" if coro_us else "")
            + (f", handing a task to a pool {fmt(pool_task_us, 'µs')}" if pool_task_us else "") + ".")
    same = find(results, "BM_Switch_PingPong", process=0, where=0)
    cross = find(results, "BM_Switch_PingPong", process=0, where=1)
    if same and coro:
        section.takeaways.append(
            f"A thread context switch costs {fmt(same.counter('ns_per_switch') / 1e3, 'µs')} on one CPU"
            + (f" and {fmt(cross.counter('ns_per_switch') / 1e3, 'µs')} across CPUs" if cross else "")
            + f"; a coroutine switch {fmt(coro.counter('ns_per_switch'), 'ns')}.")
    return section
