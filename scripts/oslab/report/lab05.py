"""Lab 5 in the report: echo throughput and p99 of every async server by connections and message
size, the Nagle trap, and its own experiment, C10K (idle connections held per server)."""
from __future__ import annotations

import json
from pathlib import Path

from .formatting import fmt, fmt_us
from .names import parse_name
from .plots import Plot
from .section import Section
from .steps import Step


def c10k_runs(quick: bool) -> list[list[str]]:
    """Threads and RSS of every echo server while it holds N idle connections, for a few N."""
    counts = (100, 1000) if quick else (1000, 5000, 10000)
    hold = "0.5" if quick else "2"
    return [["--connections", str(connections), "--hold-seconds", hold, "--json"]
            for connections in counts]


C10K = Step(name="c10k", what="C10K: holding connections per server", program="c10k",
            runs=c10k_runs, output="c10k.json",
            failure="a server did not hold or echo every connection")
STEPS = [C10K]


def section(lab, results, extra) -> Section:
    section = Section(title=f"Lab 5 — {lab.title}")
    modes = echo_modes(results)
    grid = echo_grid(results)
    connections = sorted({c for _, c, _ in grid})
    for size in sorted({b for _, _, b in grid}):
        header = ("server",) + tuple(f"{c} conn" for c in connections)
        rows = []
        for mode in modes:
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
                            if (mode, c, size) in grid]) for mode in modes]))
    naive = {}
    for result in results.values():
        if result.name.startswith("Nagle/") and not result.error:
            _, named, _ = parse_name(result.name)
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
    c10k_path = extra["raw"] / C10K.output
    if c10k_path.is_file():
        c10k_section(section, c10k_path)
    return section


def echo_modes(results) -> list[str]:
    """The server modes of the Echo/<mode>/... benchmarks, in the benchmark's order (that of the
    lab's one table of echo-server modes), measured or not."""
    modes: list[str] = []
    for result in results.values():
        parts = result.name.split("/")
        if len(parts) >= 4 and parts[0] == "Echo" and parts[1] not in modes:
            modes.append(parts[1])
    return modes


def echo_grid(results) -> dict:
    """(mode, connections, bytes) -> Result for names like Echo/<mode>/conns:N/bytes:B."""
    grid = {}
    for result in results.values():
        parts = result.name.split("/")
        if result.error or len(parts) < 4 or parts[0] != "Echo":
            continue
        _, named, _ = parse_name(result.name)
        if "conns" in named and "bytes" in named:
            grid[(parts[1], int(named["conns"]), int(named["bytes"]))] = result
    return grid


def c10k_section(section: Section, path: Path) -> None:
    """The C10K table, plots and takeaway, from what the C10K step wrote."""
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
