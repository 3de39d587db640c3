"""Lab 3's stack vs heap without confounding, in the report: the same chain of 16-byte nodes,
built, summed and destroyed, from four memory sources (BM_AllocChain_*), and what one malloc(n)
really takes from glibc (lab03_malloc_chunks; BM_Alloc_ChunkSize times malloc + free)."""
from __future__ import annotations

from pathlib import Path

from .formatting import fmt, result_spread
from .names import family
from .section import NOT_MEASURED, NOT_SHOWN, SHOWN, Section
from .steps import Step, load_runs

EXPERIMENT = "stack vs heap, same container (Lab 3)"
SOURCES = (  # (benchmark, the memory the nodes come from)
    ("BM_AllocChain_Stack", "stack: an array of nodes in the frame"),
    ("BM_AllocChain_NewDelete", "heap: new/delete per node"),
    ("BM_AllocChain_OneMalloc", "heap: one malloc for every node"),
    ("BM_AllocChain_PmrArena", "pmr arena (monotonic_buffer_resource)"),
)
SMALL, LARGE = 1000, 100_000  # nodes per chain (the stack holds only the small chain)

MALLOC_CHUNKS = Step(name="malloc_chunks", what="glibc chunk sizes (lab03_malloc_chunks)",
                     program="malloc_chunks", runs=lambda quick: [["--max", "64", "--json"]],
                     output="malloc_chunks.json", seconds=1)


def chain_results(results) -> dict[str, dict[int, object]]:
    """benchmark -> {n: result} of BM_AllocChain_*."""
    return {benchmark: {int(named["n"]): result for named, _, result in family(results, benchmark)
                        if "n" in named}
            for benchmark, _ in SOURCES}


def alloc_section(lab_section: Section, results, path: Path | None) -> None:
    """Adds a part to Lab 3's section: the per-source table, the chunk-size table, the takeaway
    and the shape check."""
    section = lab_section.part("Stack vs heap without confounding")
    chains = chain_results(results)
    if not any(chains.values()):
        section.notes.append("_Stack vs heap without confounding: no BM_AllocChain_* results in "
                             "this run, so no table._")
        section.shape(EXPERIMENT, NOT_MEASURED, "No BM_AllocChain_* results in this run.")
    else:
        section.tables.append(chain_table(chains))
    chunks = load_runs(path)
    rows = chunk_rows(chunks[-1] if chunks else [], results)
    if rows:
        section.tables.append(("What malloc(n) takes from glibc's heap: malloc_usable_size, and "
                               "the chunk (usable + the 8-byte size field, 16-byte aligned)",
                               ("requested", "usable", "chunk", "malloc + free"), rows))
    if any(chains.values()):
        alloc_verdict(section, chains)


def chain_table(chains) -> tuple:
    rows = []
    for benchmark, what in SOURCES:
        small, large = chains[benchmark].get(SMALL), chains[benchmark].get(LARGE)
        shown = small or large
        rows.append((what, fmt(small and small.counter("ns_per_element"), "ns"),
                     result_spread(small, "ns_per_element") if small else "—",
                     fmt(large and large.counter("ns_per_element"), "ns"),
                     result_spread(large, "ns_per_element") if large else "—",
                     fmt(shown and shown.counter("median_gap_bytes"), "B"),
                     fmt(shown and 100 * shown.counter("far_fraction", 0), "%", 2)))
    return ("Stack vs heap, same container: a chain of 16-byte nodes linked in allocation order, "
            "built, summed and destroyed (thread CPU time per node); only the memory changes",
            ("memory source", f"n = {SMALL:,}", "spread", f"n = {LARGE:,}", "spread",
             "median gap between nodes", "nodes > 64 B apart"), rows)


def chunk_rows(chunks: list, results) -> list[tuple]:
    """Requests with the same chunk size merged into one row ('1–24 B'), with the time of a
    malloc + free of a request in that range when BM_Alloc_ChunkSize measured one."""
    timed = {int(named["request"]): result for named, _, result in
             family(results, "BM_Alloc_ChunkSize") if "request" in named}
    if not chunks:
        chunks = [{"request": request, "usable": result.counter("usable_bytes"),
                   "chunk": result.counter("chunk_bytes")}
                  for request, result in sorted(timed.items())]
    groups: list[list[dict]] = []
    for entry in chunks:
        if groups and groups[-1][0]["chunk"] == entry["chunk"]:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    rows = []
    for group in groups:
        first, last = group[0]["request"], group[-1]["request"]
        times = [timed[e["request"]] for e in group if e["request"] in timed]
        rows.append((f"{first}–{last} B" if last != first else f"{first} B",
                     f"{group[0]['usable']:g} B", f"{group[0]['chunk']:g} B",
                     fmt(times[0].counter("ns_per_malloc_free"), "ns") if times else "—"))
    return rows


def alloc_verdict(section: Section, chains) -> None:
    """Shape: per node, new/delete costs more than one malloc for the whole chain (the memory is
    the same heap), and glibc spaces its nodes 32 B apart where one malloc packs them at 16 B."""
    new_delete = chains["BM_AllocChain_NewDelete"].get(SMALL)
    one_malloc = chains["BM_AllocChain_OneMalloc"].get(SMALL)
    stack = chains["BM_AllocChain_Stack"].get(SMALL)
    if not new_delete or not one_malloc:
        section.shape(EXPERIMENT, NOT_MEASURED, f"New/delete or one malloc lacks n = {SMALL:,}.")
        return
    per_node = section.cite(new_delete, "ns_per_element", "new/delete chain: ns per node")
    packed = section.cite(one_malloc, "ns_per_element", "one-malloc chain: ns per node")
    on_stack = section.cite(stack, "ns_per_element", "stack chain: ns per node")
    gap, packed_gap = new_delete.counter("median_gap_bytes"), one_malloc.counter("median_gap_bytes")
    if gap == 16:  # a sanitizer's malloc spaces nodes its own way; glibc's header is not there
        section.notes.append("new/delete nodes lie 16 B apart: this malloc is not glibc's (a "
                             "sanitizer build?), so the 32-byte chunk is not what is measured.")
    holds = per_node > packed and gap > packed_gap
    section.shape(EXPERIMENT, SHOWN if holds else NOT_SHOWN,
                  f"new/delete: {fmt(per_node, 'ns')} per node, nodes {fmt(gap, 'B')} apart; one "
                  f"malloc: {fmt(packed, 'ns')}, {fmt(packed_gap, 'B')} apart (expected: "
                  "new/delete dearer and wider apart).")
    section.takeaways.append(alloc_takeaway(on_stack, packed, per_node, gap))


def alloc_takeaway(on_stack: float | None, packed: float, per_node: float, gap: float) -> str:
    """The stack-vs-heap sentence; it says the heap's memory is as fast as the stack's only when
    the one-malloc chain is within 1.5x of the stack one."""
    same_memory = on_stack is not None and packed <= 1.5 * on_stack
    lead = ("Heap memory is not slower than the stack, allocating is: " if same_memory else
            "Per node of the same chain: ")
    return (lead + f"{SMALL:,} nodes cost {fmt(on_stack, 'ns')} per node on the stack, "
            f"{fmt(packed, 'ns')} in one malloc and {fmt(per_node, 'ns')} with new/delete per "
            f"node ({fmt(per_node / packed, '', 2)}×; each 16-byte node takes a {fmt(gap, 'B')} "
            "chunk).")
