// The given sysfs reader: parses crafted trees (temp directories) and the real one.
#include "oslab/cache_info.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

// A temporary directory, removed at the end of the test.
class TempTree {
public:
    TempTree()
        : root_(fs::temp_directory_path() /
                ("lab03_cache_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    ~TempTree() { fs::remove_all(root_); }
    const fs::path& root() const { return root_; }

    void add(const std::string& index, const std::string& level, const std::string& type,
             const std::string& size, const std::string& line) {
        const auto dir = root_ / index;
        fs::create_directories(dir);
        std::ofstream(dir / "level") << level << '\n';
        std::ofstream(dir / "type") << type << '\n';
        std::ofstream(dir / "size") << size << '\n';
        if (!line.empty()) std::ofstream(dir / "coherency_line_size") << line << '\n';
    }

private:
    fs::path root_;
};

TEST(CacheInfo, ParsesSizes) {
    EXPECT_EQ(oslab::parse_cache_size("32K"), 32u * 1024);
    EXPECT_EQ(oslab::parse_cache_size("32768K\n"), 32u * 1024 * 1024);
    EXPECT_EQ(oslab::parse_cache_size("1M"), 1u << 20);
    EXPECT_EQ(oslab::parse_cache_size("64"), 64u);
    EXPECT_THROW(oslab::parse_cache_size(""), std::invalid_argument);
    EXPECT_THROW(oslab::parse_cache_size("K"), std::invalid_argument);
    EXPECT_THROW(oslab::parse_cache_size("12Q"), std::invalid_argument);
    EXPECT_THROW(oslab::parse_cache_size("99999999999999999999G"), std::invalid_argument);
}

TEST(CacheInfo, ReadsACraftedTree) {
    TempTree tree;
    // Written out of order, as a directory listing may return them.
    tree.add("index3", "3", "Unified", "16384K", "64");
    tree.add("index0", "1", "Data", "48K", "64");
    tree.add("index1", "1", "Instruction", "32K", "64");
    tree.add("index2", "2", "Unified", "2048K", "64");
    fs::create_directories(tree.root() / "uevent_not_an_index");
    const auto info = oslab::read_cache_info(tree.root());
    ASSERT_EQ(info.levels.size(), 4u);
    EXPECT_EQ(info.levels[0].level, 1);
    EXPECT_EQ(info.levels[0].type, "Data");
    EXPECT_EQ(info.levels[1].type, "Instruction");
    EXPECT_EQ(info.l1d_bytes(), 48u * 1024);
    EXPECT_EQ(info.l2_bytes(), 2u << 20);
    EXPECT_EQ(info.l3_bytes(), 16u << 20);
    EXPECT_EQ(info.llc_bytes(), 16u << 20);
    EXPECT_EQ(info.line_bytes(), 64u);
}

TEST(CacheInfo, TwoLevelMachineHasNoL3AndL2IsTheLlc) {
    TempTree tree;
    tree.add("index0", "1", "Data", "32K", "");  // no coherency_line_size file
    tree.add("index1", "2", "Unified", "1M", "128");
    const auto info = oslab::read_cache_info(tree.root());
    EXPECT_EQ(info.l3_bytes(), 0u);
    EXPECT_EQ(info.llc_bytes(), 1u << 20);
    EXPECT_EQ(info.line_bytes(), 0u);
}

TEST(CacheInfo, MissingDirectoryGivesNoLevels) {
    const auto info = oslab::read_cache_info("/nonexistent/lab03/cache");
    EXPECT_TRUE(info.levels.empty());
    EXPECT_EQ(info.llc_bytes(), 0u);
}

TEST(CacheInfo, MalformedFileNamesTheFile) {
    TempTree tree;
    tree.add("index0", "1", "Data", "lots", "64");
    try {
        oslab::read_cache_info(tree.root());
        FAIL() << "a malformed size must throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("size"), std::string::npos) << e.what();
    }
}

TEST(CacheInfo, ReadsThisMachine) {
    if (!fs::exists("/sys/devices/system/cpu/cpu0/cache")) {
        GTEST_SKIP() << "no sysfs cache description on this machine";
    }
    const auto info = oslab::read_cache_info();
    ASSERT_FALSE(info.levels.empty());
    EXPECT_GT(info.l1d_bytes(), 0u);
    EXPECT_GE(info.llc_bytes(), info.l1d_bytes());
    EXPECT_GT(info.line_bytes(), 0u);
}

}  // namespace
