// Given (compiled into both variants): the TLB-reach chase of oslab/tlb_reach.hpp.
#include "oslab/tlb_reach.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>

#include "oslab/page_faults.hpp"  // transparent_hugepage_mode
#include "oslab/smaps.hpp"
#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

constexpr std::size_t kSmallPage = 4096;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kLinesPerPage = kSmallPage / 64;

}  // namespace

TlbChase::TlbChase(std::size_t pages, TlbPages kind, std::uint64_t seed) : pages_(pages) {
    if (pages == 0) throw std::invalid_argument("TlbChase: pages == 0");
    const bool huge = kind == TlbPages::huge_2m;
    const std::size_t bytes = pages * kSmallPage;
    size_ = huge ? (bytes + kHugePage - 1) / kHugePage * kHugePage : bytes;
    const std::size_t slack = huge ? kHugePage : 0;
    void* p =
        ::mmap(nullptr, size_ + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw_errno("mmap");
    mapping_ = p;
    mapping_size_ = size_ + slack;
    auto address = reinterpret_cast<std::uintptr_t>(p);
    if (huge) address = (address + kHugePage - 1) & ~(kHugePage - 1);
    data_ = reinterpret_cast<unsigned char*>(address);

    const std::string mode = transparent_hugepage_mode();
    if (huge) {
        if (mode.empty() || mode == "never") {
            problem_ =
                "transparent huge pages are off (/sys/kernel/mm/transparent_hugepage/"
                "enabled: \"" +
                (mode.empty() ? std::string("missing") : mode) + "\")";
        } else if (::madvise(data_, size_, MADV_HUGEPAGE) == -1) {
            problem_ = std::string("madvise(MADV_HUGEPAGE): ") + std::strerror(errno);
        }
    } else if (::madvise(data_, size_, MADV_NOHUGEPAGE) == -1 && errno != EINVAL) {
        throw_errno("madvise(MADV_NOHUGEPAGE)");  // EINVAL: no THP in this kernel, 4 KiB anyway
    }

    // Sattolo's algorithm: a random permutation that is one single cycle through every page.
    std::vector<std::size_t> next(pages);
    std::iota(next.begin(), next.end(), std::size_t{0});
    std::mt19937_64 rng(seed);
    for (std::size_t i = pages - 1; i > 0; --i) {
        std::uniform_int_distribution<std::size_t> pick(0, i - 1);
        std::swap(next[i], next[pick(rng)]);
    }
    // The line within the page: the page number's 6-bit groups XOR-ed together. Not simply
    // page % 64: a physically indexed L2 or L3 takes its set from the line bits and the low page
    // bits together, and on a 2 MiB page (virtual = physical within it) page % 64 would tie the
    // two, leaving only 64 of the L2's 1024 sets in use.
    auto node = [&](std::size_t page) {
        const std::size_t line = (page ^ (page >> 6) ^ (page >> 12)) % kLinesPerPage;
        return data_ + page * kSmallPage + line * 64;
    };
    if (pages == 1) next[0] = 0;
    for (std::size_t page = 0; page < pages; ++page) {
        const void* target = node(next[page]);
        std::memcpy(node(page), &target, sizeof target);
    }
    // Under MADV_HUGEPAGE the first touch of each 2 MiB-aligned block faults in a whole huge
    // page (if the kernel has one to give): every block holds at least one node, so all are in.

    const SmapsEntry entry = read_smaps_entry(data_);
    anon_huge_kib_ = entry.anon_huge_kib;
    if (problem_.empty() && huge && anon_huge_kib_ * 1024 < size_) {
        problem_ = "asked for " + std::to_string(size_ / 1024) +
                   " KiB of 2 MiB pages, /proc/self/smaps AnonHugePages shows " +
                   std::to_string(anon_huge_kib_) + " KiB (THP mode \"" + mode +
                   "\"): the kernel found no free 2 MiB blocks, or its defrag setting does not "
                   "compact for them";
    }
    if (!huge && anon_huge_kib_ != 0) {
        problem_ = "MADV_NOHUGEPAGE was ignored: AnonHugePages shows " +
                   std::to_string(anon_huge_kib_) + " KiB";
    }
}

TlbChase::~TlbChase() {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

const void* tlb_chase(const void* from, std::size_t steps) {
    const void* p = from;
    for (std::size_t i = 0; i < steps; ++i)
        p = *static_cast<const void* const*>(p);  // the next address comes from this load
    return p;
}

std::vector<TlbStep> name_tlb_steps(std::span<const TlbPoint> small, std::span<const TlbPoint> huge,
                                    std::size_t max_steps) {
    auto value_at = [](std::span<const TlbPoint> curve, std::size_t pages) -> double {
        for (const auto& point : curve) {
            if (point.pages == pages) return point.ns;
        }
        return 0;
    };
    std::vector<TlbStep> steps;
    for (std::size_t i = 1; i < small.size(); ++i) {
        if (small[i - 1].ns <= 0) continue;
        TlbStep step;
        step.from_pages = small[i - 1].pages;
        step.to_pages = small[i].pages;
        step.ratio = small[i].ns / small[i - 1].ns;
        const double h0 = value_at(huge, step.from_pages);
        const double h1 = value_at(huge, step.to_pages);
        step.huge_ratio = h0 > 0 && h1 > 0 ? h1 / h0 : 0;
        if (step.ratio >= 1.3) steps.push_back(step);
    }
    std::sort(steps.begin(), steps.end(),
              [](const TlbStep& a, const TlbStep& b) { return a.ratio > b.ratio; });
    if (steps.size() > max_steps) steps.resize(max_steps);
    std::sort(steps.begin(), steps.end(),
              [](const TlbStep& a, const TlbStep& b) { return a.from_pages < b.from_pages; });
    for (auto& step : steps) {
        if (step.huge_ratio > 0 && step.huge_ratio - 1 >= 0.8 * (step.ratio - 1)) {
            step.name = "cache step (the 2 MiB curve steps too): not the TLB";
        } else if (step.to_pages <= 512) {
            step.name = "L1 dTLB reach exceeded (~64 entries = 256 KiB of 4 KiB pages)";
        } else {
            step.name =
                "STLB reach exceeded (~1.5-2K entries = 6-8 MiB of 4 KiB pages): page walks";
        }
    }
    return steps;
}

std::string tlb_shape_problem(std::span<const TlbPoint> small, std::span<const TlbPoint> huge) {
    auto at = [](std::span<const TlbPoint> curve, std::size_t pages) -> double {
        for (const auto& point : curve) {
            if (point.pages == pages) return point.ns;
        }
        return 0;
    };
    const double s16 = at(small, 16), s16k = at(small, 16384);
    if (s16 <= 0 || s16k <= 0) return "the 4 KiB curve lacks the 16 or 16,384 page point";
    if (s16k < 2 * s16) {
        return "4 KiB pages: " + std::to_string(s16k) + " ns at 16,384 pages is less than 2x " +
               std::to_string(s16) + " ns at 16";
    }
    const double h16 = at(huge, 16), h16k = at(huge, 16384);
    if (h16 <= 0 || h16k <= 0) return "";  // no 2 MiB curve on this machine: nothing to compare
    if (h16k / h16 >= s16k / s16) return "the 2 MiB curve is not flatter than the 4 KiB one";
    return "";
}

}  // namespace oslab
