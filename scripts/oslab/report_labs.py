"""The report's section for each lab: which benchmarks make the key figures, and the takeaways."""
from __future__ import annotations

from plots import Plot
from report_sections import Section, builder, family, find, fmt, fmt_us, load_other, ratio, us

CREATION = [  # (benchmark family, what it creates, short label for the plot)
    ("BM_Create_ForkExitWait", "process: fork + _exit + waitpid", "fork"),
    ("BM_Create_ForkExecTrue", "process: fork + exec /bin/true", "fork+exec"),
    ("BM_Create_VforkExecTrue", "process: vfork + exec /bin/true", "vfork+exec"),
    ("BM_Create_PosixSpawnTrue", "process: posix_spawn /bin/true", "posix_spawn"),
    ("BM_Create_ThreadJoin", "thread: std::thread + join", "std::thread"),
    ("BM_Create_CoroutineTask", "coroutine task: create + run", "coroutine"),
]
SWITCH_PLACES = {"0": "same CPU (pinned)", "1": "different CPUs (pinned)", "2": "unpinned"}


@builder("lab01")
def lab01(lab, results, extra) -> Section:
    section = Section(title=f"Lab 1 — {lab.title}")
    rows, bars = [], []
    for name, what, label in CREATION:
        cost = us(find(results, name))
        rows.append((what, fmt(cost, "µs")))
        if cost:
            bars.append((label, cost))
    pool = find(load_other(extra, "lab02"), "BM_Pool_Post") if extra else None
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


def per_second(result) -> float | None:
    return result.counter("items_per_second") if result else None


@builder("lab02")
def lab02(lab, results, extra) -> Section:
    section = Section(title=f"Lab 2 — {lab.title}")
    contenders = [("BM_Pool_Post", "ThreadPool::post"), ("BM_Pool_Submit", "ThreadPool::submit"),
                  ("BM_Stealing_Post", "StealingThreadPool::post (stretch)"),
                  ("BM_Stealing_Submit", "StealingThreadPool::submit (stretch)"),
                  ("BM_Asio_Post", "boost::asio::thread_pool + post"),
                  ("BM_StdAsync", "std::async per task"), ("BM_ThreadPerTask", "a std::thread per task")]
    asio = per_second(find(results, "BM_Asio_Post"))
    per_thread = per_second(find(results, "BM_ThreadPerTask"))
    rows = []
    for family_name, what in contenders:
        rate = per_second(find(results, family_name))
        rows.append((what, fmt(rate and rate / 1e6, "M tasks/s"), fmt(rate and 1e9 / rate, "ns"),
                     fmt(ratio(rate, asio), "", 2) + ("×" if rate and asio else ""),
                     fmt(ratio(rate, per_thread), "", 3) + ("×" if rate and per_thread else "")))
    section.tables.append(("Empty tasks: throughput and cost per task",
                           ("how", "throughput", "per task", "vs Asio", "vs thread per task"), rows))

    series = []
    for family_name, title in (("BM_TaskSize_Pool", "ThreadPool"),
                               ("BM_TaskSize_Stealing", "StealingThreadPool"),
                               ("BM_TaskSize_Asio", "asio::thread_pool")):
        points = [(f"{named['us']} µs of work", per_second(result))
                  for named, _, result in family(results, family_name) if "us" in named]
        series.append((title, points))
    if per_thread:
        series.append(("thread per task (empty)", [("0 µs of work", per_thread)]))
    section.plots.append(Plot(
        name="lab02_task_size", title="Thread-pool throughput vs task size",
        xlabel="work per task", ylabel="tasks per second (log scale)", kind="bars", logy=True,
        series=series))

    latency_rows = []
    for family_name, what in (("BM_Latency_Pool", "ThreadPool"), ("BM_Latency_Stealing", "StealingThreadPool"),
                              ("BM_Latency_Asio", "asio::thread_pool"), ("BM_Latency_NewThread", "new std::thread")):
        result = find(results, family_name)
        if result:
            latency_rows.append((what, fmt(result.counter("p50_us"), "µs"), fmt(result.counter("p99_us"), "µs")))
    if latency_rows:
        section.tables.append(("From submit to the task starting", ("how", "median", "p99"), latency_rows))

    pool = per_second(find(results, "BM_Pool_Post"))
    if pool and asio and per_thread:
        section.takeaways.append(
            f"A thread pool runs {fmt(pool / 1e6, 'million')} empty tasks per second "
            f"({fmt(1e9 / pool, 'ns')} each): {fmt(ratio(pool, per_thread), '', 3)}× a thread per task, "
            f"{fmt(ratio(pool, asio), '', 2)}× boost::asio::thread_pool.")
    return section


@builder("lab03")
def lab03(lab, results, extra) -> Section:
    section = Section(title=f"Lab 3 — {lab.title}")
    context = extra.get("context", {})
    markers = []
    for key, label in (("l1d_bytes", "L1d"), ("l2_bytes", "L2"), ("l3_bytes", "L3")):
        try:
            size = float(context.get(key, 0))
        except ValueError:
            size = 0
        if size > 0:
            markers.append((size / 1024, f"{label} {size / 1024:g} KiB" if size < 2**20
                            else f"{label} {size / 2**20:g} MiB"))
    curve = sorted((result.counter("working_set_bytes", 0) / 1024, result.counter("ns_per_load"))
                   for _, _, result in family(results, "BM_Latency") if result.counter("ns_per_load"))
    section.plots.append(Plot(
        name="lab03_latency", title="Load latency vs working-set size (pointer chase)",
        xlabel="working set (KiB, log scale)", ylabel="ns per load (log scale)", logx=True, logy=True,
        markers=markers, series=[("random pointer chase", curve)]))
    if curve:
        picks = [curve[0], curve[len(curve) // 2], curve[-1]]
        section.tables.append(("Latency of one dependent load (pointer chase)", ("working set", "ns per load"),
                               [(f"{kib:g} KiB" if kib < 1024 else f"{kib / 1024:g} MiB", fmt(ns, "ns"))
                                for kib, ns in curve]))

    mountain = []
    for named, _, result in family(results, "BM_Mountain"):
        rate = result.counter("bytes_per_second")
        size, stride = result.counter("working_set_bytes"), result.counter("stride_bytes")
        if rate and size and stride:
            mountain.append((size, stride, rate / 1e6))
    if mountain:
        import math
        sizes = sorted({round(math.log2(size)) for size, _, _ in mountain})
        strides = sorted({round(math.log2(stride)) for _, stride, _ in mountain})
        section.plots.append(Plot(
            name="lab03_mountain", title="Memory mountain: read throughput by working set and stride",
            xlabel="working set", ylabel="stride", zlabel="MB/s", kind="heatmap",
            series=[("MB/s", [(round(math.log2(s)), round(math.log2(t)), v) for s, t, v in mountain])],
            xtics=[(p, _bytes_label(2 ** p)) for p in sizes],
            ytics=[(p, f"{2 ** p} B") for p in strides]))

    base = find(results, "BM_Pattern_Sequential")
    pattern_rows, bars = [], []
    for family_name, what in (("BM_Pattern_Sequential", "sequential"), ("BM_Pattern_RowMajor", "matrix, row-major"),
                              ("BM_Pattern_ColumnMajor", "matrix, column-major"),
                              ("BM_Pattern_Strided", "strided"), ("BM_Pattern_ShuffledIndex", "random (shuffled index)")):
        result = find(results, family_name)
        if not result:
            continue
        ns = result.counter("ns_per_element")
        pattern_rows.append((what, fmt(ns, "ns"), fmt(ratio(ns, base and base.counter("ns_per_element")), "", 3) + "×"))
        bars.append((what, ns))
    if pattern_rows:
        size = base.counter("data_bytes") if base else None
        section.tables.append((f"Summing {_bytes_label(size) if size else 'a DRAM-sized array'} of int64",
                               ("access pattern", "ns per element", "vs sequential"), pattern_rows))
        section.plots.append(Plot(name="lab03_patterns", title="The same sum, different access orders",
                                  xlabel="", ylabel="ns per element (log scale)", kind="bars", logy=True,
                                  series=[("ns per element", bars)]))

    shared = find(results, "BM_FalseSharing", shared_line=None) or _by_name(results, "BM_FalseSharing/shared_line")
    padded = _by_name(results, "BM_FalseSharing/padded")
    if shared and padded:
        s_ns, p_ns = shared.counter("ns_per_increment"), padded.counter("ns_per_increment")
        section.tables.append(("False sharing: two threads, one counter each", ("layout", "ns per increment"),
                               [("same cache line", fmt(s_ns, "ns")), ("padded to separate lines", fmt(p_ns, "ns"))]))
        section.takeaways.append(f"Two threads incrementing counters on one cache line: {fmt(s_ns, 'ns')} per "
                                 f"increment; padded apart: {fmt(p_ns, 'ns')} ({fmt(ratio(s_ns, p_ns), '', 3)}× slowdown "
                                 "from false sharing).")

    fault_rows = []
    for family_name, what in (("BM_PageFaults_Cold", "fresh mmap, first touch"),
                              ("BM_PageFaults_Prefaulted", "already touched (prefaulted)"),
                              ("BM_PageFaults_PopulateCall", "MAP_POPULATE / MADV_POPULATE_WRITE"),
                              ("BM_PageFaults_HugePages", "transparent huge pages")):
        result = find(results, family_name)
        if result:
            fault_rows.append((what, fmt(result.counter("faults_per_page"), "", 3), fmt(result.counter("ns_per_page"), "ns")))
    if fault_rows:
        section.tables.append(("Page faults per 4 KiB page", ("region", "faults per page", "time per page"), fault_rows))

    alloc_rows = []
    for family_name, what in (("BM_Alloc_ListNewDelete", "std::list, new/delete"),
                              ("BM_Alloc_ListPmrArena", "std::pmr::list on a monotonic arena"),
                              ("BM_Alloc_StackArray", "array on the stack")):
        for _, positional, result in family(results, family_name):
            alloc_rows.append((what, positional[0] if positional else "", fmt(result.counter("ns_per_element"), "ns")))
    if alloc_rows:
        section.tables.append(("Allocation", ("how", "elements", "ns per element"), alloc_rows))

    random_ = find(results, "BM_Pattern_ShuffledIndex")
    column, row = find(results, "BM_Pattern_ColumnMajor"), find(results, "BM_Pattern_RowMajor")
    if base and random_:
        section.takeaways.append(
            f"At DRAM size, summing in random order is "
            f"{fmt(ratio(random_.counter('ns_per_element'), base.counter('ns_per_element')), '', 3)}× slower than "
            f"sequentially; column-major order {fmt(ratio(column and column.counter('ns_per_element'), row and row.counter('ns_per_element')), '', 3)}× "
            "slower than row-major.")
    if curve:
        section.takeaways.append(f"One dependent load costs {fmt(curve[0][1], 'ns')} in L1 and {fmt(curve[-1][1], 'ns')} "
                                 f"from DRAM ({_bytes_label(curve[-1][0] * 1024)} working set).")
    return section


def _by_name(results, prefix: str):
    for result in results.values():
        if result.name.startswith(prefix) and not result.error:
            return result
    return None


def _bytes_label(size: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size:g} B"


def echo_grid(results, family_prefix: str, modes: list[str]) -> dict:
    """(mode, connections, bytes) -> Result for names like Echo/<mode>/conns:N/bytes:B."""
    grid = {}
    for result in results.values():
        parts = result.name.split("/")
        if result.error or len(parts) < 4 or parts[0] != family_prefix:
            continue
        _, named, _ = parse_args(parts[2:])
        mode = parts[1]
        if mode in modes and "conns" in named and "bytes" in named:
            grid[(mode, int(named["conns"]), int(named["bytes"]))] = result
    return grid


def parse_args(parts):
    from report_sections import parse_name
    return parse_name("x/" + "/".join(parts))


@builder("lab04")
def lab04(lab, results, extra) -> Section:
    section = Section(title=f"Lab 4 — {lab.title}")
    rows = []
    for named, _, result in family(results, "BM_EchoPingPong"):
        rate = result.counter("msg/s") or result.counter("items_per_second")
        rows.append((named.get("conns"), named.get("bytes"), fmt(rate, "msg/s"),
                     fmt_us(result.counter("p50_us")), fmt_us(result.counter("p99_us"))))
    if rows:
        section.tables.append(("Closed-loop echo load (one server thread per connection)",
                               ("connections", "bytes", "throughput", "p50", "p99"), rows))
    idle_rows = []
    idle = family(results, "BM_IdleConnections")
    for named, _, result in idle:
        conns = float(named.get("conns", 0))
        threads = result.counter("threads_per_conn")
        idle_rows.append((named.get("conns"), fmt(threads and threads * conns, "", 5),
                          fmt(result.counter("rss_MiB"), "MiB"), fmt(result.counter("KiB_per_conn"), "KiB")))
    if idle_rows:
        section.tables.append(("Idle connections held", ("connections", "server threads", "server RSS",
                                                         "RSS per connection"), idle_rows))
        named, _, last = idle[-1]
        section.takeaways.append(
            f"The blocking server needs one thread per connection (measured: "
            f"{fmt(last.counter('threads_per_conn'), '', 3)} per connection with {named.get('conns')} held) and "
            f"{fmt(last.counter('KiB_per_conn'), 'KiB')} of resident memory per idle connection.")
    return section


MODES = ["blocking", "asio", "asio-mt", "asio-pool", "coro", "epoll", "epoll-et"]


@builder("lab05")
def lab05(lab, results, extra) -> Section:
    section = Section(title=f"Lab 5 — {lab.title}")
    grid = echo_grid(results, "Echo", MODES)
    connections = sorted({c for _, c, _ in grid})
    for size in sorted({b for _, _, b in grid}):
        header = ("server",) + tuple(f"{c} conn" for c in connections)
        rows = []
        for mode in MODES:
            cells = [grid.get((mode, c, size)) for c in connections]
            if any(cells):
                rows.append((mode,) + tuple(
                    f"{fmt(r.counter('msgs_per_s') / 1e3, 'k')} / p99 {fmt_us(r.counter('p99_us'))}" if r else "—"
                    for r in cells))
        section.tables.append((f"Echo messages per second and p99 latency, {size}-byte messages", header, rows))
        section.plots.append(Plot(
            name=f"lab05_echo_{size}", title=f"Echo throughput vs connections ({size}-byte messages)",
            xlabel="concurrent connections (log scale)", ylabel="messages per second", logx=True,
            series=[(mode, [(c, grid[(mode, c, size)].counter("msgs_per_s")) for c in connections
                            if (mode, c, size) in grid]) for mode in MODES]))
    naive = {}
    for result in results.values():
        if result.name.startswith("Nagle/") and not result.error:
            _, named, _ = parse_args(result.name.split("/")[2:])
            naive[int(named.get("bytes", 0))] = result
    if naive:
        section.tables.append(("The Nagle + delayed-ACK trap: Asio's shipped example (1 KiB buffer, no TCP_NODELAY), one connection",
                               ("message", "messages/s", "p50"),
                               [(f"{size} B", fmt(r.counter("msgs_per_s")), fmt_us(r.counter("p50_us")))
                                for size, r in sorted(naive.items())]))
        big = naive.get(max(naive))
        if big:
            section.takeaways.append(
                f"Without TCP_NODELAY, a {max(naive)}-byte echo written in 1 KiB pieces waits for a delayed ACK: "
                f"p50 {fmt(big.counter('p50_us') / 1e3, 'ms')} per message instead of tens of µs.")
    c10k_path = extra["raw"] / "c10k.json"
    if c10k_path.is_file():
        _c10k(section, c10k_path)
    return section


def _c10k(section: Section, path) -> None:
    import json
    runs = json.loads(path.read_text()).get("runs", [])
    if not runs:
        return
    threads_series, rss_series = {}, {}
    for run_ in runs:
        n = run_["connections"]
        for server in run_["servers"]:
            if server.get("error"):
                continue
            threads_series.setdefault(server["server"], []).append((n, server["threads_holding"]))
            growth = (server["rss_kib_holding"] - server["rss_kib_before"]) / 1024
            rss_series.setdefault(server["server"], []).append((n, max(growth, 0.01)))
    last = runs[-1]
    n = last["connections"]
    rows = []
    for server in last["servers"]:
        if server.get("error"):
            rows.append((server["server"], "skipped: " + server["error"][:60], "", "", ""))
            continue
        per_conn = (server["rss_kib_holding"] - server["rss_kib_before"]) / max(n, 1)
        rows.append((server["server"], f"{server['threads_before']} → {server['threads_holding']}",
                     f"{server['rss_kib_before'] / 1024:.1f} → {server['rss_kib_holding'] / 1024:.1f} MiB",
                     fmt(per_conn, "KiB"), f"{server['echoed_at_end']}/{n}"))
    section.tables.append((f"C10K: {n:,} idle connections held by each server (from /proc/PID/status)",
                           ("server", "threads", "resident memory", "RSS per connection", "still echo"), rows))
    section.plots.append(Plot(name="lab05_c10k_threads", title="Server threads vs idle connections",
                              xlabel="connections held (log scale)", ylabel="threads (log scale)",
                              logx=True, logy=True, series=sorted(threads_series.items())))
    section.plots.append(Plot(name="lab05_c10k_rss", title="Server RSS growth vs idle connections",
                              xlabel="connections held (log scale)", ylabel="RSS growth, MiB (log scale)",
                              logx=True, logy=True, series=sorted(rss_series.items())))
    by_name = {s["server"]: s for s in last["servers"] if not s.get("error")}

    def cost(server: dict) -> str:
        growth = (server["rss_kib_holding"] - server["rss_kib_before"]) / n
        return f"{server['threads_holding']:,} threads and {fmt(growth, 'KiB')} per connection"

    blocking = by_name.get("blocking")
    asyncs = [(label, by_name[name]) for name, label in (("asio", "Asio"), ("epoll", "raw epoll"))
              if name in by_name]
    if blocking and asyncs:
        section.takeaways.append(
            f"Holding {n:,} idle connections: the blocking server needs {cost(blocking)}; "
            + "; ".join(f"the {label} server {cost(server)}" for label, server in asyncs) + ".")
