// lab03_faults: the kinds of page faults, once each, and what /proc/PID/smaps shows around a
// copy-on-write fork. Given code only (oslab/fault_kinds.hpp): nothing here is the exercise.
//   lab03_faults [--pages N] [--dir DIR] [--no-file] [--json]
// The smaps table follows one region of N pages: the parent before fork (every page private and
// dirty), the child after fork before writing (the same pages now shared by two processes:
// Shared_Dirty), the child after writing one byte per page (its own copies: Private_Dirty), and
// the parent meanwhile (its originals are mapped by it alone again: Private_Dirty).
#include <fmt/core.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "oslab/cli.hpp"
#include "oslab/fault_kinds.hpp"

namespace {

struct Row {
    std::string name, error;
    oslab::FaultSample sample;
};

double per_page(double value, std::size_t pages) {
    return pages == 0 ? 0.0 : value / static_cast<double>(pages);
}

std::string json_entry(const oslab::SmapsEntry& e) {
    return fmt::format(
        "{{\"found\": {}, \"size_kib\": {}, \"rss_kib\": {}, \"pss_kib\": {}, "
        "\"shared_clean_kib\": {}, \"shared_dirty_kib\": {}, \"private_clean_kib\": {}, "
        "\"private_dirty_kib\": {}, \"anonymous_kib\": {}}}",
        e.found ? "true" : "false", e.size_kib, e.rss_kib, e.pss_kib, e.shared_clean_kib,
        e.shared_dirty_kib, e.private_clean_kib, e.private_dirty_kib, e.anonymous_kib);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Page faults: first touch, copy-on-write, file with and without readahead; smaps "
        "around a fork"};
    std::size_t pages = oslab::kFaultPages;
    std::string dir;
    bool no_file = false, json = false;
    app.add_option("--pages", pages, "pages per experiment (4 KiB each)")
        ->check(CLI::Range(16, 1 << 20));
    app.add_option("--dir", dir, "directory for the file (default: build dir, /var/tmp, cwd)");
    app.add_flag("--no-file", no_file, "skip the file (major-fault) experiments");
    app.add_flag("--json", json, "print JSON instead of tables");
    if (const auto status = oslab::parse_flags(app, argc, argv, "lab03_faults")) return *status;

    oslab::CowReport cow;
    std::vector<Row> rows;
    try {
        rows.push_back({"first touch (anonymous)", "", oslab::first_touch_in_child(pages)});
        cow = oslab::copy_on_write_in_child(pages);
        rows.push_back({"copy-on-write (child after fork)", "", cow.child});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lab03_faults: %s\n", e.what());
        return 1;
    }
    std::string file_dir;
    if (!no_file) {
        std::string why;
        const auto where = oslab::disk_directory(dir, &why);
        if (where.empty()) {
            rows.push_back({"file, readahead", why, {}});
            rows.push_back({"file, MADV_RANDOM", why, {}});
        } else {
            file_dir = where.string();
            try {
                const oslab::FaultFile file(where, pages);
                for (const bool random : {false, true}) {
                    Row row{random ? "file, MADV_RANDOM" : "file, readahead", "",
                            file.read_after_eviction(random)};
                    if (row.sample.resident_before * 100 > row.sample.pages) {
                        row.error = fmt::format(
                            "POSIX_FADV_DONTNEED left {} of {} pages cached: not measured",
                            row.sample.resident_before, row.sample.pages);
                    }
                    rows.push_back(row);
                }
            } catch (const std::exception& e) {
                rows.push_back({"file", e.what(), {}});
            }
        }
    }

    const std::pair<const char*, const oslab::SmapsEntry*> snapshots[] = {
        {"parent, before fork", &cow.parent_before_fork},
        {"child, after fork, before writing", &cow.child_before_write},
        {"child, after writing every page", &cow.child_after_write},
        {"parent, after the child wrote", &cow.parent_after_child_wrote},
    };
    if (json) {
        fmt::print("{{\"pages\": {}, \"file_dir\": \"{}\", \"faults\": [\n", pages,
                   oslab::json_escape(file_dir));
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            fmt::print(
                "  {{\"case\": \"{}\", \"error\": \"{}\", \"pages\": {}, \"ns_per_page\": {:.1f}, "
                "\"cpu_ns_per_page\": {:.1f}, \"minor_faults\": {}, \"major_faults\": {}, "
                "\"resident_before\": {}}}{}\n",
                r.name, oslab::json_escape(r.error), r.sample.pages,
                per_page(r.sample.wall_ns, r.sample.pages),
                per_page(r.sample.cpu_ns, r.sample.pages), r.sample.minor, r.sample.major,
                r.sample.resident_before, i + 1 < rows.size() ? "," : "");
        }
        fmt::print("], \"cow_smaps\": [\n");
        for (std::size_t i = 0; i < std::size(snapshots); ++i) {
            fmt::print("  {{\"when\": \"{}\", \"smaps\": {}}}{}\n", snapshots[i].first,
                       json_entry(*snapshots[i].second), i + 1 < std::size(snapshots) ? "," : "");
        }
        fmt::print("]}}\n");
        return 0;
    }
    fmt::print(
        "Page faults, {} pages of 4 KiB, one byte per page (getrusage of the thread that "
        "touched them)\n\n",
        pages);
    fmt::print("{:<34} {:>10} {:>10} {:>10} {:>10} {:>9}\n", "case", "ns/page", "CPU ns/page",
               "minor", "major", "cached");
    for (const auto& r : rows) {
        if (!r.error.empty()) {
            fmt::print("{:<34} skipped: {}\n", r.name, r.error);
            continue;
        }
        fmt::print("{:<34} {:>10.0f} {:>10.0f} {:>10} {:>10} {:>9}\n", r.name,
                   per_page(r.sample.wall_ns, r.sample.pages),
                   per_page(r.sample.cpu_ns, r.sample.pages), r.sample.minor, r.sample.major,
                   r.sample.resident_before);
    }
    if (!file_dir.empty())
        fmt::print("(file in {}; cached = pages in the page cache before)\n", file_dir);
    fmt::print("\n/proc/PID/smaps of the {} KiB region around the fork (KiB)\n\n", pages * 4);
    fmt::print("{:<36} {:>8} {:>8} {:>12} {:>12} {:>13} {:>13}\n", "when", "Rss", "Pss",
               "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty");
    for (const auto& [when, e] : snapshots) {
        fmt::print("{:<36} {:>8} {:>8} {:>12} {:>12} {:>13} {:>13}\n", when, e->rss_kib, e->pss_kib,
                   e->shared_clean_kib, e->shared_dirty_kib, e->private_clean_kib,
                   e->private_dirty_kib);
    }
    return 0;
}
