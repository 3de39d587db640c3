// The machine's cache sizes go into the benchmark context, so the JSON output carries them and a
// plot of the latency curve can mark L1d / L2 / L3 where they are.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_util.hpp"
#include "oslab/page_faults.hpp"

namespace {

// Runs during static initialisation, before benchmark_main prints the context. AddCustomContext
// only fills a map, which is safe this early.
const bool context_added = [] {
    const auto& info = lab03::caches();
    benchmark::AddCustomContext("l1d_bytes", std::to_string(info.l1d_bytes()));
    benchmark::AddCustomContext("l2_bytes", std::to_string(info.l2_bytes()));
    benchmark::AddCustomContext("l3_bytes", std::to_string(info.l3_bytes()));
    benchmark::AddCustomContext("llc_bytes", std::to_string(info.llc_bytes()));
    benchmark::AddCustomContext("line_bytes", std::to_string(info.line_bytes()));
    benchmark::AddCustomContext("page_bytes", std::to_string(oslab::page_size()));
    benchmark::AddCustomContext("dram_input_bytes", std::to_string(lab03::dram_bytes()));
    const std::string thp = oslab::transparent_hugepage_mode();
    benchmark::AddCustomContext("transparent_hugepage", thp.empty() ? "unavailable" : thp);
#ifdef __OPTIMIZE__
    benchmark::AddCustomContext("lab03_optimised", "yes");
#else
    benchmark::AddCustomContext("lab03_optimised", "NO: Debug build, use the release preset");
#endif
    return true;
}();

}  // namespace
