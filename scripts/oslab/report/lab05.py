"""Lab 5 in the report: echo throughput and p99 of every async server by connections and message
size, the Nagle trap, and its own experiments: what a message costs each server (CPU time and
system calls per message, lab05_echo_cost) and C10K (idle connections held per server)."""
from __future__ import annotations

import json
from pathlib import Path

from .formatting import fmt, fmt_us
from .names import parse_name
from .plots import Plot
from .poll_scaling import POLL_SCALING, poll_scaling_section
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


def echo_cost_runs(quick: bool) -> list[list[str]]:
    """CPU time and system calls per message of every server, at a few connection counts."""
    connections, messages = ("16,128", "10000") if quick else ("1,16,128,1000", "40000")
    return [["--connections", connections, "--bytes", "64", "--messages", messages, "--json"]]


ECHO_COST = Step(name="echo_cost", what="echo cost: server CPU time and system calls per message",
                 program="echo_cost", runs=echo_cost_runs, output="echo_cost.json",
                 failure="a server failed the fixed-count load", seconds=40)
STEPS = [POLL_SCALING, ECHO_COST, C10K]


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
            section.cite(big, "p50_us", f"Nagle: asio-naive p50 at {max(naive)} B")
            section.takeaways.append(
                f"Without TCP_NODELAY, a {max(naive)}-byte echo written in 1 KiB pieces waits for a delayed ACK: "
                f"p50 {fmt(big.counter('p50_us') / 1e3, 'ms')} per message instead of tens of µs.")
    poll_scaling_section(section, extra["raw"] / POLL_SCALING.output)
    cost_path = extra["raw"] / ECHO_COST.output
    if cost_path.is_file():
        echo_cost_section(section, cost_path)
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
        for label, server in [("blocking", blocking)] + asyncs:  # one run per size: no spread
            section.cite_runs(f"C10K: {label} RSS per connection at {n:,}",
                              [(server["rss_kib_holding"] - server["rss_kib_before"]) / n])
        section.takeaways.append(
            f"Holding {n:,} idle connections: the blocking server needs {cost(blocking)}; "
            + "; ".join(f"the {label} server {cost(server)}" for label, server in asyncs) + ".")


def echo_cost_section(section: Section, path: Path) -> None:
    """Server CPU time and system calls per message, by server and connections: table, plots and
    the takeaway, from what lab05_echo_cost wrote."""
    runs = json.loads(path.read_text()).get("runs", [])
    if not runs:
        return
    data = runs[-1]
    measured = [r for r in data.get("runs", []) if not r.get("error")]
    servers = list(dict.fromkeys(r["server"] for r in data.get("runs", [])))
    connections = sorted({r["connections"] for r in data.get("runs", [])})
    cell = {(r["server"], r["connections"]): r for r in measured}
    skipped = {r["server"]: r["error"] for r in data.get("runs", []) if r.get("error")}
    rows = []
    for server in servers:
        if not any((server, c) in cell for c in connections):
            rows.append((server, *["skipped: " + skipped.get(server, "")[:50]] + [""] * (len(connections) - 1)))
            continue
        cells = []
        for c in connections:
            r = cell.get((server, c))
            if r is None:
                cells.append("—")
                continue
            calls = r.get("syscalls_per_msg")
            cells.append(f"{fmt(r['cpu_us_per_msg'], 'µs')} / "
                         + (f"{calls:.2f} calls" if calls is not None else "— calls"))
        rows.append((server, *cells))
    unavailable = data.get("syscalls_unavailable", "")
    caption = (f"What one {data.get('bytes', 64)}-byte echo costs the server: CPU time / system calls "
               f"per message ({data.get('messages', 0):,} messages per run, lab05_echo_cost)")
    section.tables.append((caption, ("server", *(f"{c} conn" for c in connections)), rows))
    if unavailable:
        section.notes.append(f"System calls were not counted on this machine: {unavailable}.")
    section.plots.append(Plot(
        name="lab05_cpu_per_msg", title="Server CPU time per echoed message",
        xlabel="concurrent connections (log scale)", ylabel="server CPU µs per message", logx=True,
        series=[(s, [(c, cell[(s, c)]["cpu_us_per_msg"]) for c in connections if (s, c) in cell])
                for s in servers]))
    with_calls = [(s, [(c, cell[(s, c)]["syscalls_per_msg"]) for c in connections
                       if (s, c) in cell and cell[(s, c)].get("syscalls_per_msg") is not None])
                  for s in servers]
    if any(points for _, points in with_calls):
        section.plots.append(Plot(
            name="lab05_syscalls_per_msg", title="Server system calls per echoed message",
            xlabel="concurrent connections (log scale)", ylabel="system calls per message (log scale)",
            logx=True, logy=True, series=[(s, [(c, max(v, 1e-3)) for c, v in points])
                                          for s, points in with_calls]))
    takeaway = echo_cost_takeaway(cell, connections)
    if takeaway:
        section.takeaways.append(takeaway)


def echo_cost_takeaway(cell: dict, connections: list[int]) -> str:
    """One sentence from the measured numbers: the readiness servers' system calls per message
    against the completion server's, at the most connections all of them were measured."""
    ready = [s for s in ("blocking", "epoll", "epoll-et") if any((s, c) in cell for c in connections)]
    for c in reversed(connections):
        calls = {s: cell[(s, c)].get("syscalls_per_msg") for s in (*ready, "uring") if (s, c) in cell}
        if "uring" in calls and calls["uring"] and all(v is not None for v in calls.values()) and len(calls) > 1:
            others = ", ".join(f"{s} {v:.2f}" for s, v in calls.items() if s != "uring")
            return (f"At {c} connections the completion-based uring server made "
                    f"{calls['uring']:.3f} system calls per message ({1 / calls['uring']:.1f} messages "
                    f"per call) against {others}, and spent {fmt(cell[('uring', c)]['cpu_us_per_msg'], 'µs')} "
                    f"of CPU per message against "
                    + ", ".join(f"{s} {fmt(cell[(s, c)]['cpu_us_per_msg'], 'µs')}" for s in calls if s != "uring")
                    + ": one io_uring_enter submits and reaps a batch of receives and sends.")
    return ""
