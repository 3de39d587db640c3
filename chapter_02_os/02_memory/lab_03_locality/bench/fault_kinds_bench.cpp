// Kinds of page faults, 16,384 pages (64 MiB) each, one byte per page (see oslab/fault_kinds.hpp;
// given code: nothing of the student's). Wall time per page (a major fault sleeps on the disk),
// faults from getrusage of the thread that took them:
//   BM_Faults_FirstTouch      fresh anonymous memory, in a forked child: one minor fault per page
//   BM_Faults_CopyOnWrite     the child of a parent that touched every page writes each of them
//   BM_Faults_FileReadahead   a file mapping after POSIX_FADV_DONTNEED, default readahead
//   BM_Faults_FileRandom      the same after madvise(MADV_RANDOM): one disk read per page
// Counters: ns_per_page (wall), cpu_ns_per_page, minor_faults_per_page, major_faults_per_page;
// file cases also resident_before_pages (mincore after the eviction: must be ~0) and their
// context key fault_file_dir. Shape rules: see the lab README, "Kinds of page faults".
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "oslab/fault_kinds.hpp"

namespace {

struct Totals {
    double wall = 0, cpu = 0, minor = 0, major = 0, pages = 0, resident = 0;
    void add(benchmark::State& state, const oslab::FaultSample& s) {
        state.SetIterationTime(s.wall_ns * 1e-9);
        wall += s.wall_ns;
        cpu += s.cpu_ns;
        minor += static_cast<double>(s.minor);
        major += static_cast<double>(s.major);
        pages += static_cast<double>(s.pages);
        resident += static_cast<double>(s.resident_before);
    }
    void report(benchmark::State& state, bool file) const {
        if (pages <= 0) return;
        state.counters["ns_per_page"] = wall / pages;
        state.counters["cpu_ns_per_page"] = cpu / pages;
        state.counters["minor_faults_per_page"] = minor / pages;
        state.counters["major_faults_per_page"] = major / pages;
        state.counters["pages"] = pages / static_cast<double>(state.iterations());
        if (file) {
            state.counters["resident_before_pages"] =
                resident / static_cast<double>(state.iterations());
        }
    }
};

void BM_Faults_FirstTouch(benchmark::State& state) {
    Totals totals;
    for (auto _ : state)
        totals.add(state, oslab::first_touch_in_child());
    totals.report(state, false);
}

void BM_Faults_CopyOnWrite(benchmark::State& state) {
    Totals totals;
    for (auto _ : state)
        totals.add(state, oslab::copy_on_write_in_child().child);
    totals.report(state, false);
}

// One file for both file benchmarks, written once, removed at exit.
const oslab::FaultFile* fault_file(std::string* why) {
    static std::string reason;
    static const std::unique_ptr<oslab::FaultFile> file = [] {
        const auto dir = oslab::disk_directory({}, &reason);
        if (dir.empty()) return std::unique_ptr<oslab::FaultFile>();
        benchmark::AddCustomContext("fault_file_dir", dir.string());
        return std::make_unique<oslab::FaultFile>(dir);
    }();
    *why = reason;
    return file.get();
}

void run_file(benchmark::State& state, bool random) {
    std::string why;
    const oslab::FaultFile* file = fault_file(&why);
    if (file == nullptr) {
        state.SkipWithError(why.c_str());
        return;
    }
    Totals totals;
    for (auto _ : state) {
        const auto sample = file->read_after_eviction(random);
        if (sample.resident_before * 100 > sample.pages) {
            state.SkipWithError(("POSIX_FADV_DONTNEED left " +
                                 std::to_string(sample.resident_before) + " of " +
                                 std::to_string(sample.pages) +
                                 " pages in the page cache: no major faults to measure")
                                    .c_str());
            return;
        }
        totals.add(state, sample);
    }
    totals.report(state, true);
}

void BM_Faults_FileReadahead(benchmark::State& state) {
    run_file(state, false);
}
void BM_Faults_FileRandom(benchmark::State& state) {
    run_file(state, true);
}

// Fixed iteration counts: the time is bounded (the random case does 16,384 disk reads, about
// 1.5 s on the reference VM), whatever --benchmark_min_time says.
BENCHMARK(BM_Faults_FirstTouch)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Faults_CopyOnWrite)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Faults_FileReadahead)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Faults_FileRandom)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
