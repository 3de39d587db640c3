// The programs: the demo runs small and says whether the results match; a bad flag is one clear
// line and a non-zero exit; lab03_perf falls back cleanly when perf is missing.
#include <gtest/gtest.h>

#include <string>

#include "oslab/child_process.hpp"

namespace {

// The program with its stdout and stderr together (oslab/child_process.hpp).
using oslab::run_and_capture;

TEST(Programs, LocalityDemoReportsMatchingResults) {
    const auto result =
        run_and_capture({OSLAB_PROGRAM_LOCALITY, "--size-mib", "2", "--repeat", "1"});
    ASSERT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("sequential"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("column"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("results match"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("MISMATCH"), std::string::npos) << result.output;
}

TEST(Programs, LocalityDemoRejectsABadValue) {
    const auto result = run_and_capture({OSLAB_PROGRAM_LOCALITY, "--size-mib", "zero"});
    EXPECT_NE(result.status, 0);
    EXPECT_NE(result.output.find("size-mib"), std::string::npos) << result.output;
    const auto unknown = run_and_capture({OSLAB_PROGRAM_LOCALITY, "--no-such-flag"});
    EXPECT_NE(unknown.status, 0);
}

TEST(Programs, PerfWrapperFallsBackWithoutPerf) {
    // --perf names a perf that does not exist: the wrapper must say how to install it and still
    // run the demo, with the counts it can get without perf.
    const auto result =
        run_and_capture({OSLAB_PROGRAM_PERF, "--perf", "/nonexistent/perf", "--size-mib", "2"});
    ASSERT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("linux-perf"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("results match"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("page faults"), std::string::npos) << result.output;
}

TEST(Programs, PerfWrapperFallsBackToWait4WithoutTime) {
    // Neither perf nor GNU time: the wrapper reports the kernel's counts for the child itself.
    const auto result = run_and_capture({OSLAB_PROGRAM_PERF, "--perf", "/nonexistent/perf",
                                         "--time", "/nonexistent/time", "--size-mib", "2"});
    ASSERT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("results match"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("minor page faults"), std::string::npos) << result.output;
}

TEST(Programs, PerfWrapperRejectsABadFlag) {
    const auto result = run_and_capture({OSLAB_PROGRAM_PERF, "--size-mib", "-3"});
    EXPECT_NE(result.status, 0);
    EXPECT_NE(result.output.find("size-mib"), std::string::npos) << result.output;
}

}  // namespace
