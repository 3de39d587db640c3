// The lab's programs: a correct result, and a clear non-zero exit on bad flags.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace {

using lab01_test::run_command;

TEST(Programs, CompareCheckedAgainstTheFormula) {
    const auto result = run_command({OSLAB_PROGRAM_COMPARE, "--n", "1000", "--workers", "3"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("500500"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("results match"), std::string::npos) << result.output;
}

TEST(Programs, CompareRejectsBadFlags) {
    EXPECT_NE(run_command({OSLAB_PROGRAM_COMPARE, "--bogus"}).exit_code, 0);
    EXPECT_NE(run_command({OSLAB_PROGRAM_COMPARE, "--workers", "0"}).exit_code, 0);
    EXPECT_NE(run_command({OSLAB_PROGRAM_COMPARE, "--n", "-5"}).exit_code, 0);
}

TEST(Programs, ObserveRunsBrieflyAndRejectsBadFlags) {
    const auto ok = run_command(
        {OSLAB_PROGRAM_OBSERVE, "--mode", "processes", "--workers", "2", "--seconds", "1"});
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("children"), std::string::npos) << ok.output;
    EXPECT_NE(run_command({OSLAB_PROGRAM_OBSERVE, "--mode", "fibers"}).exit_code, 0);
    EXPECT_NE(run_command({OSLAB_PROGRAM_OBSERVE, "--mode", "threads", "--seconds", "0"}).exit_code,
              0);
}

}  // namespace
