// Lab 5, Step 7 (io_uring) beyond the shared conformance suite: probe and explain; a client that
// never reads is held back (bounded buffers, others still served); an empty buffer ring stalls
// receiving until buffers come back; an idle client is dropped and its buffers returned; stop()
// with sends stuck. (EMFILE: server_test.cpp; the program: program_test.cpp.) Every case is
// skipped, with the probe's reason, where io_uring cannot run. Named "uring*" for ctest -R uring.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "echo_conformance.hpp"
#include "oslab/uring_echo_server.hpp"

namespace {

using namespace std::chrono_literals;
using oslab::UringConfig;
using oslab::UringEchoServer;
using oslab::testing::TestClient;

#define OSLAB_SKIP_WITHOUT_URING()                                \
    if (const auto probe = oslab::probe_io_uring(); !probe.ok) {  \
        GTEST_SKIP() << "io_uring unavailable: " << probe.reason; \
    }                                                             \
    static_assert(true, "require a semicolon")

// A file standing in for /proc/sys/kernel/io_uring_disabled.
class FakeSysctl {
public:
    explicit FakeSysctl(const std::string& content) {
        char name[] = "/tmp/oslab-io_uring_disabled-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd == -1) throw std::runtime_error("mkstemp");
        ::close(fd);
        path_ = name;
        std::ofstream(path_) << content;
    }
    ~FakeSysctl() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

constexpr std::size_t kFloodLimit = 256u << 20;

// Writes 64 KiB chunks and never reads, until a write makes no progress for the client's timeout
// (every buffer between client and server is full) or kFloodLimit bytes went out. Returns the
// bytes written.
std::size_t flood_until_stalled(TestClient& client) {
    const std::string chunk(64 * 1024, 'f');
    std::size_t sent = 0;
    while (sent < kFloodLimit) {
        try {
            client.send(chunk);
        } catch (const std::runtime_error&) {  // timed out (or reset): stalled
            break;
        }
        sent += chunk.size();
    }
    return sent;
}

TEST(uringProbe, DisabledSysctlIsTheReason) {
    FakeSysctl disabled("2\n");
    const auto probe = oslab::probe_io_uring(disabled.path());
    EXPECT_FALSE(probe.ok);
#if OSLAB_HAVE_LIBURING
    EXPECT_EQ(probe.reason, "io_uring is disabled: " + disabled.path() + " is 2");
#else
    EXPECT_NE(probe.reason.find("built without liburing"), std::string::npos) << probe.reason;
#endif
}

TEST(uringProbe, ServerStartThrowsTheReason) {
    FakeSysctl disabled("2\n");
    UringConfig config;
    config.io_uring_disabled_path = disabled.path();
    UringEchoServer server({}, config);
    try {
        server.start();
        FAIL() << "start() succeeded although io_uring is 'disabled'";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("io_uring unavailable: ", 0), 0u) << e.what();
#if OSLAB_HAVE_LIBURING
        EXPECT_NE(std::string(e.what()).find(disabled.path() + " is 2"), std::string::npos)
            << e.what();
#endif
    }
    EXPECT_EQ(server.active_connections(), 0u);
    server.stop();  // harmless after a failed start
}

// 0 (and a kernel without the sysctl) leave the decision to io_uring_setup itself.
TEST(uringProbe, SysctlZeroOrAbsentLetsTheKernelDecide) {
    FakeSysctl allowed("0\n");
    const auto with_zero = oslab::probe_io_uring(allowed.path());
    const auto absent = oslab::probe_io_uring("/nonexistent/io_uring_disabled");
    EXPECT_EQ(with_zero.ok, absent.ok);
    EXPECT_EQ(with_zero.reason, absent.reason);
    EXPECT_EQ(with_zero.ok, with_zero.reason.empty()) << "a reason exactly when unavailable";
    EXPECT_EQ(with_zero.reason.find('\n'), std::string::npos) << "the reason is one line";
}

TEST(uringServer, ReportsItsSetupFlags) {
    OSLAB_SKIP_WITHOUT_URING();
    for (bool defer : {true, false}) {
        UringConfig config;
        config.defer_taskrun = defer;
        UringEchoServer server({}, config);
        TestClient client(server.start());
        EXPECT_EQ(client.echo("flags"), "flags");
        const auto flags = server.setup_flags();
        EXPECT_TRUE(flags == "SINGLE_ISSUER|DEFER_TASKRUN" || flags == "COOP_TASKRUN" ||
                    flags == "none")
            << flags;
        if (!defer) {
            EXPECT_EQ(flags.find("DEFER_TASKRUN"), std::string::npos) << flags;
        }
        std::printf("setup flags (defer_taskrun=%d): %s\n", int(defer), flags.c_str());
    }
}

// A client that writes and never reads its echoes: once the buffers on the way are full, the
// server must stop receiving from it (its share of provided buffers is capped), so the client
// cannot push without limit, and the others are still served.
void flooder_is_held_back(bool multishot) {
    UringConfig config;
    config.buffer_count = 256;
    config.max_buffers_per_connection = 8;
    config.multishot_recv = multishot;
    UringEchoServer server({}, config);
    const auto port = server.start();
    TestClient bystander(port);
    ASSERT_EQ(bystander.echo("before"), "before");

    TestClient flooder(port, 300ms);
    EXPECT_LT(flood_until_stalled(flooder), kFloodLimit) << "the server kept receiving";
    const auto held = server.counters().buffers_held;
    EXPECT_GE(held, config.max_buffers_per_connection) << "stalled below the cap?";
    if (!multishot) {
        EXPECT_EQ(held, config.max_buffers_per_connection) << "single-shot: exactly the cap";
    }
    // A multishot recv may deliver a few completions past the cap before its cancel is served;
    // never the whole ring.
    EXPECT_LT(held, config.buffer_count / 2);

    // Pushing more changes nothing on the server's side: it is not receiving from this client.
    flood_until_stalled(flooder);
    EXPECT_EQ(server.counters().buffers_held, held) << "the server received while at its cap";
    EXPECT_EQ(bystander.echo("during"), "during") << "another client was starved";

    flooder.close_with_reset();
    EXPECT_TRUE(eventually([&] { return server.counters().buffers_held == 0; }))
        << "buffers not given back after the reset: " << server.counters().buffers_held;
    EXPECT_TRUE(eventually([&] { return server.active_connections() == 1; }));
    EXPECT_EQ(bystander.echo("after"), "after");
}

TEST(uringServer, FlooderIsHeldBackMultishot) {
    OSLAB_SKIP_WITHOUT_URING();
    flooder_is_held_back(true);
}

TEST(uringServer, FlooderIsHeldBackSingleShot) {
    OSLAB_SKIP_WITHOUT_URING();
    flooder_is_held_back(false);
}

// Eight buffers, four per connection, two flooders: the ring is empty. A third client's data
// then completes its recv with -ENOBUFS; once the flooders are gone and their buffers are back,
// that client is served.
TEST(uringServer, EmptyRingStallsReceivingUntilBuffersComeBack) {
    OSLAB_SKIP_WITHOUT_URING();
    for (bool multishot : {true, false}) {
        SCOPED_TRACE(multishot ? "multishot recv" : "single-shot recv");
        UringConfig config;
        config.buffer_count = 8;
        config.max_buffers_per_connection = 4;
        config.multishot_recv = multishot;
        UringEchoServer server({}, config);
        const auto port = server.start();
        TestClient bystander(port);
        ASSERT_EQ(bystander.echo("warm"), "warm");
        TestClient first(port, 300ms), second(port, 300ms);
        flood_until_stalled(first);
        flood_until_stalled(second);
        ASSERT_TRUE(eventually([&] { return server.counters().buffers_held == 8; }))
            << "held " << server.counters().buffers_held << " of 8";

        const auto before = server.counters().out_of_buffers;
        bystander.send("hello");
        EXPECT_TRUE(eventually([&] { return server.counters().out_of_buffers > before; }))
            << "no -ENOBUFS completion with an empty ring";
        first.close_with_reset();
        second.close_with_reset();
        EXPECT_EQ(bystander.receive(5), "hello") << "not re-armed when buffers came back";
        EXPECT_EQ(bystander.echo("again"), "again");
        EXPECT_TRUE(eventually([&] { return server.counters().buffers_held == 0; }));
    }
}

// A tiny ring (4 buffers) and 16 MiB each way: receiving keeps running out of buffers and sends
// are often short; every byte must still come back in order.
TEST(uringServer, SixteenMiBThroughFourBuffers) {
    OSLAB_SKIP_WITHOUT_URING();
    UringConfig config;
    config.buffer_count = 4;
    config.max_buffers_per_connection = 2;
    UringEchoServer server({}, config);
    TestClient client(server.start(), 20s);
    std::vector<std::byte> payload(16u << 20);
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<std::byte>((i * 2654435761u) >> 11);
    auto writer = std::async(std::launch::async, [&] { client.send(payload); });
    std::vector<std::byte> received(payload.size());
    client.receive(received);
    writer.get();
    EXPECT_TRUE(received == payload) << "the 16 MiB came back altered";
}

// idle_timeout also ends a client that stopped reading (its sends are stuck): its pending
// operations are cancelled and every buffer it held goes back to the ring.
TEST(uringServer, IdleTimeoutDropsAStuckClientAndFreesItsBuffers) {
    OSLAB_SKIP_WITHOUT_URING();
    oslab::EchoServerOptions options;
    options.idle_timeout = 300ms;
    UringEchoServer server(options);
    TestClient flooder(server.start(), 300ms);
    flood_until_stalled(flooder);
    EXPECT_TRUE(eventually([&] { return server.active_connections() == 0; }))
        << "the stuck client was not dropped";
    EXPECT_EQ(server.counters().buffers_held, 0u);
}

// stop() with a send stuck on a client that does not read: cancelled, closed, returns.
TEST(uringServer, StopWithSendsStuckClosesEveryone) {
    OSLAB_SKIP_WITHOUT_URING();
    UringEchoServer server({});
    const auto port = server.start();
    TestClient flooder(port, 300ms);
    TestClient quiet(port);
    ASSERT_EQ(quiet.echo("q"), "q");
    flood_until_stalled(flooder);
    ASSERT_GT(server.counters().buffers_held, 0u);
    server.stop();  // a hang here is a test timeout, not a pass
    EXPECT_EQ(server.active_connections(), 0u);
    TestClient::Outcome outcome;
    while ((outcome = flooder.read_once(64 * 1024)) == TestClient::Outcome::data) {
    }
    EXPECT_NE(outcome, TestClient::Outcome::timed_out) << "the flooder was left connected";
    EXPECT_NE(quiet.read_once(), TestClient::Outcome::timed_out) << "a client left connected";
}

}  // namespace
