// lab03_tlb_reach: the TLB-reach curves (one dependent load per 4 KiB page over P pages, on 4 KiB
// and on 2 MiB pages; see oslab/tlb_reach.hpp), the steps named from the 4 KiB curve, and the
// shape check. The same measurement as BM_TlbReach_*, in one short run:
//   lab03_tlb_reach [--accesses N] [--json]
#include <fmt/core.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/tlb_reach.hpp"

namespace {

double thread_cpu_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// Best of 3 runs of `accesses` loads; 0 and *problem set when the mapping is not what was asked.
double measure(std::size_t pages, oslab::TlbPages kind, std::size_t accesses,
               std::string* problem) {
    const oslab::TlbChase chase(pages, kind);
    if (!chase.problem().empty()) {
        *problem = chase.problem();
        return 0;
    }
    const void* at = oslab::tlb_chase(chase.start(), std::min(pages * 4, accesses));
    double best = 1e300;
    for (int i = 0; i < 3; ++i) {
        const double start = thread_cpu_ns();
        at = oslab::tlb_chase(at, accesses);
        best = std::min(best, thread_cpu_ns() - start);
    }
    if (at == nullptr) return 0;  // never: keeps the chase
    return best / static_cast<double>(accesses);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TLB reach: ns per access vs pages touched, 4 KiB vs 2 MiB pages"};
    std::size_t accesses = std::size_t{1} << 19;
    bool json = false;
    app.add_option("--accesses", accesses, "dependent loads per measurement")
        ->check(CLI::Range(1024, 1 << 26));
    app.add_flag("--json", json, "print JSON");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab03_tlb_reach")) return *status;

    const std::size_t counts[] = {1, 4, 16, 64, 256, 1024, 4096, 16384};
    std::vector<oslab::TlbPoint> small, huge;
    std::string small_problem, huge_problem;
    for (const std::size_t pages : counts) {
        const double s = measure(pages, oslab::TlbPages::small_4k, accesses, &small_problem);
        if (s > 0) small.push_back({pages, s});
        const double h = measure(pages, oslab::TlbPages::huge_2m, accesses, &huge_problem);
        if (h > 0) huge.push_back({pages, h});
    }
    const auto steps = oslab::name_tlb_steps(small, huge);
    const std::string shape = oslab::tlb_shape_problem(small, huge);
    if (json) {
        auto curve = [](const std::vector<oslab::TlbPoint>& c) {
            std::string out;
            for (std::size_t i = 0; i < c.size(); ++i)
                out += fmt::format("{}{{\"pages\": {}, \"ns_per_access\": {:.3f}}}", i ? ", " : "",
                                   c[i].pages, c[i].ns);
            return out;
        };
        fmt::print("{{\"small_4k\": [{}], \"small_4k_problem\": \"{}\",\n", curve(small),
                   oslab::json_escape(small_problem));
        fmt::print(" \"huge_2m\": [{}], \"huge_2m_problem\": \"{}\",\n \"steps\": [", curve(huge),
                   oslab::json_escape(huge_problem));
        for (std::size_t i = 0; i < steps.size(); ++i)
            fmt::print(
                "{}{{\"from_pages\": {}, \"to_pages\": {}, \"ratio\": {:.2f}, "
                "\"huge_ratio\": {:.2f}, \"name\": \"{}\"}}",
                i ? ", " : "", steps[i].from_pages, steps[i].to_pages, steps[i].ratio,
                steps[i].huge_ratio, steps[i].name);
        fmt::print("],\n \"shape_ok\": {}, \"shape_problem\": \"{}\"}}\n",
                   shape.empty() ? "true" : "false", oslab::json_escape(shape));
        return 0;
    }
    fmt::print("TLB reach: one dependent load per 4 KiB of address space, {} loads, best of 3\n\n",
               accesses);
    fmt::print("{:>8} {:>12} {:>12}\n", "pages", "4 KiB ns", "2 MiB ns");
    for (const std::size_t pages : counts) {
        auto at = [pages](const std::vector<oslab::TlbPoint>& c) {
            for (const auto& p : c) {
                if (p.pages == pages) return fmt::format("{:.2f}", p.ns);
            }
            return std::string("-");
        };
        fmt::print("{:>8} {:>12} {:>12}\n", pages, at(small), at(huge));
    }
    if (!small_problem.empty()) fmt::print("4 KiB pages: {}\n", small_problem);
    if (!huge_problem.empty()) fmt::print("2 MiB pages: {}\n", huge_problem);
    fmt::print("\nsteps of the 4 KiB curve (largest ratio jumps):\n");
    for (const auto& s : steps)
        fmt::print("  {} -> {} pages: x{:.2f} (2 MiB: x{:.2f})  {}\n", s.from_pages, s.to_pages,
                   s.ratio, s.huge_ratio, s.name);
    fmt::print("shape: {}\n",
               shape.empty() ? "ok (16,384 pages >= 2x 16 pages on 4 KiB; 2 MiB flatter)" : shape);
    return shape.empty() ? 0 : 1;
}
