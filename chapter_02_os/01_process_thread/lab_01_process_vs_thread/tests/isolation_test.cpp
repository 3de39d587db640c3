// What a process and a thread share, seen from inside (memory) and from outside (/proc, strace).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <latch>
#include <sstream>
#include <string>
#include <thread>

#include "eventually.hpp"
#include "oslab/proc_status.hpp"
#include "test_support.hpp"

namespace {

int g_value = 1;  // a global: one copy per address space

TEST(Isolation, ForkedChildWritesDoNotReachTheParent) {
    g_value = 1;
    const pid_t pid = ::fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
        g_value = 42;                    // writes to the child's copy (copy-on-write)
        ::_exit(g_value == 42 ? 0 : 1);  // _exit: never return into the test framework
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child saw its own write";
    EXPECT_EQ(g_value, 1) << "the parent's copy is untouched: separate address spaces";
}

TEST(Isolation, ThreadWritesAreSeenByTheOtherThreads) {
    g_value = 1;
    std::thread writer([] { g_value = 42; });
    writer.join();  // join orders the write before our read
    EXPECT_EQ(g_value, 42) << "threads share one address space";
}

TEST(ProcStatus, ParsesACraftedStatusText) {
    const char* text =
        "Name:\tdemo\n"
        "State:\tS (sleeping)\n"
        "VmHWM:\t    2048 kB\n"
        "VmRSS:\t    1536 kB\n"
        "Threads:\t5\n"
        "voluntary_ctxt_switches:\t17\n"
        "nonvoluntary_ctxt_switches:\t3\n";
    const auto status = oslab::parse_proc_status(text);
    EXPECT_EQ(status.threads, 5u);
    EXPECT_EQ(status.vm_rss_kib, 1536u);
    EXPECT_EQ(status.vm_hwm_kib, 2048u);
    EXPECT_EQ(status.voluntary_ctxt_switches, 17u);
    EXPECT_EQ(status.nonvoluntary_ctxt_switches, 3u);
}

TEST(ProcStatus, MissingFieldsAreZeroAndGarbageIsAnError) {
    EXPECT_EQ(oslab::parse_proc_status("Name:\tx\n").threads, 0u);
    EXPECT_THROW(oslab::parse_proc_status("Threads:\tmany\n"), std::runtime_error);
}

TEST(ProcStatus, ReadsItsOwnStatusAndSeesANewThread) {
    const auto before = oslab::read_proc_status();
    EXPECT_GE(before.threads, 1u);
    EXPECT_GT(before.vm_rss_kib, 0u);
    EXPECT_GE(before.vm_hwm_kib, before.vm_rss_kib);

    std::latch started(1);
    std::latch release(1);
    std::thread extra([&] {
        started.count_down();
        release.wait();
    });
    started.wait();
    // (Compared with the count after the join, not before the start: a sanitizer may start a
    // helper thread of its own along with the first thread.)
    const auto during = oslab::read_proc_status().threads;
    EXPECT_EQ(oslab::count_tasks(), during) << "/proc/self/task has one entry per thread";
    release.count_down();
    extra.join();
    // join() returns when the kernel clears the thread's id (CLONE_CHILD_CLEARTID wakes the
    // joiner), a moment before the exited task leaves the process's thread list: poll for it.
    EXPECT_TRUE(oslab::testing::eventually([&] {
        return oslab::read_proc_status().threads + 1 == during;
    })) << "the extra thread is one more task of this process";
    EXPECT_EQ(oslab::count_tasks(), during - 1);
}

TEST(ProcStatus, ReadsAChildByPidAndForkCopiesOnlyTheCallingThread) {
    // Give the parent a second thread; the child of fork() gets only the thread that called it.
    std::latch release(1);
    std::thread extra([&] { release.wait(); });
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
        ::close(ready[1]);
        char byte = 0;
        (void)!::read(ready[0], &byte, 1);  // wait until the parent has looked
        ::_exit(0);
    }
    ::close(ready[0]);
    const auto parent_threads = oslab::read_proc_status().threads;
    const auto child_threads = oslab::read_proc_status(pid).threads;
    EXPECT_GE(child_threads, 1u);
    EXPECT_LT(child_threads, parent_threads) << "fork copies only the calling thread";
    EXPECT_EQ(oslab::count_tasks(pid), child_threads);
    ::close(ready[1]);  // EOF: the child leaves
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_THROW(oslab::read_proc_status(pid), std::system_error) << "no such process any more";
    release.count_down();
    extra.join();
}

// strace shows the system call behind std::thread and behind fork(): both are clone (or clone3),
// with very different flags.
TEST(Strace, ThreadIsACloneWithSharedVmAndForkIsNot) {
    using lab01_test::run_shell;
    if (run_shell("command -v strace").exit_code != 0) {
        GTEST_SKIP() << "strace is not installed (apt-get install strace) - skipping";
    }
    if (run_shell("strace -f -o /dev/null /bin/true").exit_code != 0) {
        GTEST_SKIP() << "strace cannot trace here (ptrace not permitted, e.g. in a container "
                        "without CAP_SYS_PTRACE) - skipping";
    }
    char log_name[] = "/tmp/lab01_strace_XXXXXX";
    const int log_fd = ::mkstemp(log_name);
    ASSERT_NE(log_fd, -1);
    ::close(log_fd);
    // LeakSanitizer refuses to run under ptrace: turn it off for the traced run.
    const std::string command = std::string("ASAN_OPTIONS=detect_leaks=0 strace -f -o ") +
                                log_name + " -e trace=clone,clone3,fork,vfork " +
                                OSLAB_PROGRAM_COMPARE + " --n 1000 --workers 2";
    const auto result = run_shell(command);
    std::ifstream log_file(log_name);
    std::stringstream log;
    log << log_file.rdbuf();
    std::remove(log_name);
    ASSERT_EQ(result.exit_code, 0) << result.output;

    bool thread_clone = false;  // CLONE_VM and CLONE_THREAD: same address space, same process
    bool fork_clone = false;    // no CLONE_VM: a new address space (copy-on-write copy)
    std::string line;
    while (std::getline(log, line)) {
        const bool is_clone = line.find("clone(") != std::string::npos ||
                              line.find("clone3(") != std::string::npos ||
                              line.find("fork(") != std::string::npos;
        if (!is_clone || line.find("resumed>") != std::string::npos) continue;
        const bool vm = line.find("CLONE_VM") != std::string::npos;
        const bool thread = line.find("CLONE_THREAD") != std::string::npos;
        if (vm && thread) thread_clone = true;
        if (!vm && !thread) fork_clone = true;
    }
    EXPECT_TRUE(thread_clone) << "no clone with CLONE_VM|CLONE_THREAD in:\n" << log.str();
    EXPECT_TRUE(fork_clone) << "no clone without CLONE_VM (a fork) in:\n" << log.str();
}

}  // namespace
