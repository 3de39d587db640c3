"""Lab 2 in the report: thread-pool throughput per task and by task size, submit-to-start latency."""
from __future__ import annotations

from .formatting import fmt, ratio
from .names import family, find
from .plots import Plot
from .section import Section


def per_second(result) -> float | None:
    return result.counter("items_per_second") if result else None


def section(lab, results, extra) -> Section:
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
        for family_name in ("BM_Pool_Post", "BM_Asio_Post", "BM_ThreadPerTask"):
            section.cite(find(results, family_name), "items_per_second")
        section.takeaways.append(
            f"A thread pool runs {fmt(pool / 1e6, 'million')} empty tasks per second "
            f"({fmt(1e9 / pool, 'ns')} each): {fmt(ratio(pool, per_thread), '', 3)}× a thread per task, "
            f"{fmt(ratio(pool, asio), '', 2)}× boost::asio::thread_pool.")
    return section
