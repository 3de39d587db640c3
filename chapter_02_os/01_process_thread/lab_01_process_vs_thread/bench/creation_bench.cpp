// What it costs to create (and finish) a process, a thread and a coroutine task; and how fork()
// slows down as the parent's touched memory grows, while posix_spawn() does not.
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstring>
#include <thread>

#include "bench_util.hpp"
#include "oslab/bench_support.hpp"
#include "oslab/coro.hpp"

extern char** environ;

namespace {

using lab01_bench::Clock;
using lab01_bench::reap_or_die;
using lab01_bench::set_us_per_op;

char kTrue[] = "/bin/true";
char* const kTrueArgv[] = {kTrue, nullptr};

pid_t spawn_true() {
    pid_t pid = -1;
    if (::posix_spawn(&pid, kTrue, nullptr, nullptr, kTrueArgv, environ) != 0) std::abort();
    return pid;
}

// fork + _exit + waitpid: a copy of this process that does nothing.
void BM_Create_ForkExitWait(benchmark::State& state) {
    const auto start = Clock::now();
    for (auto _ : state) {
        const pid_t pid = ::fork();
        if (pid == -1) std::abort();
        if (pid == 0) ::_exit(0);
        reap_or_die(pid);
    }
    set_us_per_op(state, Clock::now() - start);
}
BENCHMARK(BM_Create_ForkExitWait)->UseRealTime();

// fork + exec of /bin/true: the classic way to start another program.
void BM_Create_ForkExecTrue(benchmark::State& state) {
    const auto start = Clock::now();
    for (auto _ : state) {
        const pid_t pid = ::fork();
        if (pid == -1) std::abort();
        if (pid == 0) {
            ::execv(kTrue, kTrueArgv);
            ::_exit(127);
        }
        reap_or_die(pid);
    }
    set_us_per_op(state, Clock::now() - start);
}
BENCHMARK(BM_Create_ForkExecTrue)->UseRealTime();

// vfork + exec: the child borrows the parent's address space until exec, nothing is copied.
void BM_Create_VforkExecTrue(benchmark::State& state) {
    const auto start = Clock::now();
    for (auto _ : state) {
        const pid_t pid = ::vfork();
        if (pid == -1) std::abort();
        if (pid == 0) {
            ::execv(kTrue, kTrueArgv);
            ::_exit(127);
        }
        reap_or_die(pid);
    }
    set_us_per_op(state, Clock::now() - start);
}
BENCHMARK(BM_Create_VforkExecTrue)->UseRealTime();

// posix_spawn: glibc does clone(CLONE_VM | CLONE_VFORK) + exec, the vfork way, safely.
void BM_Create_PosixSpawnTrue(benchmark::State& state) {
    const auto start = Clock::now();
    for (auto _ : state)
        reap_or_die(spawn_true());
    set_us_per_op(state, Clock::now() - start);
}
BENCHMARK(BM_Create_PosixSpawnTrue)->UseRealTime();

// std::thread create + join: clone(CLONE_VM | CLONE_THREAD | ...) plus a stack mmap (cached by
// glibc after the first thread).
void BM_Create_ThreadJoin(benchmark::State& state) {
    int sink = 0;
    const auto start = Clock::now();
    for (auto _ : state) {
        std::thread t([&sink] { benchmark::DoNotOptimize(sink); });
        t.join();
    }
    set_us_per_op(state, Clock::now() - start);
}
BENCHMARK(BM_Create_ThreadJoin)->UseRealTime();

oslab::Task trivial_task(int* counter) {
    ++*counter;
    co_return;
}

// A coroutine task: allocate its frame, queue it, run it to the end, free the frame. All in user
// space; needs the student's Scheduler::run().
void BM_Create_CoroutineTask(benchmark::State& state) {
    oslab::Scheduler scheduler;
    int counter = 0;
    if (!oslab::implemented(state, [&] {
            scheduler.spawn(trivial_task(&counter));
            scheduler.run();
        })) {
        return;
    }
    const auto start = Clock::now();
    for (auto _ : state) {
        scheduler.spawn(trivial_task(&counter));
        scheduler.run();
    }
    set_us_per_op(state, Clock::now() - start);
    benchmark::DoNotOptimize(counter);
}
BENCHMARK(BM_Create_CoroutineTask)->UseRealTime();

// The parent first touches state.range(0) MiB (every page resident, one page-table entry each).
// fork() must copy those page-table entries and mark every page copy-on-write; the child's exit
// must tear them down again. posix_spawn() copies nothing.
class TouchedMemory {
public:
    explicit TouchedMemory(std::size_t mib) : size_(mib << 20) {
        if (size_ == 0) return;
        data_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (data_ == MAP_FAILED) std::abort();
        std::memset(data_, 1, size_);
    }
    ~TouchedMemory() {
        if (size_ != 0) ::munmap(data_, size_);
    }
    TouchedMemory(const TouchedMemory&) = delete;
    TouchedMemory& operator=(const TouchedMemory&) = delete;

private:
    std::size_t size_;
    void* data_ = nullptr;
};

void BM_ForkWithTouchedMemory(benchmark::State& state) {
    TouchedMemory memory(static_cast<std::size_t>(state.range(0)));
    const auto start = Clock::now();
    for (auto _ : state) {
        const pid_t pid = ::fork();
        if (pid == -1) std::abort();
        if (pid == 0) ::_exit(0);
        reap_or_die(pid);
    }
    set_us_per_op(state, Clock::now() - start);
    state.counters["parent_MiB"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_ForkWithTouchedMemory)->ArgName("MiB")->Arg(0)->Arg(64)->Arg(512)->UseRealTime();

void BM_PosixSpawnWithTouchedMemory(benchmark::State& state) {
    TouchedMemory memory(static_cast<std::size_t>(state.range(0)));
    const auto start = Clock::now();
    for (auto _ : state)
        reap_or_die(spawn_true());
    set_us_per_op(state, Clock::now() - start);
    state.counters["parent_MiB"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_PosixSpawnWithTouchedMemory)->ArgName("MiB")->Arg(0)->Arg(512)->UseRealTime();

}  // namespace
