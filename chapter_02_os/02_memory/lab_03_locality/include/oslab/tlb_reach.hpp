// TLB reach (given: a measurement, not an exercise). One dependent load per page over P pages, in
// one random cycle of the pages, each load on a different cache line of its page (the line is a
// hash of the page number, so a 4 KiB stride does not pile every load into one cache set). Once P
// pages exceed what the L1 dTLB maps (~64 entries), every load needs the second-level TLB; beyond
// the STLB (~1.5-2K entries) it needs a page walk. On 2 MiB pages the same addresses need 512 times
// fewer entries: the curve stays flatter, and what steps remain are the caches (P lines of 64 B:
// 512 lines fill a 32 KiB L1d, 8192 a 512 KiB L2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace oslab {

enum class TlbPages { small_4k, huge_2m };

// P pages' worth of address space (P x 4 KiB), mapped on 4 KiB pages (MADV_NOHUGEPAGE) or on
// 2 MiB pages (a 2 MiB-aligned mapping rounded up to whole 2 MiB, MADV_HUGEPAGE), with the chase
// written into it. problem() is empty when the mapping really is what was asked for (checked in
// /proc/self/smaps: AnonHugePages must cover the whole mapping for huge_2m and be 0 for small_4k),
// otherwise it says why not (THP mode "never", no free 2 MiB blocks, ...): do not measure then.
class TlbChase {
public:
    TlbChase(std::size_t pages, TlbPages kind, std::uint64_t seed = 42);
    ~TlbChase();
    TlbChase(const TlbChase&) = delete;
    TlbChase& operator=(const TlbChase&) = delete;

    std::size_t pages() const { return pages_; }
    const std::string& problem() const { return problem_; }
    std::size_t anon_huge_kib() const { return anon_huge_kib_; }
    std::size_t mapping_bytes() const { return size_; }
    const void* start() const { return data_; }

private:
    void* mapping_ = nullptr;
    std::size_t mapping_size_ = 0;
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t pages_ = 0;
    std::size_t anon_huge_kib_ = 0;
    std::string problem_;
};

// Follows the chase `steps` times from `from`; returns where it stopped (feed it back in).
const void* tlb_chase(const void* from, std::size_t steps);

// A point of the curve: P pages, ns per access.
struct TlbPoint {
    std::size_t pages = 0;
    double ns = 0;
};

// A step of the 4 KiB curve: from `from_pages` to `to_pages` the time per access grew `ratio`
// times (and the 2 MiB curve `huge_ratio` times over the same interval, 0 when not given).
struct TlbStep {
    std::size_t from_pages = 0;
    std::size_t to_pages = 0;
    double ratio = 0;
    double huge_ratio = 0;
    std::string name;
};

// The `max_steps` largest ratio jumps between consecutive points of `small` (sorted by pages;
// only jumps of at least 1.3x count), in increasing page order, each named:
//   the 2 MiB curve jumps at least 0.8x as much over the same interval -> "cache step (the 2 MiB
//   curve steps too): not the TLB";
//   else to_pages <= 512 -> "L1 dTLB reach exceeded (~64 entries = 256 KiB of 4 KiB pages)";
//   else -> "STLB reach exceeded (~1.5-2K entries = 6-8 MiB of 4 KiB pages): page walks".
std::vector<TlbStep> name_tlb_steps(std::span<const TlbPoint> small,
                                    std::span<const TlbPoint> huge = {}, std::size_t max_steps = 2);

// The shape check of the experiment: the 4 KiB curve at 16,384 pages is at least 2x its value at
// 16 pages, and the 2 MiB curve is flatter (its 16,384/16 ratio is smaller). Empty when it holds,
// else what failed.
std::string tlb_shape_problem(std::span<const TlbPoint> small, std::span<const TlbPoint> huge);

}  // namespace oslab
