// The echo conformance suite: one set of GoogleTest cases that every echo server of Labs 4 and 5
// must pass. A lab instantiates it with a factory that builds its server:
//
//   OSLAB_ECHO_CONFORMANCE(Blocking, [](const oslab::EchoServerOptions& options) {
//       return std::make_unique<oslab::BlockingEchoServer>(options);
//   });
//
// The lab's test binary links `oslab_testing` (oslab_add_lab(... TEST_LIBRARIES oslab_testing)).
// The cases (see echo_conformance.cpp): one echo; 1,000 messages on one connection; binary payload
// with NUL bytes; 16 MiB written while reading; 200 concurrent clients; half-close; a client that
// resets mid-transfer; stop with clients connected; no descriptor leaked; max_connections;
// idle_timeout. Every read is bounded (SO_RCVTIMEO), so a broken server fails a case, never hangs.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>

#include "oslab/echo_server.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab::testing {

using EchoServerFactory = std::function<std::unique_ptr<EchoServer>(const EchoServerOptions&)>;

struct EchoServerCase {
    std::string name;
    EchoServerFactory make;
    // Optional: returns why this server cannot run here (e.g. "io_uring is disabled: ..."), or ""
    // when it can. A non-empty reason skips every case with that message instead of failing it.
    std::function<std::string()> unavailable = {};
};

class EchoConformance : public ::testing::TestWithParam<EchoServerCase> {
protected:
    void SetUp() override {
        if (!GetParam().unavailable) return;
        if (const auto reason = GetParam().unavailable(); !reason.empty()) GTEST_SKIP() << reason;
    }
};

// GoogleTest prints a parameter in test listings ("# GetParam() = ..."); without this it would
// dump the object's bytes, which change from run to run. CMake's gtest_discover_tests turns
// "Case/0  # GetParam() = Blocking" into the stable ctest name "...EchoConformance.Case/Blocking".
inline void PrintTo(const EchoServerCase& server_case, std::ostream* out) {
    *out << server_case.name;
}

// A loopback test client whose every read and write is bounded by `timeout` (SO_RCVTIMEO and
// SO_SNDTIMEO): a stuck server makes a call throw std::runtime_error("... timed out ...").
// Usable by the labs' own tests too.
class TestClient {
public:
    explicit TestClient(std::uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

    void send(const std::string& text);
    void send(std::span<const std::byte> data);
    // Exactly `size` bytes; throws on end of stream or timeout.
    std::string receive(std::size_t size);
    void receive(std::span<std::byte> buffer);
    // send + receive of the same size.
    std::string echo(const std::string& text);

    // What the server did with this connection, seen from a bounded read.
    enum class Outcome { data, closed, reset, timed_out };
    // One read of up to `max` bytes (data goes to *received if given).
    Outcome read_once(std::size_t max = 4096, std::string* received = nullptr);
    // Reads until the server closes; throws on timeout. Everything read is returned.
    std::string read_until_closed();

    int fd() const { return fd_.get(); }
    void shutdown_write();    // shutdown(SHUT_WR): "I will send nothing more" (a FIN)
    void close_with_reset();  // SO_LINGER {1, 0} + close: the kernel sends RST, not FIN
    void close() { fd_.reset(); }

private:
    UniqueFd fd_;
};

}  // namespace oslab::testing

// INSTANTIATE_TEST_SUITE_P pastes its second argument into identifiers, so it must be the plain
// name `EchoConformance`: the macro opens the namespace itself. Use it at global scope. Tests are
// named "<case_name>/EchoConformance.<Case>/0" by GoogleTest, "...<Case>/<case_name>" by ctest.
#define OSLAB_ECHO_CONFORMANCE(case_name, factory)                                      \
    namespace oslab::testing {                                                          \
    INSTANTIATE_TEST_SUITE_P(case_name, EchoConformance,                                \
                             ::testing::Values(EchoServerCase{#case_name, (factory)})); \
    }                                                                                   \
    static_assert(true, "require a semicolon after OSLAB_ECHO_CONFORMANCE(...)")

// The same for a server that may be unavailable on this machine: `unavailable` returns the
// reason ("" when it can run); each case is then skipped with it.
#define OSLAB_ECHO_CONFORMANCE_UNLESS(case_name, factory, unavailable)               \
    namespace oslab::testing {                                                       \
    INSTANTIATE_TEST_SUITE_P(case_name, EchoConformance,                             \
                             ::testing::Values(EchoServerCase{#case_name, (factory), \
                                                              (unavailable)}));      \
    }                                                                                \
    static_assert(true, "require a semicolon after OSLAB_ECHO_CONFORMANCE_UNLESS(...)")
