// Given (compiled into both variants): the /proc/<pid>/smaps reader of oslab/smaps.hpp.
#include "oslab/smaps.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

#include "oslab/sys_error.hpp"

namespace oslab {
namespace {

std::string proc_file(pid_t pid, const char* name) {
    const std::string path =
        (pid == 0 ? std::string("/proc/self/") : "/proc/" + std::to_string(pid) + "/") + name;
    std::ifstream in(path);
    if (!in) {
        errno = errno != 0 ? errno : ENOENT;
        throw_errno(("open " + path).c_str());
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "Rss:                 123 kB" -> sets the matching field; other lines are ignored.
void parse_field(std::string_view line, SmapsEntry& entry) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view key = line.substr(0, colon);
    std::string_view rest = line.substr(colon + 1);
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    std::size_t value = 0;
    if (std::from_chars(rest.data(), rest.data() + rest.size(), value).ec != std::errc{}) return;
    if (key == "Size") entry.size_kib = value;
    if (key == "Rss") entry.rss_kib = value;
    if (key == "Pss") entry.pss_kib = value;
    if (key == "Shared_Clean") entry.shared_clean_kib = value;
    if (key == "Shared_Dirty") entry.shared_dirty_kib = value;
    if (key == "Private_Clean") entry.private_clean_kib = value;
    if (key == "Private_Dirty") entry.private_dirty_kib = value;
    if (key == "Anonymous") entry.anonymous_kib = value;
    if (key == "AnonHugePages") entry.anon_huge_kib = value;
}

// A range line starts with "start-end " in hex; field lines start with a capitalised key.
bool parse_range(std::string_view line, std::uintptr_t& start, std::uintptr_t& end) {
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    if (dash == std::string_view::npos || space == std::string_view::npos || dash > space)
        return false;
    const char* b = line.data();
    return std::from_chars(b, b + dash, start, 16).ec == std::errc{} &&
           std::from_chars(b + dash + 1, b + space, end, 16).ec == std::errc{};
}

}  // namespace

SmapsEntry parse_smaps_entry(std::string_view text, std::uintptr_t address) {
    SmapsEntry entry;
    bool inside = false;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        std::uintptr_t start = 0, end = 0;
        if (parse_range(line, start, end)) {
            if (inside) break;  // the next mapping: ours is complete
            inside = start <= address && address < end;
            entry.found = inside;
            continue;
        }
        if (inside) parse_field(line, entry);
    }
    return entry;
}

SmapsEntry read_smaps_entry(const void* address, pid_t pid) {
    return parse_smaps_entry(proc_file(pid, "smaps"), reinterpret_cast<std::uintptr_t>(address));
}

SmapsEntry read_smaps_rollup(pid_t pid) {
    std::string text;
    try {
        text = proc_file(pid, "smaps_rollup");
    } catch (const std::system_error&) {
        return {};
    }
    // The rollup has one range line ("00400000-7ffd... ---p 00000000 00:00 0 [rollup]"); any
    // address inside it selects it, so take its start.
    std::uintptr_t start = 0, end = 0;
    if (!parse_range(text.substr(0, text.find('\n')), start, end)) return {};
    return parse_smaps_entry(text, start);
}

}  // namespace oslab
