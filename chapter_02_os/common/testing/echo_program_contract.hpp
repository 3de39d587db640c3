// The echo server programs' contract, shared by lab04_echo_server and every mode of
// lab05_echo_server: one set of GoogleTest cases run against the program as a user runs it.
//   - the first line of standard output is exactly "listening on 127.0.0.1:PORT" (--port 0);
//   - it echoes; on SIGTERM and on SIGINT it closes its clients and exits 0;
//   - a bad flag, and a port already in use, are one line on standard error and a non-zero exit.
// A lab instantiates it with its program (the OSLAB_PROGRAM_<NAME> path of this variant's build):
//
//   namespace oslab::testing {
//   INSTANTIATE_TEST_SUITE_P(Lab04, EchoProgramContract,
//                            ::testing::Values(EchoProgramCase{"blocking",
//                            OSLAB_PROGRAM_ECHO_SERVER}));
//   }
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace oslab::testing {

struct EchoProgramCase {
    std::string name;               // in the test names: "blocking", "epoll-et"...
    std::string program;            // path of the program
    std::vector<std::string> args;  // given first on every run, e.g. {"--mode", "epoll"}
    std::string unavailable = {};   // not empty: this build cannot run it; every case skips
    std::vector<std::string> good_flags = {};              // more flags it must accept
    std::vector<std::vector<std::string>> bad_flags = {};  // more flag sets it must reject
};

class EchoProgramContract : public ::testing::TestWithParam<EchoProgramCase> {
protected:
    void SetUp() override {
        if (!GetParam().unavailable.empty()) GTEST_SKIP() << GetParam().unavailable;
    }
};

// The name in test listings, so that ctest names read "...EchoProgramContract.Case/epoll-et".
inline void PrintTo(const EchoProgramCase& program_case, std::ostream* out) {
    *out << program_case.name;
}

}  // namespace oslab::testing
