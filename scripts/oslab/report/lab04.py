"""Lab 4 in the report: the blocking echo server under closed-loop load, and idle connections held."""
from __future__ import annotations

from .formatting import fmt, fmt_us
from .names import family
from .section import Section


def section(lab, results, extra) -> Section:
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
        held = f"blocking server, {named.get('conns')} held"
        section.cite(last, "threads_per_conn", f"{held}: threads per connection")
        section.cite(last, "KiB_per_conn", f"{held}: KiB per connection")
        section.takeaways.append(
            f"The blocking server needs one thread per connection (measured: "
            f"{fmt(last.counter('threads_per_conn'), '', 3)} per connection with {named.get('conns')} held) and "
            f"{fmt(last.counter('KiB_per_conn'), 'KiB')} of resident memory per idle connection.")
    return section
