// Given (not an exercise, compiled into both variants): the sysfs cache reader.
#include "oslab/cache_info.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace oslab {

std::size_t parse_cache_size(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) {
        throw std::invalid_argument("cache size \"" + std::string(text) + "\" is not a number");
    }
    const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::size_t unit = 1;
    if (suffix == "K") {
        unit = std::size_t{1} << 10;
    } else if (suffix == "M") {
        unit = std::size_t{1} << 20;
    } else if (suffix == "G") {
        unit = std::size_t{1} << 30;
    } else if (!suffix.empty()) {
        throw std::invalid_argument("cache size \"" + std::string(text) + "\": unknown unit");
    }
    if (value > std::numeric_limits<std::size_t>::max() / unit) {
        throw std::invalid_argument("cache size \"" + std::string(text) + "\" overflows");
    }
    return value * unit;
}

namespace {

// The first line of a sysfs attribute, or nullopt-like "" with found=false when absent.
bool read_line(const std::filesystem::path& file, std::string& line) {
    std::ifstream in(file);
    if (!in) return false;
    std::getline(in, line);
    return true;
}

std::string required(const std::filesystem::path& file) {
    std::string line;
    if (!read_line(file, line)) throw std::runtime_error("cannot read " + file.string());
    return line;
}

std::size_t size_from(const std::filesystem::path& file, const std::string& text) {
    try {
        return parse_cache_size(text);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(file.string() + ": " + e.what());
    }
}

}  // namespace

CacheInfo read_cache_info(const std::filesystem::path& cache_dir) {
    CacheInfo info;
    std::error_code ec;
    if (!std::filesystem::is_directory(cache_dir, ec)) return info;
    for (const auto& entry : std::filesystem::directory_iterator(cache_dir)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_directory() || name.rfind("index", 0) != 0) continue;
        const auto& dir = entry.path();
        CacheLevel level;
        level.level = static_cast<int>(size_from(dir / "level", required(dir / "level")));
        level.type = required(dir / "type");
        level.size_bytes = size_from(dir / "size", required(dir / "size"));
        std::string line;
        if (read_line(dir / "coherency_line_size", line)) {
            level.line_bytes = size_from(dir / "coherency_line_size", line);
        }
        info.levels.push_back(std::move(level));
    }
    std::sort(info.levels.begin(), info.levels.end(), [](const auto& x, const auto& y) {
        return x.level != y.level ? x.level < y.level : x.type < y.type;
    });
    return info;
}

namespace {

const CacheLevel* find_data(const CacheInfo& info, int level) {
    for (const auto& cache : info.levels) {
        if (cache.level == level && cache.type != "Instruction") return &cache;
    }
    return nullptr;
}

}  // namespace

std::size_t CacheInfo::l1d_bytes() const {
    const auto* cache = find_data(*this, 1);
    return cache ? cache->size_bytes : 0;
}

std::size_t CacheInfo::l2_bytes() const {
    const auto* cache = find_data(*this, 2);
    return cache ? cache->size_bytes : 0;
}

std::size_t CacheInfo::l3_bytes() const {
    const auto* cache = find_data(*this, 3);
    return cache ? cache->size_bytes : 0;
}

std::size_t CacheInfo::llc_bytes() const {
    for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
        if (it->type != "Instruction") return it->size_bytes;
    }
    return 0;
}

std::size_t CacheInfo::line_bytes() const {
    const auto* cache = find_data(*this, 1);
    return cache ? cache->line_bytes : 0;
}

}  // namespace oslab
