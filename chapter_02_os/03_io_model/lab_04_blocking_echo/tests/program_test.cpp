// The lab04_echo_server program (this variant's build, OSLAB_PROGRAM_ECHO_SERVER) against the
// echo program contract shared with Lab 5 (chapter_02_os/common/testing): its first line, its
// clean exit on SIGTERM/SIGINT, its one-line errors. --log-level is Lab 4's own flag.
#include <gtest/gtest.h>

#include "echo_program_contract.hpp"

namespace oslab::testing {

INSTANTIATE_TEST_SUITE_P(Lab04, EchoProgramContract,
                         ::testing::Values(EchoProgramCase{
                             .name = "blocking",
                             .program = OSLAB_PROGRAM_ECHO_SERVER,
                             .args = {},
                             .unavailable = {},
                             .good_flags = {"--log-level", "debug"},
                             .bad_flags = {{"--log-level", "loud"}},
                         }));

}  // namespace oslab::testing
