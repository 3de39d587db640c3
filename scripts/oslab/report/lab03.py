"""Lab 3 in the report: load latency vs working set, the memory mountain, access patterns, false
sharing, page faults, allocation; and its experiments (STEPS): TLB reach, the kinds of page
faults, stack vs heap on one container (tlb_reach.py, page_faults.py, alloc_sources.py)."""
from __future__ import annotations

import math

from .alloc_sources import MALLOC_CHUNKS, alloc_section
from .formatting import fmt, format_bytes, ratio
from .names import by_prefix, family, find
from .page_faults import FAULTS, faults_section
from .plots import Plot
from .section import Section
from .tlb_reach import TLB_REACH, tlb_section

STEPS = [TLB_REACH, FAULTS, MALLOC_CHUNKS]


def section(lab, results, extra) -> Section:
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
        sizes = sorted({round(math.log2(size)) for size, _, _ in mountain})
        strides = sorted({round(math.log2(stride)) for _, stride, _ in mountain})
        section.plots.append(Plot(
            name="lab03_mountain", title="Memory mountain: read throughput by working set and stride",
            xlabel="working set", ylabel="stride", zlabel="MB/s", kind="heatmap",
            series=[("MB/s", [(round(math.log2(s)), round(math.log2(t)), v) for s, t, v in mountain])],
            xtics=[(p, format_bytes(2 ** p)) for p in sizes],
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
        section.tables.append((f"Summing {format_bytes(size) if size else 'a DRAM-sized array'} of int64",
                               ("access pattern", "ns per element", "vs sequential"), pattern_rows))
        section.plots.append(Plot(name="lab03_patterns", title="The same sum, different access orders",
                                  xlabel="", ylabel="ns per element (log scale)", kind="bars", logy=True,
                                  series=[("ns per element", bars)]))

    shared = find(results, "BM_FalseSharing", shared_line=None) or by_prefix(results, "BM_FalseSharing/shared_line")
    padded = by_prefix(results, "BM_FalseSharing/padded")
    if shared and padded:
        s_ns = section.cite(shared, "ns_per_increment", "false sharing: same cache line")
        p_ns = section.cite(padded, "ns_per_increment", "false sharing: padded")
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

    raw = extra.get("raw")
    tlb_section(section, results, raw and raw / TLB_REACH.output, context)
    faults_section(section, results, raw and raw / FAULTS.output)
    alloc_section(section, results, raw and raw / MALLOC_CHUNKS.output)

    random_ = find(results, "BM_Pattern_ShuffledIndex")
    column, row = find(results, "BM_Pattern_ColumnMajor"), find(results, "BM_Pattern_RowMajor")
    if base and random_:
        for result in (random_, base, column, row):
            section.cite(result, "ns_per_element")
        section.takeaways.append(
            f"At DRAM size, summing in random order is "
            f"{fmt(ratio(random_.counter('ns_per_element'), base.counter('ns_per_element')), '', 3)}× slower than "
            f"sequentially; column-major order {fmt(ratio(column and column.counter('ns_per_element'), row and row.counter('ns_per_element')), '', 3)}× "
            "slower than row-major.")
    if curve:
        chase = sorted((result for _, _, result in family(results, "BM_Latency")
                        if result.counter("ns_per_load")),
                       key=lambda result: result.counter("working_set_bytes", 0))
        section.cite(chase[0], "ns_per_load", "dependent load, smallest working set")
        section.cite(chase[-1], "ns_per_load", "dependent load, largest working set")
        section.takeaways.append(f"One dependent load costs {fmt(curve[0][1], 'ns')} in L1 and {fmt(curve[-1][1], 'ns')} "
                                 f"from DRAM ({format_bytes(curve[-1][0] * 1024)} working set).")
    return section
