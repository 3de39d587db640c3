// Lab 4: the classic blocking echo server. One thread accepts; every client gets its own
// std::thread that blocks in read() until data arrives and in write() until the echo is sent.
// Simple to write and to reason about, and it costs one kernel thread (stack, scheduling) per
// connection: the limit Lab 5 removes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "oslab/echo_server.hpp"
#include "oslab/unique_fd.hpp"

namespace oslab {

enum class LogLevel { error, info, debug };
// Called from the server's threads (the accept thread and every client thread), concurrently.
using Logger = std::function<void(LogLevel, const std::string&)>;

class BlockingEchoServer : public EchoServer {
public:
    explicit BlockingEchoServer(EchoServerOptions options = {}, Logger log = {});
    ~BlockingEchoServer() override;  // calls stop()
    BlockingEchoServer(const BlockingEchoServer&) = delete;
    BlockingEchoServer& operator=(const BlockingEchoServer&) = delete;

    // Binds and listens (std::system_error on failure, e.g. the port is in use), starts the accept
    // thread, returns the bound port. Call it once.
    std::uint16_t start() override;
    // Stops accepting, shuts down every client socket, joins every thread. Idempotent.
    void stop() override;
    std::size_t active_connections() const override { return active_.load(); }
    std::size_t total_connections() const override { return total_.load(); }

private:
    // One client: its socket (owned by its thread, which closes it) and the thread serving it.
    struct Connection {
        int fd = -1;
        std::thread thread;
    };

    void accept_loop();  // runs on acceptor_
    bool accept_one();   // accept() a pending client, start its thread; false: out of resources
    void serve(std::uint64_t id, UniqueFd fd);   // runs on the client's own thread
    void finish(std::uint64_t id, UniqueFd fd);  // end of serve(): hand the thread to the reaper
    void reap();                                 // join threads whose client has gone
    void wake();                                 // make the accept loop's poll() return
    void log(LogLevel level, const std::string& message) const;

    EchoServerOptions options_;
    Logger log_;
    UniqueFd listener_;
    UniqueFd wake_read_, wake_write_;  // the self-pipe: a byte written here wakes accept_loop
    std::thread acceptor_;
    std::mutex lifecycle_;  // serialises start() and stop()

    mutable std::mutex mutex_;  // guards everything below
    bool stopping_ = false;
    std::uint64_t next_id_ = 0;
    std::map<std::uint64_t, Connection> connections_;  // clients being served
    std::vector<std::thread> finished_;                // threads whose client has gone: to join

    std::atomic<std::size_t> active_{0};
    std::atomic<std::size_t> total_{0};
};

}  // namespace oslab
